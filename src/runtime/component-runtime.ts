/**
 * What `<hearth-chat>` fetches when its first element starts: the facade and the catalog, and no more. The
 * runtime's index also carries the app's stores (MCP servers, A2A agents, conversations), whose modules build
 * zod schemas at load time, so a bundler cannot leave them out of a chunk that imports the index.
 */
export { createHearth } from './hearth.ts';
export { listCatalog } from './models.ts';
