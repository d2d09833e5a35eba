/**
 * `/v1/adapters`: list (newest first), manifest, file download (ETag, Range, immutable caching), and grants
 * that share an adapter name with another project. Reading needs only an `adapters:read` key.
 */
import fs from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { parseAdapterId } from '../../src/core/adapter-manifest.ts';
import { projectNameSchema } from '../auth/keys.ts';
import { HttpError, invalid } from '../http/errors.ts';
import { listBody, parsePage } from '../http/pagination.ts';
import { parseRange } from '../http/ranges.ts';
import type { Services } from '../services.ts';
import { BlobCache } from '../artifacts/blob-cache.ts';

const read = { config: { scope: 'adapters:read' as const } };
/** Published versions never change, so caches may keep them for good (private: the API needs a key). */
const IMMUTABLE = 'private, max-age=31536000, immutable';

const adapterNotFound = (id: string) =>
  new HttpError(
    404,
    'adapter_not_found',
    `No adapter '${id}' is visible to this project (it does not exist, or it was not shared with you).`,
  );

export function registerAdapterRoutes(app: FastifyInstance, s: Services): void {
  const cache = new BlobCache();
  /** Manifests are immutable: each is serialized once. */
  const manifestJson = new Map<string, string>();
  const manifestOf = (project: string, id: string) => {
    const parsed = parseAdapterId(id);
    const manifest = parsed && s.adapters.get(project, parsed.name, parsed.version);
    if (!manifest) throw adapterNotFound(id);
    return manifest;
  };

  app.get<{ Querystring: { base_model?: string; name?: string } }>('/v1/adapters', read, async (request) => {
    const { data, hasMore } = s.adapters.list(request.principal.project, {
      ...parsePage(request.query),
      baseModel: request.query.base_model,
      name: request.query.name,
    });
    return listBody(data, hasMore);
  });

  app.get<{ Params: { id: string } }>('/v1/adapters/:id', read, async (request, reply) => {
    const manifest = manifestOf(request.principal.project, request.params.id);
    let json = manifestJson.get(manifest.id);
    if (json === undefined) manifestJson.set(manifest.id, (json = JSON.stringify(manifest)));
    return reply
      .header('cache-control', IMMUTABLE)
      .header('content-type', 'application/json; charset=utf-8')
      .send(json);
  });

  app.get<{ Params: { id: string; name: string } }>(
    '/v1/adapters/:id/files/:name',
    read,
    async (request, reply) => {
      const manifest = manifestOf(request.principal.project, request.params.id);
      const file = manifest.files.find((candidate) => candidate.name === request.params.name);
      if (!file)
        throw new HttpError(
          404,
          'adapter_file_not_found',
          `The adapter ${manifest.id} has no file '${request.params.name}'; its manifest lists the files.`,
        );
      const etag = `"${file.sha256}"`;
      reply
        .header('etag', etag)
        .header('cache-control', IMMUTABLE)
        .header('accept-ranges', 'bytes')
        .header(
          'content-type',
          file.name.endsWith('.json') ? 'application/json' : 'application/octet-stream',
        );
      if (request.headers['if-none-match'] === etag) return reply.code(304).send();
      const ifRange = request.headers['if-range'];
      const range =
        ifRange && ifRange !== etag
          ? { kind: 'full' as const }
          : parseRange(request.headers.range, file.size);
      const blobPath = s.blobs.pathOf(file.sha256);
      const cached = cache.get(file.sha256, file.size, blobPath);
      if (range.kind === 'unsatisfiable')
        return reply
          .code(416)
          .header('content-range', `bytes */${file.size}`)
          .header('content-type', 'application/json; charset=utf-8')
          .send({
            error: {
              message: `The range is outside the file (${file.size} bytes).`,
              type: 'invalid_request_error',
              param: null,
              code: 'range_not_satisfiable',
            },
          });
      if (range.kind === 'partial')
        return reply
          .code(206)
          .header('content-range', `bytes ${range.start}-${range.end}/${file.size}`)
          .header('content-length', range.end - range.start + 1)
          .send(
            cached
              ? cached.subarray(range.start, range.end + 1)
              : fs.createReadStream(blobPath, { start: range.start, end: range.end }),
          );
      return reply.header('content-length', file.size).send(cached ?? fs.createReadStream(blobPath));
    },
  );

  const grantBody = z.object({ project: projectNameSchema });

  app.get<{ Params: { name: string } }>('/v1/adapters/:name/grants', async (request) => {
    const projects = s.adapters.grants(request.principal.project, request.params.name);
    return listBody(
      projects.map((project) => ({
        object: 'adapter.grant' as const,
        adapter: request.params.name,
        project,
      })),
      false,
    );
  });

  app.post<{ Params: { name: string } }>('/v1/adapters/:name/grants', async (request) => {
    const parsed = grantBody.safeParse(request.body);
    if (!parsed.success) throw invalid(`Invalid grant: ${parsed.error.issues[0]?.message}.`, 'project');
    s.adapters.grant(request.principal.project, request.params.name, parsed.data.project);
    return { object: 'adapter.grant' as const, adapter: request.params.name, project: parsed.data.project };
  });

  app.delete<{ Params: { name: string; project: string } }>(
    '/v1/adapters/:name/grants/:project',
    async (request) => {
      s.adapters.revoke(request.principal.project, request.params.name, request.params.project);
      return {
        object: 'adapter.grant' as const,
        adapter: request.params.name,
        project: request.params.project,
        deleted: true,
      };
    },
  );
}
