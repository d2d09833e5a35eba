/**
 * `Idempotency-Key` on POSTs: the first response (unless a server error) is stored per project and key and
 * replayed for a retry with the same key; the same key with a different request is refused.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Db } from '../store/db.ts';
import { nowSeconds } from '../store/db.ts';
import { HttpError } from './errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    idempotencyKey: string | null;
  }
}

const fingerprint = (request: FastifyRequest): string =>
  createHash('sha256')
    .update(`${request.method} ${request.url}\n`)
    .update(request.isMultipart() ? '' : JSON.stringify(request.body ?? null))
    .digest('hex');

export function registerIdempotency(app: FastifyInstance, db: Db): void {
  const find = db.prepare<
    [string, string],
    { fingerprint: string; status: number | null; body: string | null }
  >('SELECT fingerprint, status, body FROM idempotency WHERE project = ? AND key = ?');
  const claim = db.prepare(
    'INSERT INTO idempotency (project, key, fingerprint, created_at) VALUES (?, ?, ?, ?)',
  );
  const save = db.prepare('UPDATE idempotency SET status = ?, body = ? WHERE project = ? AND key = ?');
  const release = db.prepare('DELETE FROM idempotency WHERE project = ? AND key = ?');

  app.decorateRequest('idempotencyKey', null);
  app.addHook('preHandler', async (request, reply) => {
    const key = request.headers['idempotency-key'];
    if (request.method !== 'POST' || typeof key !== 'string' || !request.principal) return;
    if (key.length === 0 || key.length > 255)
      throw new HttpError(400, 'invalid_idempotency_key', 'Idempotency-Key must be 1 to 255 characters.');
    const project = request.principal.project;
    const print = fingerprint(request);
    const previous = find.get(project, key);
    if (previous) {
      if (previous.fingerprint !== print)
        throw new HttpError(
          409,
          'idempotency_key_reused',
          'This Idempotency-Key was used for a different request; use a new key.',
        );
      if (previous.status === null)
        throw new HttpError(
          409,
          'idempotency_key_in_progress',
          'A request with this Idempotency-Key is still in progress; retry shortly.',
        );
      return reply
        .code(previous.status)
        .header('content-type', 'application/json; charset=utf-8')
        .header('idempotent-replayed', 'true')
        .send(previous.body);
    }
    claim.run(project, key, print, nowSeconds());
    request.idempotencyKey = key;
  });
  app.addHook('onSend', async (request, reply, payload) => {
    const key = request.idempotencyKey;
    if (!key) return payload;
    if (reply.statusCode >= 500 || typeof payload !== 'string') release.run(request.principal.project, key);
    else save.run(reply.statusCode, payload, request.principal.project, key);
    return payload;
  });
  app.addHook('onRequestAbort', async (request) => {
    const key = request.idempotencyKey;
    if (key && find.get(request.principal.project, key)?.status === null)
      release.run(request.principal.project, key);
  });
}
