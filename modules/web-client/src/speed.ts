/**
 * Upload speed smoothed over the last few seconds: an exponentially weighted mean of the rate
 * between acknowledgements, weighted by the time each covers, so a burst of acks in one
 * millisecond cannot swing it and a stall pulls it down as it lasts.
 */
export class SpeedMeter {
  private last: { at: number; bytes: number } | undefined;
  private rate: number | undefined;

  /** @param halfLifeMs after this long, an old rate counts half. */
  constructor(private readonly halfLifeMs = 2000) {}

  /** Bytes acknowledged so far, at time `at` (ms). */
  sample(at: number, bytes: number): void {
    const last = this.last;
    this.last = { at, bytes };
    if (!last || at <= last.at) return;
    const instant = ((bytes - last.bytes) * 1000) / (at - last.at);
    const keep = Math.pow(0.5, (at - last.at) / this.halfLifeMs);
    this.rate = this.rate === undefined ? instant : keep * this.rate + (1 - keep) * instant;
  }

  /** Forget the last sample's time (after a pause or a reconnect): the gap is not a stall. */
  restart(): void {
    this.last = undefined;
  }

  /** Bytes per second, once two samples were seen. */
  get bytesPerSec(): number | undefined {
    return this.rate;
  }

  /** Seconds until `remaining` bytes are through at the current rate. */
  etaSeconds(remaining: number): number | undefined {
    if (remaining <= 0) return 0;
    return this.rate && this.rate > 0 ? remaining / this.rate : undefined;
  }
}
