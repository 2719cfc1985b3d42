package io.bellhop.persistence.outbox;

import java.util.List;

/**
 * Called by the relay between its two steps. Production uses {@link #NONE}; the crash test's child
 * process halts the JVM inside one of them to prove that neither gap loses or duplicates an event.
 */
interface RelayProbe {
  RelayProbe NONE = new RelayProbe() {};

  /** The rows are committed and claimed; nothing of them was published yet. */
  default void beforePublish(List<Long> ids) {}

  /** The log acknowledged the rows; they are not marked published yet. */
  default void afterPublish(List<Long> ids) {}
}
