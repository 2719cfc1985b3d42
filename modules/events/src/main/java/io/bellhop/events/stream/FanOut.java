package io.bellhop.events.stream;

import io.bellhop.events.EventEnvelope;
import io.bellhop.events.EventLog;
import io.bellhop.events.replay.Filter;
import io.bellhop.events.replay.Frames;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes the node's live feed to sessions. Hot: every event passes through here once.
 *
 * <p>Each org belongs to one shard thread, so an org's events are routed in {@code seq} order. A
 * shard drains whatever has queued up (smart batching: a lone event leaves at once, a burst
 * coalesces), then, per org and per filter group, cuts the events into runs of one service (at most
 * {@code maxBatchEvents}), encodes each run once and hands the same bytes to every session of the
 * group. When the queue is full the log's delivery thread waits: the events are durable in the log,
 * so back-pressure delays them but loses nothing.
 */
final class FanOut implements EventLog.TailSink, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FanOut.class);
  private static final int DRAIN_MAX = 4096;

  private final Hub hub;
  private final OrgSignals signals;
  private final int maxBatchEvents;
  private final Shard[] shards;

  FanOut(Hub hub, OrgSignals signals, int shardCount, int maxBatchEvents) {
    this.hub = hub;
    this.signals = signals;
    this.maxBatchEvents = maxBatchEvents;
    this.shards = new Shard[shardCount];
    for (int i = 0; i < shardCount; i++) {
      shards[i] = new Shard(i);
      shards[i].thread.start();
    }
  }

  @Override
  public void accept(EventEnvelope event, long appendedAtMicros) {
    try {
      shardOf(event.orgId()).queue.put(new Routed(event, appendedAtMicros));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  Shard shardOf(String orgId) {
    return shards[Math.floorMod(orgId.hashCode(), shards.length)];
  }

  @Override
  public void close() {
    for (Shard s : shards) {
      s.thread.interrupt();
    }
  }

  void route(List<Routed> drained) { // package-private: bench-jmh measures it
    var byOrg = new LinkedHashMap<String, List<Routed>>();
    for (Routed r : drained) {
      byOrg.computeIfAbsent(r.event.orgId(), o -> new ArrayList<>()).add(r);
    }
    for (Map.Entry<String, List<Routed>> org : byOrg.entrySet()) {
      signals.signal(org.getKey());
      Map<Filter, Set<StreamSession>> groups = hub.groups(org.getKey());
      if (groups == null) {
        continue;
      }
      for (Map.Entry<Filter, Set<StreamSession>> group : groups.entrySet()) {
        try {
          routeToGroup(org.getValue(), group.getKey(), group.getValue());
        } catch (RuntimeException e) {
          // These sessions may have missed events of this round; the shard's processedSeq is
          // about to move past them, so a ping must never reach them again. Closing (1011) makes
          // them resume from the last seq they actually got: nothing is lost.
          LOG.error(
              "routing to {} sessions of org {} failed", group.getValue().size(), org.getKey(), e);
          for (StreamSession s : group.getValue()) {
            s.routingFailed();
          }
        }
      }
    }
  }

  private void routeToGroup(List<Routed> events, Filter filter, Set<StreamSession> sessions) {
    var matching = new ArrayList<EventEnvelope>(events.size());
    var appendedAt = new long[events.size()];
    for (Routed r : events) {
      if (filter.matches(r.event)) {
        appendedAt[matching.size()] = r.appendedAtMicros;
        matching.add(r.event);
      }
    }
    Frames.forEachRun(
        matching,
        maxBatchEvents,
        (from, to) -> {
          var batch =
              new EventBatch(
                  matching.subList(from, to), Frames.events(matching, from, to), appendedAt[from]);
          try {
            for (StreamSession s : sessions) {
              s.deliver(batch);
            }
          } finally {
            batch.release();
          }
          return true;
        });
  }

  record Routed(EventEnvelope event, long appendedAtMicros) {}

  /** One routing thread and its queue; {@link #processedSeq} backs the cursor in pings. */
  final class Shard {
    private final BlockingQueue<Routed> queue = new ArrayBlockingQueue<>(65_536);
    private final Thread thread;
    private volatile long processedSeq;

    Shard(int index) {
      thread = new Thread(this::run, "bellhop-fanout-" + index);
      thread.setDaemon(true);
    }

    /** Every event of this shard's orgs up to this seq has been handed to its sessions. */
    long processedSeq() {
      return processedSeq;
    }

    private void run() {
      var drained = new ArrayList<Routed>(DRAIN_MAX);
      while (!Thread.currentThread().isInterrupted()) {
        try {
          drained.add(queue.take());
        } catch (InterruptedException e) {
          return;
        }
        queue.drainTo(drained, DRAIN_MAX - 1);
        try {
          route(drained);
        } catch (RuntimeException e) {
          LOG.error("routing {} events failed", drained.size(), e);
        }
        processedSeq = drained.get(drained.size() - 1).event.seq();
        drained.clear();
      }
    }
  }
}
