import type { OAuthDiscoveryState } from '@modelcontextprotocol/sdk/client/auth.js';
import type { OAuthClientInformationMixed, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';

/** What Hearth keeps of one server's OAuth sign-in (exactly what the SDK handed over, unchanged). */
export interface McpOAuthRecord {
  clientInformation?: OAuthClientInformationMixed;
  tokens?: OAuthTokens;
  /** The PKCE verifier of the sign-in under way. */
  codeVerifier?: string;
  discovery?: OAuthDiscoveryState;
}

/** Where one server's OAuth record lives: IndexedDB in a page, memory in the command-line client. */
export interface McpOAuthStore {
  load(): Promise<McpOAuthRecord>;
  save(record: McpOAuthRecord): Promise<void>;
}

export function memoryOAuthStore(initial: McpOAuthRecord = {}): McpOAuthStore {
  let record = structuredClone(initial);
  return {
    load: async () => structuredClone(record),
    save: async (next) => {
      record = structuredClone(next);
    },
  };
}
