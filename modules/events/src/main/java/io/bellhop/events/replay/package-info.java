/**
 * Reading the log for a client, shared by a resuming socket and the HTTP fallbacks: the
 * subscription {@code Filter}, the wire frames, replay pages shared by sessions reading the same
 * range, and cursor reads. Module-internal.
 */
package io.bellhop.events.replay;
