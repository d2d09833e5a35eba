import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newConversation, type Conversation } from '../../../src/ui/chat/conversation.ts';
import { ConversationStore } from '../../../src/ui/chat/conversation-store.ts';
import { OUTDATED_TAB_EVENT } from '../../../src/ui/shell/outdated-tab.ts';

// A newer version of the app opens the chat database with a newer schema while an old tab holds it:
// the old tab lets the upgrade through, says so, and keeps what it writes afterwards for the newer
// version, which writes it in. Two stores on one (fake) IndexedDB play the two tabs.

/** Node has no localStorage or window events: a Map-backed Storage and an EventTarget stand in. */
function browserGlobals() {
  const items = new Map<string, string>();
  const storage = {
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, String(value)),
    removeItem: (key: string) => void items.delete(key),
  };
  const events = new EventTarget();
  Object.assign(globalThis, {
    localStorage: storage,
    addEventListener: events.addEventListener.bind(events),
    removeEventListener: events.removeEventListener.bind(events),
    dispatchEvent: events.dispatchEvent.bind(events),
  });
}

let name: string;
beforeEach(() => {
  browserGlobals();
  name = `hearth-chat-${Math.random().toString(36).slice(2)}`;
});
afterEach(() => indexedDB.deleteDatabase(name));

const withMessage = (conversation: Conversation, content: string, at: number): Conversation => ({
  ...conversation,
  updatedAt: at,
  messages: [...conversation.messages, { id: `m${at}`, role: 'user', content, createdAt: at }],
});

describe('the conversation store across a schema upgrade', () => {
  it('the old tab lets the upgrade through, is told, and the newer version writes in what it kept', async () => {
    const outdated: string[] = [];
    addEventListener(OUTDATED_TAB_EVENT, (event) =>
      outdated.push((event as CustomEvent<{ database: string }>).detail.database),
    );
    const oldTab = new ConversationStore(name, 1);
    const first = withMessage(newConversation(1_000), 'the spare key is under the blue pot', 1_001);
    await oldTab.put(first);

    // The newer version opens at version 2: not blocked by the old tab, every record kept.
    const newTab = new ConversationStore(name, 2);
    expect((await newTab.list()).map((c) => c.id)).toEqual([first.id]);
    expect(outdated).toEqual([name]);

    // The old tab goes on writing: kept aside, not lost, not written over the newer database.
    const later = withMessage(first, 'the bicycle is in the shed', 1_002);
    await oldTab.put(later);
    expect((await newTab.get(first.id))?.messages).toHaveLength(1);

    // The next open by the newer version writes it in, and the hand-over is emptied.
    const reopened = new ConversationStore(name, 2);
    expect((await reopened.get(first.id))?.messages.map((m) => m.content)).toEqual([
      'the spare key is under the blue pot',
      'the bicycle is in the shed',
    ]);
    expect(localStorage.getItem('hearth:unsaved-conversations')).toBeNull();
  });

  it('an old tab reloaded on old code meets the newer database: told to reload, its writes kept', async () => {
    const newer = new ConversationStore(name, 2);
    await newer.put(newConversation(5_000));
    const outdated: string[] = [];
    addEventListener(OUTDATED_TAB_EVENT, () => outdated.push(name));
    const old = new ConversationStore(name, 1);
    await expect(old.list()).rejects.toMatchObject({ name: 'VersionError' });
    expect(outdated).toEqual([name]);
    const written = withMessage(newConversation(6_000), 'kept for the newer version', 6_001);
    await old.put(written);
    expect(JSON.parse(localStorage.getItem('hearth:unsaved-conversations')!)).toEqual([written]);
  });

  it('a kept copy older than the stored one is not written over it; a damaged one is dropped', async () => {
    const store = new ConversationStore(name, 1);
    const stored = withMessage(newConversation(1), 'newest', 10);
    await store.put(stored);
    const older = withMessage(newConversation(1), 'older', 5);
    localStorage.setItem(
      'hearth:unsaved-conversations',
      JSON.stringify([
        { ...older, id: stored.id },
        { id: 'broken', messages: 'not a list' },
      ]),
    );
    const next = new ConversationStore(name, 1);
    expect((await next.list()).map((c) => [c.id, c.messages[0]?.content])).toEqual([[stored.id, 'newest']]);
  });
});
