/**
 * Publishing: {@code POST /v2/realtime/events} and the in-process {@link
 * io.bellhop.events.EventPublisher}, both validating events the same way before they reach the log.
 * Module-internal.
 */
package io.bellhop.events.publish;
