/**
 * Authentication for every route: `Authorization: Bearer <key>`, looked up by hash. Each scope includes the ones
 * below it (`full` > `training` > `adapters:read`); routes that a narrower key may call say so with
 * `config: { scope: 'training' }` or `'adapters:read'`; all others need a full key.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError } from '../http/errors.ts';
import type { KeyStore, Principal, Scope } from './keys.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal;
  }
  interface FastifyContextConfig {
    /** The least scope that may call the route; `public` needs no key. Default: `full`. */
    scope?: Scope | 'public';
  }
}

const RANK: Record<Scope, number> = { 'adapters:read': 0, training: 1, full: 2 };

function bearer(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1]! : null;
}

export function registerAuth(app: FastifyInstance, keys: KeyStore): void {
  app.decorateRequest('principal', null as unknown as Principal);
  app.addHook('onRequest', async (request) => {
    // Preflights carry no key; unknown routes answer 404 whatever the key.
    if (request.method === 'OPTIONS' || request.routeOptions.url === undefined) return;
    const needed = request.routeOptions.config?.scope ?? 'full';
    if (needed === 'public') return;
    const key = bearer(request);
    if (!key)
      throw new HttpError(
        401,
        'missing_api_key',
        'Send an API key as "Authorization: Bearer <key>" (create one with `npm run server -- keys create --project NAME`).',
      );
    const principal = keys.lookup(key);
    if (!principal)
      throw new HttpError(401, 'invalid_api_key', 'The API key is not valid; check it or create a new one.');
    if (RANK[principal.scope] < RANK[needed])
      throw new HttpError(
        403,
        'insufficient_scope',
        `This key has the '${principal.scope}' scope; this endpoint needs a ${needed === 'full' ? 'full' : `'${needed}'`} key.`,
      );
    request.principal = principal;
  });
}
