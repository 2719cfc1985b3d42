package io.bellhop.persistence.demo;

import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;

/** A row of {@code demo.bookings}. */
@MappedEntity(value = "bookings", schema = "demo")
public record Booking(@Id String id, String orgId, String guest, int nights) {}
