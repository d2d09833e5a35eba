export interface BackoffOptions {
  initialDelayMs: number;
  maxDelayMs: number;
  factor: number;
  /** Each delay is moved by up to this fraction either way, so many clients do not retry in step. */
  jitter: number;
}

const DEFAULTS: BackoffOptions = { initialDelayMs: 500, maxDelayMs: 30_000, factor: 2, jitter: 0.2 };

/** Exponential backoff with jitter: 0.5 s, 1 s, 2 s, … up to 30 s by default. */
export class Backoff {
  private readonly options: BackoffOptions;
  attempts = 0;

  constructor(options: Partial<BackoffOptions> = {}) {
    this.options = { ...DEFAULTS, ...options };
  }

  next(): number {
    const { initialDelayMs, maxDelayMs, factor, jitter } = this.options;
    const base = Math.min(maxDelayMs, initialDelayMs * factor ** this.attempts);
    this.attempts++;
    return Math.round(base * (1 + jitter * (2 * Math.random() - 1)));
  }

  reset(): void {
    this.attempts = 0;
  }
}
