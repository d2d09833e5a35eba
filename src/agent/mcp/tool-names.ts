/** What a server id may be: it becomes the prefix of every tool name of that server. */
export const SERVER_ID_PATTERN = /^[A-Za-z0-9_-]{1,24}$/;

const AGENT_TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const SEPARATOR = '__';

/** FNV-1a, 32 bits, base 36: a short stable tag that tells two mangled names apart. */
function shortHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(36).padStart(7, '0');
}

/**
 * The agent-facing name of server tool `tool`: `<serverId>__<tool>`, so two servers' `search` never
 * collide. MCP allows names an agent tool may not have (dots, slashes, up to 128 characters): such
 * a name has its other characters replaced by `_`, is cut to fit 64, and gets a hash of the original
 * name appended, so two different names never map to one.
 */
export function namespacedToolName(serverId: string, tool: string): string {
  const plain = `${serverId}${SEPARATOR}${tool}`;
  if (AGENT_TOOL_NAME.test(plain)) return plain;
  const tag = `_${shortHash(tool)}`;
  const room = 64 - serverId.length - SEPARATOR.length - tag.length;
  const mangled = tool.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, Math.max(0, room));
  return `${serverId}${SEPARATOR}${mangled}${tag}`;
}
