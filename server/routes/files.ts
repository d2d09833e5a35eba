/** `/v1/files`: upload (multipart, streamed to disk with a size limit), list, retrieve, delete, content. */
import fs from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { HttpError, invalid, notFound } from '../http/errors.ts';
import { isStorageFull } from '../http/error-reply.ts';
import { listBody, parsePage } from '../http/pagination.ts';
import { fileObject } from '../store/files.ts';
import type { StagedBlob } from '../artifacts/blob-store.ts';
import { fingerprintOf } from '../http/idempotency.ts';
import { canonicalJson } from '../http/json-body.ts';
import type { Services } from '../services.ts';

const PURPOSES = new Set(['fine-tune']);
/** Multipart framing around the file: boundaries, headers, the purpose field. */
const MULTIPART_OVERHEAD = 64 * 1024;

/**
 * Keeps only the last path segment of a client-supplied name and drops control characters: names are shown
 * back to users, never used as paths (bytes are stored by hash), but clients that save by name stay safe.
 */
export function safeFileName(raw: string | undefined): string {
  const base = (raw ?? '').split(/[/\\]/).pop() ?? '';
  const clean = [...base]
    .filter((char) => char.charCodeAt(0) >= 0x20 && char.charCodeAt(0) !== 0x7f)
    .join('')
    .trim()
    .slice(0, 255);
  return clean === '' || clean === '.' || clean === '..' ? 'upload.jsonl' : clean;
}

/**
 * What the multipart parser throws for a malformed body (no boundary, cut off mid-part) is the client's mistake;
 * a full disk or an error of ours while storing it is not, and passes through.
 */
function multipartError(error: unknown): unknown {
  if (error instanceof HttpError || isStorageFull(error)) return error;
  const status = (error as { statusCode?: unknown }).statusCode;
  if (typeof status === 'number' && status < 500) return error;
  if ((error as { syscall?: unknown }).syscall !== undefined) return error; // a file-system error of ours
  return new HttpError(
    400,
    'invalid_multipart',
    `The multipart body is malformed: ${(error as Error).message}.`,
  );
}

export function registerFileRoutes(app: FastifyInstance, s: Services): void {
  const limit = s.config.uploadLimitBytes;

  app.post('/v1/files', { config: { scope: 'training' } }, async (request, reply) => {
    const declared = Number(request.headers['content-length'] ?? NaN);
    if (declared > limit + MULTIPART_OVERHEAD) {
      reply.header('connection', 'close');
      throw new HttpError(
        413,
        'file_too_large',
        `The upload is ${declared} bytes; this server accepts files up to ${limit} bytes.`,
      );
    }
    if (!request.isMultipart())
      throw invalid('Send the file as multipart/form-data with fields "file" and "purpose".');
    const fields = Object.create(null) as Record<string, string>;
    let staged: StagedBlob | undefined;
    let filename = '';
    try {
      for await (const part of request.parts()) {
        if (part.type === 'field') {
          fields[part.fieldname] = String(part.value);
        } else if (part.fieldname === 'file' && !staged) {
          staged = await s.blobs.stage(part.file, limit);
          filename = safeFileName(part.filename);
        } else {
          part.file.resume();
        }
      }
    } catch (error) {
      s.blobs.discard(staged);
      const tooLarge =
        (error instanceof HttpError && error.status === 413) ||
        (error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE';
      // Discard the rest of the body rather than reset the connection: a reset can destroy the 413 response
      // in the client's receive buffer before it reads it. Node's requestTimeout bounds a client that never stops.
      if (tooLarge) request.raw.resume();
      if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
        throw new HttpError(
          413,
          'file_too_large',
          `The file is larger than this server's upload limit of ${limit} bytes.`,
        );
      }
      throw multipartError(error);
    }
    try {
      if (!staged) throw invalid('The form has no "file" field.', 'file');
      const purpose = fields.purpose;
      if (!purpose || !PURPOSES.has(purpose))
        throw invalid(`purpose must be "fine-tune" (got ${JSON.stringify(purpose ?? null)}).`, 'purpose');
      // A retry replays only the same fields and the same bytes (whatever multipart boundary it used).
      const print = fingerprintOf(request, canonicalJson({ fields, filename, sha256: staged.sha256 }));
      const replay = app.claimIdempotency(request, reply, print);
      if (replay) return replay;
      const blob = { sha256: staged.sha256, size: staged.size };
      s.blobs.commit(staged);
      staged = undefined;
      try {
        const row = s.files.insert(
          request.principal.project,
          filename,
          purpose,
          blob,
          request.principal.keyId,
        );
        return reply.code(200).send(fileObject(row));
      } catch (error) {
        if (!s.files.blobInUse(blob.sha256)) s.blobs.remove(blob.sha256);
        throw error;
      }
    } finally {
      s.blobs.discard(staged);
    }
  });

  app.get('/v1/files', async (request) => {
    const page = parsePage(request.query);
    const purpose = (request.query as { purpose?: string }).purpose;
    const { rows, hasMore } = s.files.list(request.principal.project, { ...page, purpose });
    return listBody(rows.map(fileObject), hasMore);
  });

  app.get<{ Params: { id: string } }>('/v1/files/:id', async (request) => {
    const row = s.files.get(request.principal.project, request.params.id);
    if (!row) throw notFound('file', request.params.id);
    return fileObject(row);
  });

  app.get<{ Params: { id: string } }>('/v1/files/:id/content', async (request, reply) => {
    const row = s.files.get(request.principal.project, request.params.id);
    if (!row) throw notFound('file', request.params.id);
    return reply
      .header('content-type', 'application/octet-stream')
      .header('content-length', row.bytes)
      .send(fs.createReadStream(s.blobs.pathOf(row.sha256)));
  });

  /** The per-line report a job would get, without starting one (`?model=` picks the token limit). */
  app.get<{ Params: { id: string }; Querystring: { model?: string } }>(
    '/v1/files/:id/validation',
    async (request, reply) => {
      const row = s.files.get(request.principal.project, request.params.id);
      if (!row) throw notFound('file', request.params.id);
      // A client that hangs up stops its share of the validation (the last one to leave stops it all).
      const gone = new AbortController();
      reply.raw.on(
        'close',
        () => reply.raw.writableFinished || gone.abort(new Error('The client went away.')),
      );
      const modelId = request.query.model ?? s.catalog.list()[0]?.id;
      const model = modelId ? s.catalog.get(modelId) : undefined;
      if (!model) throw invalid(`Name a base model with ?model=; GET /v1/models lists them.`, 'model');
      const report = await s.reports.get(
        row.sha256,
        s.blobs.pathOf(row.sha256),
        model,
        undefined,
        gone.signal,
      );
      return { object: 'file.validation' as const, file_id: row.id, model: model.id, ...report };
    },
  );

  app.delete<{ Params: { id: string } }>('/v1/files/:id', async (request) => {
    const row = s.files.get(request.principal.project, request.params.id);
    if (!row) throw notFound('file', request.params.id);
    const user = s.jobs
      .active()
      .find((job) => job.training_file === row.id || job.validation_file === row.id);
    if (user)
      throw new HttpError(
        409,
        'file_in_use',
        `The job ${user.id} still uses this file; cancel it or wait until it ends.`,
      );
    const { blobStillUsed } = s.files.delete(row);
    if (!blobStillUsed) {
      s.reports.forget(row.sha256);
      s.blobs.remove(row.sha256);
    }
    return { id: row.id, object: 'file' as const, deleted: true };
  });
}
