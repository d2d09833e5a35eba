import type { HearthError } from '../../core/errors.ts';
import { classifyFailure } from './classify.ts';
import { connectTimeoutMs, type ServerLink } from './connect-options.ts';
import { explainNetworkFailure } from './cors.ts';

/**
 * The coded error for a failure while connecting or listing. A network failure is probed once more,
 * because a browser reports a CORS refusal and a server that is not there as the same TypeError.
 */
export async function explainFailure(link: ServerLink, error: unknown, doing: string): Promise<HearthError> {
  const failure = classifyFailure(link.sdk, error, {
    server: link.config.id,
    url: link.url,
    oauth: link.options.oauth !== undefined,
    doing,
    timeoutMs: connectTimeoutMs(link),
  });
  if (failure.code !== 'MCP_SERVER_UNREACHABLE') return failure;
  return explainNetworkFailure(link.fetch, link.url, failure.cause ?? error);
}
