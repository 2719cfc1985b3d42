/**
 * The socket path of the unified stream: the WebSocket endpoint, per-connection sessions (each a
 * handler on the realtime kernel's socket), the hub that indexes them by org and filter, the
 * fan-out that routes the node's live feed to them, and the node that owns the feed, threads and
 * limits. Module-internal: other modules use {@link io.bellhop.events.EventPublisher}.
 */
package io.bellhop.events.stream;
