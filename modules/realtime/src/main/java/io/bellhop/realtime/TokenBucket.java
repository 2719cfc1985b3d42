package io.bellhop.realtime;

import java.util.concurrent.TimeUnit;

/**
 * A per-connection rate limit: {@code burst} tokens, refilled at {@code perSecond}; each client
 * frame takes one. Hot: one call per client frame, no allocation, no lock (a bucket belongs to one
 * channel and is only touched on its event loop). Not thread-safe: a bucket shared between threads
 * (collaboration's per-user message limit) is guarded by its owner.
 */
public final class TokenBucket {
  private static final long NANOS_PER_SECOND = TimeUnit.SECONDS.toNanos(1);

  private final long capacityNanos;
  private final long nanosPerToken;

  /** Credit in nanoseconds of refill time, so no fractional tokens and no division per frame. */
  private long creditNanos;

  private long lastNanos;

  public TokenBucket(int perSecond, int burst, long nowNanos) {
    if (perSecond <= 0 || burst <= 0) {
      throw new IllegalArgumentException("rate and burst must be positive");
    }
    this.nanosPerToken = NANOS_PER_SECOND / perSecond;
    this.capacityNanos = nanosPerToken * burst;
    this.creditNanos = capacityNanos;
    this.lastNanos = nowNanos;
  }

  /** Takes one token; false when the bucket is empty (the caller is over its rate). */
  public boolean take(long nowNanos) {
    long elapsed = nowNanos - lastNanos;
    lastNanos = nowNanos;
    if (elapsed > 0) {
      creditNanos = Math.min(capacityNanos, creditNanos + elapsed);
    }
    if (creditNanos < nanosPerToken) {
      return false;
    }
    creditNanos -= nanosPerToken;
    return true;
  }

  /** After a refused {@link #take}: how long until a token is there, in nanoseconds. */
  public long nanosUntilNext() {
    return Math.max(0, nanosPerToken - creditNanos);
  }
}
