package io.bellhop.events.stream;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One-shot wake-ups per org: a long-poll that found nothing parks a callback here, and the fan-out
 * fires every callback of an org after it has routed that org's events. Callbacks must not block.
 */
public final class OrgSignals {
  private final Map<String, Set<Runnable>> waiting = new ConcurrentHashMap<>();

  /** Runs {@code callback} once, after the next routed events of {@code orgId}. */
  public void await(String orgId, Runnable callback) {
    waiting.computeIfAbsent(orgId, o -> ConcurrentHashMap.newKeySet()).add(callback);
  }

  /** Forgets a callback that is no longer wanted (its poll timed out). */
  public void cancel(String orgId, Runnable callback) {
    waiting.computeIfPresent(orgId, (o, set) -> set.remove(callback) && set.isEmpty() ? null : set);
  }

  public void signal(String orgId) {
    Set<Runnable> callbacks = waiting.remove(orgId);
    if (callbacks != null) {
      callbacks.forEach(Runnable::run);
    }
  }
}
