/** Uploaded files: metadata rows per project; the bytes live in the blob store by SHA-256. */
import type { Db } from './db.ts';
import { nowSeconds } from './db.ts';
import { newId } from './ids.ts';
import { fetchPage } from './page.ts';

export interface FileRow {
  id: string;
  project: string;
  filename: string;
  purpose: string;
  bytes: number;
  sha256: string;
  created_at: number;
  /** The key that uploaded it (null for files older than this column). */
  created_by: string | null;
}

/** The OpenAI `file` object. */
export function fileObject(row: FileRow) {
  return {
    id: row.id,
    object: 'file' as const,
    bytes: row.bytes,
    created_at: row.created_at,
    expires_at: null,
    filename: row.filename,
    purpose: row.purpose,
    status: 'processed' as const,
    status_details: null,
  };
}

export class FileStore {
  constructor(private readonly db: Db) {}

  insert(
    project: string,
    filename: string,
    purpose: string,
    blob: { sha256: string; size: number },
    createdBy: string | null = null,
  ): FileRow {
    const row: FileRow = {
      id: newId('file'),
      project,
      filename,
      purpose,
      bytes: blob.size,
      sha256: blob.sha256,
      created_at: nowSeconds(),
      created_by: createdBy,
    };
    this.db
      .prepare(
        'INSERT INTO files (id, project, filename, purpose, bytes, sha256, created_at, created_by) VALUES (@id, @project, @filename, @purpose, @bytes, @sha256, @created_at, @created_by)',
      )
      .run(row);
    return row;
  }

  /** With `createdBy`, only a file that key uploaded. */
  get(project: string, id: string, createdBy?: string): FileRow | undefined {
    const row = this.db
      .prepare<[string, string], FileRow>('SELECT * FROM files WHERE id = ? AND project = ?')
      .get(id, project);
    return row && (createdBy === undefined || row.created_by === createdBy) ? row : undefined;
  }

  /** Newest first; `after` is the id of the last file of the previous page. */
  list(
    project: string,
    options: { after?: string; limit: number; purpose?: string },
  ): { rows: FileRow[]; hasMore: boolean } {
    const { page, hasMore } = fetchPage(options.limit, (limit) =>
      this.db
        .prepare<{ project: string; purpose: string | null; after: string | null; limit: number }, FileRow>(
          `SELECT * FROM files WHERE project = @project
           AND (@purpose IS NULL OR purpose = @purpose)
           AND (@after IS NULL OR rowid < (SELECT rowid FROM files WHERE id = @after))
         ORDER BY rowid DESC LIMIT @limit`,
        )
        .all({ project, purpose: options.purpose ?? null, after: options.after ?? null, limit }),
    );
    return { rows: page, hasMore };
  }

  /** Whether any file or adapter still refers to these bytes. */
  blobInUse(sha256: string): boolean {
    const file = this.db.prepare('SELECT 1 FROM files WHERE sha256 = ? LIMIT 1').get(sha256);
    const adapter = this.db.prepare('SELECT 1 FROM adapter_files WHERE sha256 = ? LIMIT 1').get(sha256);
    return Boolean(file ?? adapter);
  }

  /** Deletes the row; returns whether any other row still uses the same bytes. */
  delete(row: FileRow): { blobStillUsed: boolean } {
    return this.db.transaction(() => {
      this.db.prepare('DELETE FROM files WHERE id = ?').run(row.id);
      return { blobStillUsed: this.blobInUse(row.sha256) };
    })();
  }
}
