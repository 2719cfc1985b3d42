/**
 * The transactional outbox: {@code JdbcOutbox} inserts events in the caller's transaction, and
 * {@code OutboxRelay} (one leading node at a time) publishes committed rows to the event log in id
 * order, then marks them. See docs/architecture.md, "The transactional outbox".
 */
package io.bellhop.persistence.outbox;
