/**
 * PostgreSQL for Bellhop's modules. A module declares a {@link io.bellhop.persistence.ModuleSchema}
 * bean to own a schema of the same name whose Flyway migrations live in {@code db/<name>/}; all of
 * them run at startup before the data source is handed to anyone. A module that changes its rows
 * and publishes an event does both in one transaction through {@link
 * io.bellhop.persistence.Outbox}; the outbox relay moves the event to the log afterwards, exactly
 * once.
 */
package io.bellhop.persistence;
