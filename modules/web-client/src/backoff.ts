/** Reconnect delays as data: exponential growth capped at maxMs, with full jitter. */
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  /** A connection that stayed up this long resets the attempt count. */
  stableMs: number;
  random?: () => number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, maxMs: 30_000, stableMs: 60_000 };

export class Backoff {
  private attempt = 0;
  private connectedAt: number | undefined;

  constructor(private readonly options: BackoffOptions = DEFAULT_BACKOFF) {}

  /** The delay before the next attempt: uniform in [0, min(max, base·2^attempt)] ("full jitter"). */
  next(): number {
    const ceiling = Math.min(this.options.maxMs, this.options.baseMs * 2 ** this.attempt);
    this.attempt++;
    return Math.floor((this.options.random ?? Math.random)() * ceiling);
  }

  connected(now: number): void {
    this.connectedAt = now;
  }

  /** Call on disconnect: a stable connection forgets earlier failures. */
  disconnected(now: number): void {
    if (this.connectedAt !== undefined && now - this.connectedAt >= this.options.stableMs) {
      this.attempt = 0;
    }
    this.connectedAt = undefined;
  }

  get attempts(): number {
    return this.attempt;
  }
}
