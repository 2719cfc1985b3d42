package io.bellhop.realtime;

import java.util.concurrent.ThreadLocalRandom;

/**
 * When a refused or cut client should come back: a random delay in a range, so the clients of one
 * drained node or one overloaded org do not all return in the same instant. Sockets carry it as the
 * close reason {@code {"retryMs":2317}}; HTTP as {@code Retry-After}.
 */
public final class RetryHint {
  private RetryHint() {}

  /** A delay in [{@code minMs}, {@code maxMs}]. */
  public static long millis(long minMs, long maxMs) {
    return ThreadLocalRandom.current().nextLong(minMs, maxMs + 1);
  }

  /** The close reason carrying a hint. */
  public static String reason(long retryMs) {
    return "{\"retryMs\":" + retryMs + "}";
  }

  /** The close reason carrying a random hint in [{@code minMs}, {@code maxMs}]. */
  public static String reason(long minMs, long maxMs) {
    return reason(millis(minMs, maxMs));
  }
}
