package io.bellhop.events;

import java.util.List;

/**
 * A read of one org's past events, opened by {@link EventLog#replay}. Not thread-safe: one reader
 * drives it. Close it to free the server-side resources it holds.
 */
public interface Replay extends AutoCloseable {

  /**
   * Returns up to {@code max} further events of the org, in increasing {@code seq} order, each
   * exactly once. Blocks while reading. Returns an empty list once it has returned every event that
   * was in the log when the replay was opened (it may also return later ones).
   */
  List<EventEnvelope> next(int max);

  /**
   * Whether the events {@link #next} just returned reached the end of the org's events in the log
   * as that read saw it, so a further call would return only events appended since. False when
   * unsure: callers then read once more.
   */
  default boolean exhausted() {
    return false;
  }

  @Override
  void close();
}
