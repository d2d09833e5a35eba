import { HearthError } from '../../core/errors.ts';
import { errorText } from './cors.ts';
import { mcpError } from './errors.ts';
import type { McpSdk } from './load-sdk.ts';

/** Why a session ended, which decides what its interrupted calls report. */
export type SessionEnd = 'session-lost' | 'server-gone' | 'closed';

export interface FailureContext {
  server: string;
  url: URL;
  /** How the session the request went out on ended, when it has. */
  ended?: SessionEnd;
  timeoutMs?: number;
  /** The last message the server sent that was not valid JSON-RPC, if any. */
  invalidMessage?: string;
  /** Whether an OAuth provider is configured (a 401 then means "sign in", not "bad token"). */
  oauth: boolean;
  /** What was being done, for the message: "calling echo", "connecting". */
  doing: string;
}

const PROTOCOL = /protocol version/i;

/** An HTTP status the SDK reported, from either transport's error. */
function httpStatus(sdk: McpSdk, error: unknown): number | undefined {
  if (error instanceof sdk.StreamableHTTPError || error instanceof sdk.SseError) {
    return typeof error.code === 'number' && error.code >= 100 ? error.code : undefined;
  }
  const match = error instanceof Error ? /\(HTTP (\d{3})\)/.exec(error.message) : null;
  return match ? Number(match[1]) : undefined;
}

function isNetworkError(error: unknown): boolean {
  return (
    error instanceof TypeError &&
    /fetch|network|terminated|socket|ECONN|other side closed/i.test(errorText(error))
  );
}

/** A message that did not parse as JSON, or did not fit the SDK's (zod) schema of MCP messages. */
export function isInvalidMessage(error: unknown): error is Error {
  return error instanceof SyntaxError || (error instanceof Error && /^\$?ZodError$/.test(error.name));
}

/** One line per problem of a parse failure ("content: expected array, received string"). */
export function describeInvalid(error: Error): string {
  const issues = (error as { issues?: Array<{ path: PropertyKey[]; message: string }> }).issues;
  const text = Array.isArray(issues)
    ? issues.map((issue) => `${issue.path.map(String).join('.') || 'message'}: ${issue.message}`).join('; ')
    : error.message;
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}

/** True when retrying later may help (the reconnect loop keeps going); false when a person must act. */
export function isTransient(error: HearthError): boolean {
  if (error.code === 'MCP_REQUEST_FAILED')
    return (error.details as { transient?: boolean } | undefined)?.transient === true;
  return ['MCP_SERVER_UNREACHABLE', 'MCP_SERVER_GONE', 'MCP_SESSION_LOST', 'MCP_TIMEOUT'].includes(
    error.code,
  );
}

/** Turns whatever the SDK threw into one coded error a person can act on. */
export function classifyFailure(sdk: McpSdk, error: unknown, context: FailureContext): HearthError {
  if (error instanceof HearthError) return error;
  const { server, doing } = context;
  const where = `MCP server "${server}" (${context.url.href})`;
  if (context.ended === 'session-lost') {
    return mcpError(
      'MCP_SESSION_LOST',
      `The ${where} forgot this session while ${doing}; Hearth opened a new one.`,
      {
        cause: error,
      },
    );
  }
  if (context.ended === 'server-gone') {
    return mcpError('MCP_SERVER_GONE', `The ${where} went away while ${doing}: ${errorText(error)}.`, {
      cause: error,
    });
  }
  if (context.ended === 'closed') return mcpError('MCP_CLOSED', `The connection to the ${where} was closed.`);

  if (error instanceof sdk.UnauthorizedError) {
    return context.oauth
      ? mcpError('MCP_SIGN_IN_REQUIRED', `The ${where} asks you to sign in (${doing}).`, { cause: error })
      : mcpError(
          'MCP_UNAUTHORIZED',
          `The ${where} refused the credentials (401) while ${doing}: sign in again.`,
          {
            cause: error,
          },
        );
  }
  const status = httpStatus(sdk, error);
  if (status === 401) {
    return mcpError(
      'MCP_UNAUTHORIZED',
      `The ${where} refused the credentials (401) while ${doing}: sign in again.`,
      {
        cause: error,
      },
    );
  }
  if (status === 403) {
    return mcpError('MCP_FORBIDDEN', `The ${where} refused access (403) while ${doing}: sign in again.`, {
      cause: error,
    });
  }
  const message = errorText(error);
  if (PROTOCOL.test(message) && (status === undefined || status === 400)) {
    return mcpError(
      'MCP_PROTOCOL_MISMATCH',
      `The ${where} and Hearth share no protocol version (${message}); Hearth speaks ${sdk.SUPPORTED_PROTOCOL_VERSIONS.join(', ')}.`,
      { cause: error },
    );
  }
  if (status !== undefined) {
    return mcpError('MCP_REQUEST_FAILED', `The ${where} answered HTTP ${status} while ${doing}: ${message}`, {
      cause: error,
      details: { status, transient: status >= 500 || status === 408 || status === 429 },
    });
  }
  if (error instanceof sdk.McpError) {
    if (error.code === sdk.ErrorCode.RequestTimeout) {
      if (context.invalidMessage) {
        return mcpError(
          'MCP_INVALID_RESPONSE',
          `The ${where} gave no valid answer within ${context.timeoutMs ?? '?'} ms while ${doing}; it sent this instead: ${context.invalidMessage}`,
          { cause: error },
        );
      }
      return mcpError(
        'MCP_TIMEOUT',
        `The ${where} did not answer within ${context.timeoutMs ?? '?'} ms while ${doing}; the request was cancelled.`,
        { cause: error },
      );
    }
    if (error.code === sdk.ErrorCode.ConnectionClosed) {
      return mcpError('MCP_SERVER_GONE', `The connection to the ${where} closed while ${doing}.`, {
        cause: error,
      });
    }
    return mcpError('MCP_REQUEST_FAILED', `The ${where} refused ${doing}: ${error.message}`, {
      cause: error,
      details: { rpcCode: error.code, data: error.data },
    });
  }
  if (isNetworkError(error)) {
    return mcpError('MCP_SERVER_UNREACHABLE', `The ${where} cannot be reached (${doing}): ${message}.`, {
      cause: error,
    });
  }
  if (error instanceof SyntaxError || (error instanceof Error && /^\$?ZodError$/.test(error.name))) {
    return mcpError(
      'MCP_INVALID_RESPONSE',
      `The ${where} sent a message that is not valid JSON-RPC (${doing}): ${message.slice(0, 500)}`,
      {
        cause: error,
      },
    );
  }
  if (/unexpected content type/i.test(message)) {
    return mcpError(
      'MCP_INVALID_RESPONSE',
      `The ${where} answered with something other than MCP (${doing}): ${message}`,
      {
        cause: error,
      },
    );
  }
  return mcpError('MCP_REQUEST_FAILED', `The ${where} failed while ${doing}: ${message}`, { cause: error });
}
