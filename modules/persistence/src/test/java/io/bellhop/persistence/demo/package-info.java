/**
 * A stand-in for a feature module with tables (uploads, collaboration): its own schemas and
 * migrations, a micronaut-data-jdbc repository, and a transactional service that writes its rows
 * and the event announcing them through the outbox.
 */
package io.bellhop.persistence.demo;
