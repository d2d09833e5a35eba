// Dataset validation: every malformed line is reported with its number and reason, before any job starts.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateDataset } from '../../../server/datasets/validate.ts';
import { createChatTokens } from '../../../server/datasets/chat-tokens.ts';
import { ModelCatalog } from '../../../server/models/catalog.ts';
import { api, chatDataset, chatLine, DEMO_MODEL, REPO, tempDir, uploadText, waitForJob } from './helpers.ts';
import { useTestServer } from './use-test-server.ts';

const catalog = new ModelCatalog(path.join(REPO, 'public/models'));
const model = catalog.get(DEMO_MODEL)!;
const dir = tempDir('datasets');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function validate(text: string | Buffer) {
  const file = path.join(dir, `d${Math.random()}.jsonl`);
  fs.writeFileSync(file, text);
  return validateDataset(file, { maxTokens: model.maxTokens, tokens: createChatTokens(model.dir) });
}

describe('validateDataset', () => {
  it('accepts a well-formed dataset and counts its tokens with the model tokenizer and chat template', async () => {
    const report = await validate(chatDataset(10));
    expect(report).toMatchObject({ valid: true, examples: 10, bad_lines: 0, errors: [], file_errors: [] });
    // The ChatML template wraps three messages in special tokens: more tokens than the plain text has words.
    expect(report.total_tokens).toBeGreaterThan(10 * 20);
  });

  it('reports every bad line with its number and reason', async () => {
    const long = 'word '.repeat(2000);
    const bad = [
      chatLine(1), // 1 ok
      '{"messages": [', // 2 invalid_json
      '[1, 2]', // 3 not_an_object
      JSON.stringify({ messages: [], extra: 1 }), // 4 unknown_key
      JSON.stringify({ prompt: 'x' }), // 5 unknown_key (prompt)
      JSON.stringify({ messages: [] }), // 6 missing_messages
      JSON.stringify({ messages: [{ role: 'wizard', content: 'x' }] }), // 7 invalid_role
      JSON.stringify({ messages: [{ role: 'user', content: 'x', mood: 'happy' }] }), // 8 unknown_message_key
      JSON.stringify({ messages: [{ role: 'user', content: 3 }] }), // 9 invalid_content
      JSON.stringify({ messages: [{ role: 'user', content: 'only a question' }] }), // 10 no_assistant_message
      JSON.stringify({
        messages: [
          { role: 'user', content: long },
          { role: 'assistant', content: 'ok' },
        ],
      }), // 11 too_many_tokens
      '', // 12 empty_line
      chatLine(2), // 13 ok
    ].join('\n');
    const invalidUtf8 = Buffer.concat([Buffer.from(bad + '\n'), Buffer.from([0x7b, 0xff, 0xfe, 0x7d, 0x0a])]); // 14
    const report = await validate(invalidUtf8);
    expect(report.valid).toBe(false);
    expect(report.errors.map(({ line, code }) => [line, code])).toEqual([
      [2, 'invalid_json'],
      [3, 'not_an_object'],
      [4, 'unknown_key'],
      [5, 'unknown_key'],
      [6, 'missing_messages'],
      [7, 'invalid_role'],
      [8, 'unknown_message_key'],
      [9, 'invalid_content'],
      [10, 'no_assistant_message'],
      [11, 'too_many_tokens'],
      [12, 'empty_line'],
      [14, 'invalid_utf8'],
    ]);
    expect(report.errors.find((error) => error.code === 'too_many_tokens')!.message).toMatch(/at most 512/);
    expect(report.examples).toBe(2);
    expect(report.file_errors).toEqual([
      { code: 'too_few_examples', message: expect.stringMatching(/2 valid examples; at least 10/) },
    ]);
  });

  it('ignores trailing blank lines and CRLF line ends', async () => {
    const report = await validate(chatDataset(10).replaceAll('\n', '\r\n') + '\r\n\n');
    expect(report).toMatchObject({ valid: true, examples: 10 });
  });

  it('accepts assistant tool calls without content', async () => {
    const line = JSON.stringify({
      messages: [
        { role: 'user', content: 'weather?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'c1', type: 'function', function: { name: 'w', arguments: '{}' } }],
        },
        { role: 'tool', tool_call_id: 'c1', content: 'sunny' },
        { role: 'assistant', content: 'Sunny.' },
      ],
    });
    const report = await validate(Array(10).fill(line).join('\n'));
    expect(report.errors).toEqual([]);
    expect(report.valid).toBe(true);
  });
});

describe('validation in a job', () => {
  const server = useTestServer();

  it('fails the job with invalid_training_file and lists each bad line as an event', async () => {
    const text =
      chatDataset(10) + '{oops\n' + JSON.stringify({ messages: [{ role: 'user', content: 'q' }] }) + '\n';
    const file = await uploadText(server, server.key, text);
    const { body } = await api<{ id: string }>(server, server.key, 'POST', '/v1/fine_tuning/jobs', {
      model: DEMO_MODEL,
      training_file: file,
    });
    const job = await waitForJob(server, server.key, body.id);
    expect(job.status).toBe('failed');
    expect(job.error).toMatchObject({ code: 'invalid_training_file', param: 'training_file' });
    expect(job.error!.message).toMatch(/line 11: .*not valid JSON.*line 12: .*no assistant message/);
    const events = await api<{
      data: Array<{ level: string; data: { line?: number; code?: string } | null }>;
    }>(server, server.key, 'GET', `/v1/fine_tuning/jobs/${body.id}/events?limit=100`);
    const lines = events.body.data
      .filter((event) => event.data?.line)
      .map((event) => [event.data!.line, event.data!.code]);
    expect(lines.sort()).toEqual([
      [11, 'invalid_json'],
      [12, 'no_assistant_message'],
    ]);
    expect(server.services.jobs.get(body.id)!.handle).toBeNull(); // never reached the executor
  });

  it('reports a file without starting a job', async () => {
    const file = await uploadText(server, server.key, chatDataset(10) + '[]\n');
    const response = await api<{
      valid: boolean;
      examples: number;
      errors: Array<{ line: number; code: string }>;
    }>(server, server.key, 'GET', `/v1/files/${file}/validation?model=${DEMO_MODEL}`);
    expect(response.body).toMatchObject({
      valid: false,
      examples: 10,
      errors: [{ line: 11, code: 'not_an_object' }],
    });
  });

  it('rejects bad job requests at once with the parameter named', async () => {
    const file = await uploadText(server, server.key, chatDataset(10));
    const cases: Array<[unknown, string]> = [
      [{ model: 'gpt-4o', training_file: file }, 'model'],
      [{ model: DEMO_MODEL, training_file: 'file-nope' }, 'training_file'],
      [{ model: DEMO_MODEL, training_file: file, suffix: 'Bad Name!' }, 'suffix'],
      [{ model: DEMO_MODEL, training_file: file, method: { type: 'dpo' } }, 'method.type'],
      [
        {
          model: DEMO_MODEL,
          training_file: file,
          method: { type: 'supervised', supervised: { hyperparameters: { lora_r: 0 } } },
        },
        'method.supervised.hyperparameters.lora_r',
      ],
    ];
    for (const [request, param] of cases) {
      const response = await api<{ error: { param: string; type: string } }>(
        server,
        server.key,
        'POST',
        '/v1/fine_tuning/jobs',
        request,
      );
      expect(response.status, JSON.stringify(request)).toBe(400);
      expect(response.body.error.param).toBe(param);
    }
  });
});
