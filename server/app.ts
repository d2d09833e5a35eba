/** Builds the HTTP API (fastify) over a set of services; `server.ts` starts it. */
import cors from '@fastify/cors';
import multipart from '@fastify/multipart';
import Fastify, { type FastifyInstance } from 'fastify';
import { registerAuth } from './auth/hook.ts';
import { HttpError, errorBody } from './http/errors.ts';
import { toHttpError } from './http/error-reply.ts';
import { registerIdempotency } from './http/idempotency.ts';
import { registerJsonBody } from './http/json-body.ts';
import { registerAdapterRoutes } from './routes/adapters.ts';
import { registerFileRoutes } from './routes/files.ts';
import { registerJobRoutes } from './routes/jobs.ts';
import { registerModelRoutes } from './routes/models.ts';
import type { Services } from './services.ts';

export async function buildApp(s: Services, options: { logger?: boolean } = {}): Promise<FastifyInstance> {
  const app = Fastify({ logger: options.logger ?? false, bodyLimit: s.config.bodyLimitBytes });

  await app.register(cors, {
    origin: s.config.corsOrigins,
    methods: ['GET', 'HEAD', 'POST', 'DELETE', 'OPTIONS'],
    allowedHeaders: [
      'authorization',
      'content-type',
      'idempotency-key',
      'range',
      'if-none-match',
      'if-range',
      'last-event-id',
    ],
    exposedHeaders: ['etag', 'content-range', 'accept-ranges', 'content-length', 'idempotent-replayed'],
    maxAge: 600,
  });
  await app.register(multipart, {
    // The blob store enforces the size limit while streaming; this is a second fence.
    limits: { fileSize: s.config.uploadLimitBytes + 1, files: 1, fields: 8, fieldSize: 1024, parts: 10 },
    throwFileSizeLimit: true,
  });

  // The app page is cross-origin isolated (COEP); responses it fetches must allow being embedded.
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('cross-origin-resource-policy', 'cross-origin');
    return payload;
  });

  registerJsonBody(app);
  registerAuth(app, s.keys);
  registerIdempotency(app, s.db);

  app.setErrorHandler((error, request, reply) => {
    let http = toHttpError(error);
    if (http === null || http.status >= 500) {
      request.log.error(error);
      console.error(
        `hearth: ${http?.code ?? 'internal error'}`,
        http?.status === 507 ? String(error) : error,
      );
    }
    http ??= new HttpError(
      500,
      'internal_error',
      'The server failed; the error is logged. Retry, and report it if it persists.',
    );
    return reply.code(http.status).send(errorBody(http));
  });
  app.setNotFoundHandler((request, reply) => {
    const http = new HttpError(
      404,
      'route_not_found',
      `No route ${request.method} ${request.url.split('?')[0]}.`,
    );
    return reply.code(404).send(errorBody(http));
  });

  app.get('/health', { config: { scope: 'public' } }, async () => ({ ok: true, executor: s.executor.kind }));
  registerModelRoutes(app, s);
  registerFileRoutes(app, s);
  registerJobRoutes(app, s);
  registerAdapterRoutes(app, s);
  return app;
}
