package io.bellhop.events;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The durable, ordered log of every org's events. One log serves all orgs; {@code seq} is monotonic
 * across the log and therefore per org (with gaps).
 *
 * <p>Implementations: {@code JetStreamEventLog} (production, multi-node) and {@code
 * InMemoryEventLog} (tests, single process). Both pass {@code EventLogContract}.
 */
public interface EventLog {

  /**
   * Appends events in list order. The future completes only once every event is durable, with one
   * {@link Appended} per event in the same order. An event whose {@code eventId} was appended
   * within the de-duplication window is not appended again: its result names the original's {@code
   * seq} with {@code duplicate = true}. Completes exceptionally if the log is unreachable; events
   * of a failed call may or may not have been appended (retrying with the same ids is safe).
   */
  CompletableFuture<List<Appended>> append(List<EventEnvelope> events);

  /** The log's current bounds and epoch. Blocks for a round trip to the log. */
  LogPosition position();

  /**
   * Opens a read of {@code orgId}'s events with {@code seq > afterSeq}. Check {@link
   * LogPosition#canResumeAfter} first: events older than retention are silently absent. Blocks for
   * a round trip to the log.
   */
  Replay replay(String orgId, long afterSeq);

  /**
   * Feeds {@code sink} every event appended from now on, of every org, in {@code seq} order, each
   * exactly once — also across reconnects to the log. {@code sink} runs on one thread at a time and
   * must not block.
   */
  Tail tail(TailSink sink);

  /** Receives a log's live feed. */
  @FunctionalInterface
  interface TailSink {
    /**
     * Receives one appended event.
     *
     * @param event the appended event, with its {@code seq}
     * @param appendedAtMicros when the log accepted it (epoch microseconds), for latency metrics
     */
    void accept(EventEnvelope event, long appendedAtMicros);
  }
}
