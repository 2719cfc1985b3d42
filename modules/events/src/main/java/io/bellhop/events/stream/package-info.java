/**
 * The unified stream: the WebSocket endpoint, per-connection sessions, the hub that indexes them by
 * org and filter, the fan-out that routes the node's live feed to them, and the HTTP endpoints for
 * publishing, cursors and metrics. Everything here is package-private; other modules use {@link
 * io.bellhop.events.EventPublisher}.
 */
package io.bellhop.events.stream;
