package io.bellhop.realtime;

import java.util.Map;

/**
 * One endpoint's socket counts on this node, for a module's own metrics view.
 *
 * @param open sockets open now
 * @param total sockets accepted since start
 * @param errors sockets refused or ended by an error
 * @param slowConsumers sockets cut because the client did not keep up (4509)
 * @param refused refusals by the per-user and per-org caps, node-wide, keyed {@code
 *     "<user|org>/<transport>"}
 */
public record SocketStats(
    int open, long total, long errors, long slowConsumers, Map<String, Long> refused) {}
