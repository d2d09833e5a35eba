import { describe, expect, it } from 'vitest';
import { parseRoute, routeHash } from '../../../src/ui/shell/router.ts';

describe('hash routes', () => {
  it('reads views and a conversation id, and writes them back', () => {
    expect(parseRoute('#/chat/abc-1')).toEqual({ view: 'chat', id: 'abc-1' });
    expect(parseRoute('#/documents')).toEqual({ view: 'documents' });
    expect(routeHash({ view: 'chat', id: 'a b' })).toBe('#/chat/a%20b');
    expect(parseRoute(routeHash({ view: 'chat', id: 'a b' }))).toEqual({ view: 'chat', id: 'a b' });
  });

  it('sends anything unknown to the chat view', () => {
    expect(parseRoute('')).toEqual({ view: 'chat' });
    expect(parseRoute('#/nowhere/x')).toEqual({ view: 'chat' });
    expect(parseRoute('#/device/x')).toEqual({ view: 'device' });
  });
});
