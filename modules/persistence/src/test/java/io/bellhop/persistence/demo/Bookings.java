package io.bellhop.persistence.demo;

import io.bellhop.events.EventEnvelope;
import io.bellhop.events.Service;
import io.bellhop.persistence.Outbox;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;

/** The usage the outbox is for: rows and the event that announces them, in one transaction. */
@Singleton
public class Bookings {
  private final BookingRepository bookings;
  private final Outbox outbox;

  Bookings(BookingRepository bookings, Outbox outbox) {
    this.bookings = bookings;
    this.outbox = outbox;
  }

  /** Saves the booking and its {@code booking.created} event; returns the event. */
  @Transactional
  public EventEnvelope book(String orgId, String bookingId, String guest) {
    bookings.save(new Booking(bookingId, orgId, guest, 1));
    EventEnvelope created =
        EventEnvelope.of(
            Service.GUEST, "booking.created", orgId, null, "{\"bookingId\":\"" + bookingId + "\"}");
    outbox.add(created);
    return created;
  }

  /** Does what {@link #book} does, then fails: the transaction rolls back. */
  @Transactional
  public void bookThenFail(String orgId, String bookingId, String guest, EventEnvelope event) {
    bookings.save(new Booking(bookingId, orgId, guest, 1));
    outbox.add(event);
    throw new IllegalStateException("payment declined");
  }
}
