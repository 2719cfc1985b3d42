package io.bellhop.bench;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Counters shared by all connections of one load generator process, written from the event loops
 * without locks (adders, atomics, an HdrHistogram {@link Recorder}) and read once a second by the
 * progress line.
 *
 * <p>Warm-up events (no {@code n}) are only counted. Latency is publish-to-receive: {@code now -
 * payload.t}, in microseconds.
 */
final class LoadStats {
  static final long MAX_MICROS = 3_600_000_000L;

  final AtomicInteger connected = new AtomicInteger();
  final AtomicInteger open = new AtomicInteger();
  final AtomicInteger failed = new AtomicInteger();
  final AtomicInteger closed = new AtomicInteger();
  final AtomicInteger complete = new AtomicInteger();
  final LongAdder deliveries = new LongAdder();
  final LongAdder frames = new LongAdder();
  final LongAdder duplicates = new LongAdder();
  final LongAdder outOfOrder = new LongAdder();
  final LongAdder foreign = new LongAdder();
  final LongAdder warmup = new LongAdder();
  final LongAdder badFrames = new LongAdder();
  final LongAdder pings = new LongAdder();
  final LongAdder retries = new LongAdder();
  final LongAdder resumes = new LongAdder();
  final LongAdder resumesRecovered = new LongAdder();
  final LongAdder resumeFailures = new LongAdder();

  /** Churn: from dropping a socket to the resumed connection's ack, in microseconds. */
  final org.HdrHistogram.ConcurrentHistogram resumeAck =
      new org.HdrHistogram.ConcurrentHistogram(1, MAX_MICROS, 3);

  final AtomicLong firstDelivery = new AtomicLong(Long.MAX_VALUE);
  final AtomicLong lastDelivery = new AtomicLong();
  final AtomicLong lastAny = new AtomicLong();
  final Map<String, LongAdder> failureReasons = new ConcurrentHashMap<>();
  final Map<String, LongAdder> closeReasons = new ConcurrentHashMap<>();

  private final Recorder recorder = new Recorder(1, MAX_MICROS, 3);
  private final Histogram total = new Histogram(1, MAX_MICROS, 3);
  private final Recorder warmRecorder = new Recorder(1, MAX_MICROS, 3);
  private Histogram interval;
  private Histogram warmInterval;

  void latency(long micros) {
    recorder.recordValue(Math.min(MAX_MICROS, Math.max(0, micros)));
  }

  /** Warm-up latency: shown in the progress line, kept out of the result. */
  void warmupLatency(long micros) {
    warmRecorder.recordValue(Math.min(MAX_MICROS, Math.max(0, micros)));
  }

  void delivered(long nowMicros) {
    deliveries.increment();
    if (firstDelivery.get() == Long.MAX_VALUE) {
      firstDelivery.compareAndSet(Long.MAX_VALUE, nowMicros);
    }
    lastDelivery.lazySet(nowMicros);
  }

  static void count(Map<String, LongAdder> map, String reason) {
    map.computeIfAbsent(reason, k -> new LongAdder()).increment();
  }

  /** Moves the last interval into the total; returns that interval. */
  synchronized Histogram roll() {
    interval = recorder.getIntervalHistogram(interval);
    total.add(interval);
    return interval;
  }

  /** Warm-up latency since the last call. */
  synchronized Histogram rollWarmup() {
    warmInterval = warmRecorder.getIntervalHistogram(warmInterval);
    return warmInterval;
  }

  synchronized Histogram total() {
    return total.copy();
  }

  static Map<String, Long> snapshot(Map<String, LongAdder> map) {
    Map<String, Long> out = new TreeMap<>();
    map.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  static double ms(Histogram h, double percentile) {
    return h.getTotalCount() == 0 ? 0.0 : h.getValueAtPercentile(percentile) / 1000.0;
  }
}
