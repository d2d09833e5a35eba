import { z } from 'zod';

/**
 * What the MCP conformance suite's scenarios ask of a client, read from MCP_CONFORMANCE_SCENARIO and
 * MCP_CONFORMANCE_CONTEXT (`npx @modelcontextprotocol/conformance client --command "npm run -s mcp-client --"`).
 * Each scenario's server offers one tool to call; the bridge does the protocol.
 */
export interface ScenarioPlan {
  /** The tool to call after listing (by its name on the server), and its arguments. */
  call?: { tool: string; args: Record<string, unknown> };
  /** Answer elicitation requests by accepting with no fields, so the SDK fills in the schema's defaults. */
  acceptElicitation?: boolean;
  /** A client registered beforehand (no dynamic registration). */
  client?: { id: string; secret: string };
  /** The client metadata document URL the suite's servers accept as a client id (SEP-991). */
  clientMetadataUrl?: string;
}

const contextSchema = z.looseObject({
  name: z.string(),
  client_id: z.string().optional(),
  client_secret: z.string().optional(),
});

export function scenarioPlan(scenario: string, contextJson: string | undefined): ScenarioPlan {
  const context = contextJson ? contextSchema.parse(JSON.parse(contextJson)) : undefined;
  if (scenario === 'tools_call') return { call: { tool: 'add_numbers', args: { a: 2, b: 3 } } };
  if (scenario === 'sse-retry') return { call: { tool: 'test_reconnection', args: {} } };
  if (scenario === 'elicitation-sep1034-client-defaults') {
    return { acceptElicitation: true, call: { tool: 'test_client_elicitation_defaults', args: {} } };
  }
  if (scenario.startsWith('auth/')) {
    return {
      call: { tool: 'test-tool', args: {} },
      clientMetadataUrl: 'https://conformance-test.local/client-metadata.json',
      ...(context?.client_id && context.client_secret
        ? { client: { id: context.client_id, secret: context.client_secret } }
        : {}),
    };
  }
  return {};
}
