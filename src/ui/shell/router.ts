/** The views the shell can show, in navigation order. */
export const viewNames = ['chat', 'documents', 'models', 'adapters', 'agents', 'device'] as const;
export type ViewName = (typeof viewNames)[number];

export interface Route {
  view: ViewName;
  /** `#/chat/<id>`: the conversation to open. */
  id?: string;
}

/** `#/chat/abc` -> { view: 'chat', id: 'abc' }; anything unknown is the chat view. */
export function parseRoute(hash: string): Route {
  const [view, id] = hash.replace(/^#\/?/, '').split('/');
  const known = viewNames.find((name) => name === view);
  if (!known) return { view: 'chat' };
  return id && known === 'chat' ? { view: known, id: decodeURIComponent(id) } : { view: known };
}

export function routeHash(route: Route): string {
  return route.id ? `#/${route.view}/${encodeURIComponent(route.id)}` : `#/${route.view}`;
}
