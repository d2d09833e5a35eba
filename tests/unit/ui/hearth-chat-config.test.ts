import { describe, expect, it } from 'vitest';
import { isHearthError } from '../../../src/core/errors.ts';
import { readAgentPipeline } from '../../../src/ui/hearth-chat/agent-attribute.ts';
import { DEFAULT_CHAT_MODEL, readHearthChatConfig } from '../../../src/ui/hearth-chat/config.ts';

const page = 'https://site.example/blog/post.html';

/** The code and the attribute a failed read names. */
function failure(read: () => unknown): { code: string; attribute?: unknown; message: string } {
  try {
    read();
  } catch (error) {
    if (!isHearthError(error)) throw error;
    return {
      code: error.code,
      attribute: (error.details as { attribute?: unknown })?.attribute,
      message: error.message,
    };
  }
  throw new Error('expected a HearthError');
}

describe('<hearth-chat> settings', () => {
  it('has defaults for everything: the demo model, auto device, the app sampling', () => {
    const config = readHearthChatConfig({}, page);
    expect(config).toMatchObject({
      model: DEFAULT_CHAT_MODEL,
      device: 'auto',
      systemPrompt: '',
      sampling: { temperature: 0.7, top_p: 0.95, max_tokens: 256 },
    });
    expect(config.modelsBaseUrl).toBeUndefined();
    expect(config.agent).toBeUndefined();
  });

  it('treats empty attributes as absent, resolves relative URLs against the page and merges sampling', () => {
    const config = readHearthChatConfig(
      {
        model: '',
        modelsBaseUrl: '../models/',
        device: 'wasm',
        sampling: { temperature: 0, max_tokens: 20 },
      },
      page,
    );
    expect(config.model).toBe(DEFAULT_CHAT_MODEL);
    expect(config.modelsBaseUrl).toBe('https://site.example/models/');
    expect(config.sampling).toEqual({ temperature: 0, top_p: 0.95, max_tokens: 20 });
  });

  it('names the attribute it cannot use, as written in HTML', () => {
    expect(failure(() => readHearthChatConfig({ model: 'no-owner' }, page))).toMatchObject({
      code: 'HEARTH_CHAT_INVALID_ATTRIBUTE',
      attribute: 'model',
    });
    expect(failure(() => readHearthChatConfig({ embeddingModel: 'x' }, page)).attribute).toBe(
      'embedding-model',
    );
    expect(failure(() => readHearthChatConfig({ device: 'gpu' }, page)).attribute).toBe('device');
    const url = failure(() => readHearthChatConfig({ modelsBaseUrl: 'javascript:alert(1)' }, page));
    expect(url.attribute).toBe('models-base-url');
    expect(url.message).toContain('models-base-url');
    expect(failure(() => readHearthChatConfig({ apiBaseUrl: 'ftp://x.example/' }, page)).attribute).toBe(
      'api-base-url',
    );
    expect(failure(() => readHearthChatConfig({ sampling: { temperature: 9 } }, page)).message).toContain(
      'sampling (property).temperature',
    );
  });

  it('refuses settings that only work together when one is missing', () => {
    expect(failure(() => readHearthChatConfig({ collection: 'docs' }, page))).toMatchObject({
      code: 'HEARTH_CHAT_INVALID_ATTRIBUTE',
      attribute: 'collection',
    });
    expect(
      readHearthChatConfig({ collection: 'docs', embeddingModel: 'hearth-demo/tiny-embed' }, page).collection,
    ).toBe('docs');
    expect(
      failure(() => readHearthChatConfig({ adapter: 'support', apiBaseUrl: 'https://api.example' }, page)),
    ).toMatchObject({ attribute: 'adapter' });
    expect(
      readHearthChatConfig({ adapter: 'support', apiBaseUrl: 'https://api.example', apiKey: 'hk_b_1' }, page)
        .adapter,
    ).toBe('support');
  });
});

describe('the agent attribute', () => {
  it('reads a pipeline from JSON text or takes an object; absent is undefined', () => {
    expect(readAgentPipeline('{"steps":[{"agent":"writer"}]}')).toEqual({ steps: [{ agent: 'writer' }] });
    const pipeline = { steps: [] };
    expect(readAgentPipeline(pipeline)).toBe(pipeline);
    expect(readAgentPipeline('')).toBeUndefined();
    expect(readAgentPipeline(null)).toBeUndefined();
  });

  it('refuses text that is not JSON, and JSON that is not an object', () => {
    for (const value of ['{steps:', '[1,2]', '"writer"', '42', 'null '])
      expect(() => readAgentPipeline(value)).toThrow(
        expect.objectContaining({ code: 'HEARTH_CHAT_INVALID_ATTRIBUTE' }),
      );
    expect(failure(() => readHearthChatConfig({ agent: '[]' }, page)).message).toContain('`agent`');
  });
});
