/**
 * `Idempotency-Key` on POSTs: the first response (unless a server error) is stored per project and key and
 * replayed for a retry with the same request; the same key with a different request is refused. "The same
 * request" is the method, the URL and the body: canonical JSON, or for uploads the fields and the file's
 * SHA-256 (an upload is compared only once its body has been read, so `routes/files.ts` claims the key itself).
 * A key whose request never finished (the server died mid-request) is reclaimed at the next start — one server
 * owns the data folder, so every unfinished row then is an orphan — and after `STALE_SECONDS` while running.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../store/db.ts';
import { nowSeconds } from '../store/db.ts';
import { HttpError } from './errors.ts';
import { canonicalJson } from './json-body.ts';

declare module 'fastify' {
  interface FastifyRequest {
    idempotencyKey: string | null;
  }
  interface FastifyInstance {
    /** Claims the request's Idempotency-Key for `fingerprint`; returns the replayed reply if it was answered. */
    claimIdempotency(request: FastifyRequest, reply: FastifyReply, fingerprint: string): FastifyReply | null;
  }
}

/** Longer than any request may take (Node's requestTimeout is 300 s). */
export const STALE_SECONDS = 600;

export const fingerprintOf = (request: FastifyRequest, body: string): string =>
  createHash('sha256').update(`${request.method} ${request.url}\n`).update(body).digest('hex');

export function registerIdempotency(app: FastifyInstance, db: Db): void {
  db.prepare('DELETE FROM idempotency WHERE status IS NULL').run();
  const find = db.prepare<
    [string, string],
    { fingerprint: string; status: number | null; body: string | null; created_at: number }
  >('SELECT fingerprint, status, body, created_at FROM idempotency WHERE project = ? AND key = ?');
  const claim = db.prepare(
    'INSERT INTO idempotency (project, key, fingerprint, created_at) VALUES (?, ?, ?, ?)',
  );
  const save = db.prepare('UPDATE idempotency SET status = ?, body = ? WHERE project = ? AND key = ?');
  const release = db.prepare('DELETE FROM idempotency WHERE project = ? AND key = ?');

  const keyOf = (request: FastifyRequest): string | null => {
    const key = request.headers['idempotency-key'];
    if (request.method !== 'POST' || typeof key !== 'string' || !request.principal) return null;
    if (key.length === 0 || key.length > 255)
      throw new HttpError(400, 'invalid_idempotency_key', 'Idempotency-Key must be 1 to 255 characters.');
    return key;
  };

  app.decorateRequest('idempotencyKey', null);
  app.decorate('claimIdempotency', (request: FastifyRequest, reply: FastifyReply, print: string) => {
    const key = keyOf(request);
    if (key === null) return null;
    const project = request.principal.project;
    let previous = find.get(project, key);
    if (previous && previous.status === null && nowSeconds() - previous.created_at > STALE_SECONDS) {
      release.run(project, key);
      previous = undefined;
    }
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
    return null;
  });

  app.addHook('preHandler', async (request, reply) => {
    if (request.isMultipart() || keyOf(request) === null) return;
    const replay = app.claimIdempotency(request, reply, fingerprintOf(request, canonicalJson(request.body)));
    if (replay) return replay;
  });
  app.addHook('onSend', async (request, reply, payload) => {
    const key = request.idempotencyKey;
    if (!key) return payload;
    try {
      if (reply.statusCode >= 500 || typeof payload !== 'string') release.run(request.principal.project, key);
      else save.run(reply.statusCode, payload, request.principal.project, key);
    } catch (error) {
      // A full disk: the row stays unfinished and is reclaimed at the next start or once stale.
      console.error(`hearth: could not record Idempotency-Key ${key}: ${String(error)}`);
    }
    return payload;
  });
  app.addHook('onRequestAbort', async (request) => {
    const key = request.idempotencyKey;
    if (key && find.get(request.principal.project, key)?.status === null)
      release.run(request.principal.project, key);
  });
}
