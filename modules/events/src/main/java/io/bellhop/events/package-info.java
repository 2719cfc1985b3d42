/** Public API of the event stream: envelopes, the event log and the in-process publisher. */
package io.bellhop.events;
