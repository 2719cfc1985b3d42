package io.bellhop.persistence.outbox;

import io.bellhop.events.EventEnvelope;
import io.bellhop.events.EventLog;
import io.bellhop.events.EventPublisher;
import io.bellhop.events.Service;
import io.bellhop.events.Tail;
import io.bellhop.persistence.Outbox;
import io.bellhop.testing.TestServices;
import io.micronaut.context.ApplicationContext;
import io.micronaut.transaction.TransactionOperations;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * What the outbox costs over publishing directly, measured in one run against the same private
 * nats-server and PostgreSQL (started by the test support, fsync off): how long from the call until
 * the event arrives on the log's live feed (the point where the stream fans it out), one event at a
 * time; and how many events per second reach the feed with several writers, each waiting for its
 * own call to return (a publish acknowledged, or a transaction committed).
 *
 * <p>Baseline: {@code EventPublisher.publish} of one event. Outbox: a transaction holding one
 * {@code Outbox.add}, then the relay (NOTIFY wake-up, claim, publish, mark). Rounds alternate
 * baseline and outbox so drift on a shared machine hits both. Run: {@code infra/bench/outbox.sh}.
 */
final class OutboxBench {
  private final EventPublisher publisher;
  private final Outbox outbox;
  private final TransactionOperations<Connection> transactions;
  private final Map<String, CompletableFuture<Long>> arrivals = new ConcurrentHashMap<>();

  private OutboxBench(ApplicationContext context) {
    publisher = context.getBean(EventPublisher.class);
    outbox = context.getBean(Outbox.class);
    @SuppressWarnings("unchecked")
    TransactionOperations<Connection> tx = context.getBean(TransactionOperations.class);
    transactions = tx;
  }

  public static void main(String[] args) throws Exception {
    int events = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    int writers = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    try (ApplicationContext context =
        ApplicationContext.builder()
            .properties(new HashMap<String, Object>(TestServices.get().properties()))
            .start()) {
      var bench = new OutboxBench(context);
      EventLog log = context.getBean(EventLog.class);
      try (Tail tail = log.tail(bench::arrived)) {
        bench.latency(200, Path.DIRECT); // warm-up, not reported
        bench.latency(200, Path.OUTBOX);
        System.out.printf(
            Locale.ROOT,
            "%-8s %-7s %8s %10s %9s %9s %9s %9s%n",
            "round",
            "path",
            "events",
            "call p50",
            "p50 ms",
            "p99 ms",
            "max ms",
            "ev/s");
        for (int round = 1; round <= rounds; round++) {
          for (Path path : Path.values()) {
            Latency l = bench.latency(events, path);
            Histogram h = l.arrival();
            double rate = bench.throughput(events * 2, writers, path);
            System.out.printf(
                Locale.ROOT,
                "%-8d %-7s %8d %10.2f %9.2f %9.2f %9.2f %9.0f%n",
                round,
                path.name().toLowerCase(Locale.ROOT),
                events,
                l.call().getValueAtPercentile(50) / 1000.0,
                h.getValueAtPercentile(50) / 1000.0,
                h.getValueAtPercentile(99) / 1000.0,
                h.getMaxValue() / 1000.0,
                rate);
          }
        }
        System.out.printf(
            Locale.ROOT,
            "call: until publish acked / transaction committed; p50..max: call -> live feed, one"
                + " event at a time; ev/s: %d writers, %d events, each"
                + " writer waits for its call%n",
            writers,
            events * 2);
      }
    }
    System.exit(0);
  }

  enum Path {
    DIRECT,
    OUTBOX
  }

  private void arrived(EventEnvelope e, long appendedAtMicros) {
    CompletableFuture<Long> waiting = arrivals.remove(e.eventId());
    if (waiting != null) {
      waiting.complete(System.nanoTime());
    }
  }

  /** Microseconds until the call returned (ack or commit), and until the event arrived. */
  record Latency(Histogram call, Histogram arrival) {}

  /** One event at a time: each waits for its arrival before the next starts. */
  private Latency latency(int events, Path path) throws Exception {
    var call = new Histogram(60_000_000L, 3);
    var h = new Histogram(60_000_000L, 3);
    String org = org();
    for (int i = 0; i < events; i++) {
      EventEnvelope e = event(org, i);
      var arrival = new CompletableFuture<Long>();
      arrivals.put(e.eventId(), arrival);
      long start = System.nanoTime();
      send(e, path);
      call.recordValue((System.nanoTime() - start) / 1000);
      long end = arrival.get(30, TimeUnit.SECONDS);
      h.recordValue((end - start) / 1000);
    }
    return new Latency(call, h);
  }

  /** Events per second from the first call to the last arrival. */
  private double throughput(int events, int writers, Path path) throws Exception {
    String org = org();
    var all = new ArrayList<CompletableFuture<Long>>(events);
    var batches = new ArrayList<List<EventEnvelope>>();
    for (int w = 0; w < writers; w++) {
      batches.add(new ArrayList<>());
    }
    for (int i = 0; i < events; i++) {
      EventEnvelope e = event(org, i);
      var arrival = new CompletableFuture<Long>();
      arrivals.put(e.eventId(), arrival);
      all.add(arrival);
      batches.get(i % writers).add(e);
    }
    long start = System.nanoTime();
    var threads = new ArrayList<Thread>();
    for (List<EventEnvelope> batch : batches) {
      Thread t =
          new Thread(
              () -> {
                for (EventEnvelope e : batch) {
                  send(e, path);
                }
              });
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) {
      t.join();
    }
    long last = 0;
    for (CompletableFuture<Long> a : all) {
      last = Math.max(last, a.get(60, TimeUnit.SECONDS));
    }
    return events / ((last - start) / 1e9);
  }

  private void send(EventEnvelope e, Path path) {
    if (path == Path.DIRECT) {
      publisher.publish(List.of(e)).join();
    } else {
      transactions.executeWrite(
          status -> {
            outbox.add(e);
            return null;
          });
    }
  }

  private static EventEnvelope event(String org, int n) {
    return EventEnvelope.of(
        Service.TASKS,
        "bench.tick",
        org,
        null,
        "{\"n\":" + n + ",\"pad\":\"" + "x".repeat(100) + "\"}");
  }

  private static String org() {
    return "bench-" + UUID.randomUUID().toString().substring(0, 8);
  }
}
