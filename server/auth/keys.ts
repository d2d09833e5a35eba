/**
 * API keys: 32 random bytes, shown once, stored only as their SHA-256 and looked up by that hash.
 * A key this random needs no slow password hash: guessing it is as hard as inverting SHA-256.
 */
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../store/db.ts';
import { nowSeconds } from '../store/db.ts';
import { newId } from '../store/ids.ts';
import { HearthError } from '../../src/core/errors.ts';

/** Widest first: `training` is what a browser may hold (upload, create and follow its own jobs, read adapters). */
export const SCOPES = ['full', 'training', 'adapters:read'] as const;
export type Scope = (typeof SCOPES)[number];

export const PROJECT_NAME_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;
export const projectNameSchema = z
  .string()
  .regex(PROJECT_NAME_PATTERN, 'use lower-case letters, digits, "-" and "_" (at most 63)');

export interface Principal {
  keyId: string;
  project: string;
  scope: Scope;
}

export const hashKey = (key: string): string => createHash('sha256').update(key).digest('hex');

export function generateKey(scope: Scope): string {
  const prefix = { full: 'hk', training: 'hk-train', 'adapters:read': 'hk-read' }[scope];
  return `${prefix}-${randomBytes(32).toString('base64url')}`;
}

export class KeyStore {
  private readonly byHash;
  private readonly insertKey;
  private readonly insertProject;

  constructor(private readonly db: Db) {
    this.byHash = db.prepare<[string], { id: string; project: string; scope: Scope }>(
      'SELECT id, project, scope FROM api_keys WHERE hash = ?',
    );
    this.insertKey = db.prepare(
      'INSERT INTO api_keys (id, hash, project, scope, created_at) VALUES (?, ?, ?, ?, ?)',
    );
    this.insertProject = db.prepare('INSERT OR IGNORE INTO projects (id, created_at) VALUES (?, ?)');
  }

  /** Creates the project if needed and returns a new key; the key itself is never stored. */
  create(project: string, scope: Scope): { key: string; id: string } {
    const parsed = projectNameSchema.safeParse(project);
    if (!parsed.success)
      throw new HearthError(
        'INVALID_INPUT',
        `Invalid project name '${project}': ${parsed.error.issues[0]?.message}.`,
      );
    const key = generateKey(scope);
    const id = newId('key');
    this.db.transaction(() => {
      this.insertProject.run(project, nowSeconds());
      this.insertKey.run(id, hashKey(key), project, scope, nowSeconds());
    })();
    return { key, id };
  }

  /** Adds a key chosen by the operator (HEARTH_API_KEY); a no-op when it already exists. */
  seed(project: string, key: string, scope: Scope): void {
    if (this.byHash.get(hashKey(key))) return;
    this.db.transaction(() => {
      this.insertProject.run(project, nowSeconds());
      this.insertKey.run(newId('key'), hashKey(key), project, scope, nowSeconds());
    })();
  }

  lookup(key: string): Principal | null {
    const row = this.byHash.get(hashKey(key));
    return row ? { keyId: row.id, project: row.project, scope: row.scope } : null;
  }
}
