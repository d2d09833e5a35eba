import type { AgentCard } from '@a2a-js/sdk';
import { describe, expect, it } from 'vitest';
import { cardUrlFor, chooseInterface } from '../../../src/agent/a2a/card.ts';

const card = (interfaces: Array<[url: string, binding: string, version: string]>) =>
  ({
    name: 'Agent',
    supportedInterfaces: interfaces.map(([url, protocolBinding, protocolVersion]) => ({
      url,
      protocolBinding,
      protocolVersion,
      tenant: '',
    })),
    capabilities: { streaming: true },
    skills: [{ id: 's', name: '', description: 'does things', tags: ['x'] }],
  }) as unknown as AgentCard;

const home = new URL('https://agent.example/.well-known/agent-card.json');

describe('the agent card', () => {
  it('is found where the SDK looks for it, or is the address itself', () => {
    expect(cardUrlFor('https://a.example').href).toBe('https://a.example/.well-known/agent-card.json');
    expect(cardUrlFor('https://a.example/agents/x/').href).toBe(
      'https://a.example/agents/x/.well-known/agent-card.json',
    );
    expect(cardUrlFor('https://a.example/cards/x.json').href).toBe('https://a.example/cards/x.json');
  });

  it('leads to the first transport a browser speaks, its 1.0 interface first, on its own origin', () => {
    const chosen = chooseInterface(
      card([
        ['grpc.agent.example:443', 'GRPC', '1.0'],
        ['https://agent.example/rpc', 'JSONRPC', '0.3'],
        ['https://agent.example/rpc', 'JSONRPC', '1.0'],
        ['https://agent.example/rest', 'HTTP+JSON', '1.0'],
      ]),
      home,
      [],
    );
    expect(chosen.summary).toMatchObject({
      binding: 'JSONRPC',
      protocolVersion: '1.0',
      endpoint: 'https://agent.example/rpc',
    });
    expect(chosen.card.supportedInterfaces).toEqual([
      { url: 'https://agent.example/rpc', protocolBinding: 'JSONRPC', protocolVersion: '1.0', tenant: '' },
    ]);
    expect(chosen.summary.skills).toEqual([
      { id: 's', name: 's', description: 'does things', tags: ['x'], examples: [] },
    ]);
  });

  it('is refused when it sends requests elsewhere, unless that origin is allowed; elsewhere is skipped if home is there', () => {
    const away = card([['https://other.example/rpc', 'JSONRPC', '1.0']]);
    expect(() => chooseInterface(away, home, [])).toThrow(
      expect.objectContaining({ code: 'A2A_CARD_REFUSED' }),
    );
    expect(chooseInterface(away, home, ['https://other.example']).summary.endpoint).toBe(
      'https://other.example/rpc',
    );
    const both = card([
      ['https://other.example/rpc', 'JSONRPC', '1.0'],
      ['https://agent.example/rpc', 'JSONRPC', '1.0'],
    ]);
    expect(chooseInterface(both, home, []).summary.endpoint).toBe('https://agent.example/rpc');
  });

  it('is invalid without a name, without interfaces, or with none a browser can use', () => {
    const invalid = expect.objectContaining({ code: 'A2A_CARD_INVALID' });
    expect(() =>
      chooseInterface({ ...card([['https://agent.example/rpc', 'JSONRPC', '1.0']]), name: '' }, home, []),
    ).toThrow(invalid);
    expect(() => chooseInterface(card([]), home, [])).toThrow(invalid);
    expect(() => chooseInterface(card([['agent.example:443', 'GRPC', '1.0']]), home, [])).toThrow(
      /offers GRPC/,
    );
  });
});
