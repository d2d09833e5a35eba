// `npm run mcp-client`: the prebuilt client (npm run build:mcp-client), so a start costs no TypeScript loader.
import { existsSync } from 'node:fs';

const built = new URL('../../.build/mcp-client/mcp-client.mjs', import.meta.url);
if (!existsSync(built)) {
  console.error('The MCP client is not built yet: run npm run build:mcp-client');
  process.exit(2);
}
await import(built.href);
