/**
 * Published adapters: `name@version`, immutable once written. A name belongs to the project that first
 * published it; other projects see its versions only through an explicit grant.
 */
import type { AdapterFile, AdapterManifest, PeftConfig } from '../../src/core/adapter-manifest.ts';
import { formatAdapterId } from '../../src/core/adapter-manifest.ts';
import { HttpError } from '../http/errors.ts';
import type { Db } from './db.ts';
import { nowSeconds } from './db.ts';
import { fetchPage } from './page.ts';

interface AdapterRow {
  name: string;
  version: number;
  owner: string;
  base_model: string;
  peft_config: string;
  job_id: string | null;
  created_at: number;
}

const SELECT_VISIBLE = `
  SELECT a.name, a.version, n.project AS owner, a.base_model, a.peft_config, a.job_id, a.created_at
  FROM adapters a JOIN adapter_names n ON n.name = a.name
  WHERE (n.project = @project OR EXISTS (SELECT 1 FROM adapter_grants g WHERE g.name = a.name AND g.project = @project))`;

export class AdapterStore {
  /** Manifests never change once published, so each is built from the database once. */
  private readonly manifests = new Map<string, AdapterManifest>();
  private readonly visibleOne;
  private readonly filesOf;

  constructor(private readonly db: Db) {
    this.visibleOne = db.prepare<{ project: string; name: string; version: number }, AdapterRow>(
      `${SELECT_VISIBLE} AND a.name = @name AND a.version = @version`,
    );
    this.filesOf = db.prepare<[string, number], AdapterFile>(
      'SELECT file_name AS name, size, sha256 FROM adapter_files WHERE name = ? AND version = ? ORDER BY file_name',
    );
  }

  /** The owner of a name, or null when no project has published under it. */
  ownerOf(name: string): string | null {
    const row = this.db
      .prepare<[string], { project: string }>('SELECT project FROM adapter_names WHERE name = ?')
      .get(name);
    return row?.project ?? null;
  }

  /** Publishes the next version of `name`; returns its manifest. Runs in one transaction. */
  publish(input: {
    project: string;
    name: string;
    baseModel: string;
    peftConfig: PeftConfig;
    files: AdapterFile[];
    jobId: string | null;
  }): AdapterManifest {
    const version = this.db.transaction(() => {
      const owner = this.ownerOf(input.name);
      if (owner !== null && owner !== input.project)
        throw new HttpError(
          409,
          'adapter_name_taken',
          `The adapter name '${input.name}' belongs to another project; choose another suffix.`,
        );
      if (owner === null)
        this.db
          .prepare('INSERT INTO adapter_names (name, project) VALUES (?, ?)')
          .run(input.name, input.project);
      const next =
        (this.db
          .prepare<[string], { v: number | null }>('SELECT MAX(version) AS v FROM adapters WHERE name = ?')
          .get(input.name)?.v ?? 0) + 1;
      this.db
        .prepare(
          'INSERT INTO adapters (name, version, base_model, peft_config, job_id, created_at) VALUES (?, ?, ?, ?, ?, ?)',
        )
        .run(input.name, next, input.baseModel, JSON.stringify(input.peftConfig), input.jobId, nowSeconds());
      const insertFile = this.db.prepare(
        'INSERT INTO adapter_files (name, version, file_name, size, sha256) VALUES (?, ?, ?, ?, ?)',
      );
      for (const file of input.files) insertFile.run(input.name, next, file.name, file.size, file.sha256);
      return next;
    })();
    return this.get(input.project, input.name, version)!;
  }

  /** The manifest if `project` may see it (owner or grantee), else undefined. */
  get(project: string, name: string, version: number): AdapterManifest | undefined {
    const row = this.visibleOne.get({ project, name, version });
    if (!row) return undefined;
    return this.manifest(row);
  }

  /** Newest first, everything `project` may see, optionally for one base model or one name. */
  list(
    project: string,
    options: { baseModel?: string; name?: string; after?: string; limit: number },
  ): { data: AdapterManifest[]; hasMore: boolean } {
    const { page, hasMore } = fetchPage(options.limit, (limit) =>
      this.db
        .prepare<Record<string, unknown>, AdapterRow & { rid: number }>(
          `SELECT * FROM (${SELECT_VISIBLE.replace('SELECT a.name', 'SELECT a.rowid AS rid, a.name')}
           AND (@base IS NULL OR a.base_model = @base) AND (@name IS NULL OR a.name = @name))
         WHERE (@after_rid IS NULL OR rid < @after_rid)
         ORDER BY rid DESC LIMIT @limit`,
        )
        .all({
          project,
          base: options.baseModel ?? null,
          name: options.name ?? null,
          after_rid: options.after ? this.rowidOf(options.after) : null,
          limit,
        }),
    );
    return { data: page.map((row) => this.manifest(row)), hasMore };
  }

  grant(owner: string, name: string, project: string): void {
    if (this.ownerOf(name) !== owner)
      throw new HttpError(404, 'adapter_not_found', `No adapter named '${name}' belongs to this project.`);
    // A grant to a name nobody holds yet would hand the adapter to whoever creates that project later.
    if (!this.db.prepare('SELECT 1 FROM projects WHERE id = ?').get(project))
      throw new HttpError(
        404,
        'project_not_found',
        `No project '${project}' exists on this server; grants go to existing projects only (create it first).`,
        { param: 'project' },
      );
    this.db
      .prepare('INSERT OR IGNORE INTO adapter_grants (name, project, created_at) VALUES (?, ?, ?)')
      .run(name, project, nowSeconds());
  }

  revoke(owner: string, name: string, project: string): void {
    if (this.ownerOf(name) !== owner)
      throw new HttpError(404, 'adapter_not_found', `No adapter named '${name}' belongs to this project.`);
    this.db.prepare('DELETE FROM adapter_grants WHERE name = ? AND project = ?').run(name, project);
  }

  grants(owner: string, name: string): string[] {
    if (this.ownerOf(name) !== owner)
      throw new HttpError(404, 'adapter_not_found', `No adapter named '${name}' belongs to this project.`);
    return this.db
      .prepare<[string], { project: string }>(
        'SELECT project FROM adapter_grants WHERE name = ? ORDER BY project',
      )
      .all(name)
      .map((row) => row.project);
  }

  private rowidOf(id: string): number {
    const [name, version] = id.split('@');
    const row = this.db
      .prepare<[string, number], { rid: number }>(
        'SELECT rowid AS rid FROM adapters WHERE name = ? AND version = ?',
      )
      .get(name ?? '', Number(version));
    return row?.rid ?? 0;
  }

  private manifest(row: AdapterRow): AdapterManifest {
    const id = formatAdapterId(row.name, row.version);
    const cached = this.manifests.get(id);
    if (cached) return cached;
    const manifest: AdapterManifest = {
      object: 'adapter',
      id,
      name: row.name,
      version: row.version,
      base_model: row.base_model,
      peft_config: JSON.parse(row.peft_config) as PeftConfig,
      files: this.filesOf.all(row.name, row.version),
      created_at: row.created_at,
      job_id: row.job_id,
      owner: row.owner,
    };
    this.manifests.set(id, manifest);
    return manifest;
  }
}
