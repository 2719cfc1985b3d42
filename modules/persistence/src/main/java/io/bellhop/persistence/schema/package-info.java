/** Runs every module's Flyway migrations, each in its own schema, when the data source appears. */
package io.bellhop.persistence.schema;
