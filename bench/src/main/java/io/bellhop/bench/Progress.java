package io.bellhop.bench;

/**
 * The once-a-second progress line of a load generator: connections, delivery rate, latency of the
 * last second ("now", warm-up events while nothing else arrives) and of the whole measured run
 * ("all"), plus the exactly-once counters.
 */
final class Progress {
  private final LoadStats stats;
  private final int connections;
  private final long start = System.nanoTime();
  private long lastDeliveries;
  private long lastAt = System.nanoTime();

  Progress(LoadStats stats, int connections) {
    this.stats = stats;
    this.connections = connections;
  }

  synchronized void print() {
    long now = System.nanoTime();
    long d = stats.deliveries.sum() + stats.warmup.sum();
    double rate = (d - lastDeliveries) / Math.max(1e-3, (now - lastAt) / 1e9);
    lastDeliveries = d;
    lastAt = now;
    var iv = stats.roll();
    var warm = stats.rollWarmup();
    if (iv.getTotalCount() == 0 && warm.getTotalCount() > 0) {
      iv = warm;
    }
    var all = stats.total();
    System.out.printf(
        "[%5.1fs] open %d/%d fail %d closed %d | warm-up %d | %,.0f deliv/s | now p50 %.2f p99 %.2f"
            + " ms | all p50 %.2f p99 %.2f max %.1f ms | dup %d ooo %d foreign %d%n",
        (now - start) / 1e9,
        stats.open.get(),
        connections,
        stats.failed.get(),
        stats.closed.get(),
        stats.warmup.sum(),
        rate,
        LoadStats.ms(iv, 50),
        LoadStats.ms(iv, 99),
        LoadStats.ms(all, 50),
        LoadStats.ms(all, 99),
        all.getMaxValue() / 1000.0,
        stats.duplicates.sum(),
        stats.outOfOrder.sum(),
        stats.foreign.sum());
  }
}
