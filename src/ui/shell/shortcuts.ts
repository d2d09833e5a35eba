/** Keyboard shortcuts, in one list: the key handler and the help dialog both read it. */
export type ShortcutAction = 'new-chat' | 'focus-input' | 'stop' | 'search' | 'help';

export interface Shortcut {
  action: ShortcutAction;
  keys: string;
  label: string;
  matches(event: KeyboardEvent, typing: boolean): boolean;
}

const mod = (event: KeyboardEvent) => event.ctrlKey || event.metaKey;

export const shortcuts: Shortcut[] = [
  {
    action: 'new-chat',
    keys: 'Ctrl + Shift + O',
    label: 'New chat',
    matches: (e) => mod(e) && e.shiftKey && e.key.toLowerCase() === 'o',
  },
  {
    action: 'focus-input',
    keys: 'Shift + Esc',
    label: 'Focus the message box',
    matches: (e) => e.shiftKey && e.key === 'Escape',
  },
  {
    action: 'stop',
    keys: 'Esc',
    label: 'Stop the answer being written',
    matches: (e) => !e.shiftKey && e.key === 'Escape',
  },
  {
    action: 'search',
    keys: 'Ctrl + K',
    label: 'Search chats',
    matches: (e) => mod(e) && !e.shiftKey && e.key.toLowerCase() === 'k',
  },
  {
    action: 'help',
    keys: '? or Ctrl + /',
    label: 'Show keyboard shortcuts',
    matches: (e, typing) => (!typing && e.key === '?') || (mod(e) && e.key === '/'),
  },
];

/** Whether the key went to a text field (where `?` is just a character). */
export function isTyping(event: KeyboardEvent): boolean {
  const target = event.composedPath()[0];
  if (!(target instanceof HTMLElement)) return false;
  return (
    target.isContentEditable || target instanceof HTMLTextAreaElement || target instanceof HTMLInputElement
  );
}
