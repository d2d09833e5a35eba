/** What adapter sync tells its caller: one discriminated union of events, and the report of one sync pass. */
import type { HearthErrorCode } from '../core/errors.ts';
import type { Progress } from '../core/progress.ts';

export interface SyncFailure {
  /** `name@version` that could not be used. */
  ref: string;
  code: HearthErrorCode;
  message: string;
  /** The ref still in use for this name, if any. */
  kept: string | undefined;
}

export type SyncEvent =
  | { type: 'offline'; message: string }
  | { type: 'download-progress'; ref: string; progress: Progress }
  | { type: 'downloaded'; ref: string; fetchedBytes: number; resumedBytes: number }
  | { type: 'activated'; name: string; ref: string; previous: string | undefined }
  | { type: 'failed'; failure: SyncFailure };

export interface SyncReport {
  /** The server could not be reached: nothing changed, stored adapters stay in use. */
  offline: boolean;
  /** Versions downloaded and verified by this pass. */
  downloaded: string[];
  /** The ref each adapter name resolves to after this pass (what the next request uses). */
  current: Record<string, string>;
  failed: SyncFailure[];
}
