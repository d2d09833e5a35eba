/**
 * Everything of @modelcontextprotocol/sdk the bridge uses at run time, in one module that is only
 * ever imported dynamically (load-sdk.ts): the SDK's client imports Ajv and zod statically, so a
 * page pays for them when it first connects to a server, not when it starts.
 */
import * as z from 'zod/v4';

export { Client } from '@modelcontextprotocol/sdk/client/index.js';
export {
  StreamableHTTPClientTransport,
  StreamableHTTPError,
} from '@modelcontextprotocol/sdk/client/streamableHttp.js';
export { SSEClientTransport, SseError } from '@modelcontextprotocol/sdk/client/sse.js';
export {
  auth,
  discoverAuthorizationServerMetadata,
  UnauthorizedError,
} from '@modelcontextprotocol/sdk/client/auth.js';
// The CSP-safe validator: @cfworker/json-schema interprets schemas, Ajv would compile them with `new Function`.
export { CfWorkerJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/cfworker';
export { Validator as JsonSchemaValidator, dereference as dereferenceSchema } from '@cfworker/json-schema';
export {
  ElicitRequestSchema,
  ErrorCode,
  LATEST_PROTOCOL_VERSION,
  McpError,
  PromptListChangedNotificationSchema,
  PromptSchema,
  ResourceListChangedNotificationSchema,
  ResourceSchema,
  ResourceTemplateSchema,
  SUPPORTED_PROTOCOL_VERSIONS,
  ToolListChangedNotificationSchema,
  ToolSchema,
} from '@modelcontextprotocol/sdk/types.js';

/**
 * A page of any list result (tools, prompts, resources) with its items unchecked: the SDK's own list
 * schemas reject the whole page when one item is malformed, and one bad tool must not hide the
 * server's other tools.
 */
export function lenientPageSchema(key: string) {
  return z.looseObject({ [key]: z.array(z.unknown()), nextCursor: z.string().optional() });
}
