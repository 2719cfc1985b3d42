package io.bellhop.events;

/** A node's live feed of the log, opened by {@link EventLog#tail}. Close it to stop the feed. */
public interface Tail extends AutoCloseable {
  @Override
  void close();
}
