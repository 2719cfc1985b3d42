/**
 * The stream's HTTP endpoints: the long-poll and SSE fallbacks, the cursor snapshot, the metrics
 * JSON and the rollout config the browser client reads before it connects. Module-internal.
 */
package io.bellhop.events.http;
