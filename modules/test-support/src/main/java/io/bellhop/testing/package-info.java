/** Starts private nats-server and PostgreSQL processes for integration tests. */
package io.bellhop.testing;
