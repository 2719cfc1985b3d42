package io.bellhop.events;

/**
 * The outcome of appending one event.
 *
 * @param seq the event's log position; for a duplicate, the position of the original
 * @param duplicate whether the event was absorbed as a duplicate of an earlier one with the same
 *     {@code eventId}
 */
public record Appended(long seq, boolean duplicate) {}
