/**
 * Staff collaboration: chat rooms with a gap-free history in PostgreSQL, live fan-out across nodes
 * over NATS, typing, presence and read receipts ({@code docs/collaboration.md}). The public API is
 * the wire codes; everything else lives in {@code io.bellhop.collaboration.chat}, package-private.
 */
package io.bellhop.collaboration;
