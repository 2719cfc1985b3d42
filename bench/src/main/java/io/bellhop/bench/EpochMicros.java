package io.bellhop.bench;

import java.time.Instant;

/**
 * Wall-clock time in microseconds since the epoch.
 *
 * <p>Publisher and receivers run in different JVMs on the same machine, so latency is measured
 * against the shared system clock (clock_gettime, microsecond resolution on Linux) rather than
 * {@link System#nanoTime()}, whose origin differs per process.
 */
final class EpochMicros {
  private EpochMicros() {}

  static long now() {
    Instant i = Instant.now();
    return i.getEpochSecond() * 1_000_000L + i.getNano() / 1_000;
  }
}
