/**
 * {@link io.bellhop.events.EventLog} implementations — NATS JetStream for real deployments, in
 * memory for tests — and the JSON form events are stored in.
 */
package io.bellhop.events.log;
