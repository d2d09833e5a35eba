/** One shape of progress for every long operation: downloads, loading, ingest, training. */
export interface Progress {
  phase: string;
  file?: string;
  loaded: number;
  total: number;
}

export type ProgressListener = (progress: Progress) => void;

/** Options every long operation accepts. */
export interface LongOperationOptions {
  signal?: AbortSignal;
  onProgress?: ProgressListener;
}
