package io.bellhop.events;

/**
 * Where the log stands: a resume position is a sequence <em>plus</em> the epoch of the log
 * incarnation it belongs to, so a cursor from a recreated log is never misread.
 *
 * @param firstSeq the oldest retained sequence ({@code lastSeq + 1} when the log is empty)
 * @param lastSeq the newest sequence, {@code 0} when nothing was ever appended
 * @param epoch identifies this incarnation of the log
 */
public record LogPosition(long firstSeq, long lastSeq, String epoch) {

  /**
   * Whether every event after {@code afterSeq} is still retained, so a client at that cursor can
   * resume without missing anything.
   */
  public boolean canResumeAfter(long afterSeq, String cursorEpoch) {
    return epoch.equals(cursorEpoch) && afterSeq >= firstSeq - 1 && afterSeq <= lastSeq;
  }
}
