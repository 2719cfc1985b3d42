package io.bellhop.events.stream;

import io.bellhop.events.replay.Filter;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The index of authenticated sessions on this node: org, then filter, then sessions. The fan-out
 * reads it for every routed batch; sessions join once authorized and leave when closed.
 */
final class Hub {
  private final Map<String, Map<Filter, Set<StreamSession>>> orgs = new ConcurrentHashMap<>();
  private final Set<StreamSession> sessions = ConcurrentHashMap.newKeySet();

  void add(StreamSession s) {
    sessions.add(s);
    orgs.compute(
        s.orgId(),
        (org, groups) -> {
          var g = groups != null ? groups : new ConcurrentHashMap<Filter, Set<StreamSession>>();
          g.computeIfAbsent(s.filter(), f -> ConcurrentHashMap.newKeySet()).add(s);
          return g;
        });
  }

  void remove(StreamSession s) {
    if (!sessions.remove(s)) {
      return;
    }
    orgs.computeIfPresent(
        s.orgId(),
        (org, groups) -> {
          groups.computeIfPresent(
              s.filter(), (f, members) -> members.remove(s) && members.isEmpty() ? null : members);
          return groups.isEmpty() ? null : groups;
        });
  }

  /** The filter groups of an org's sessions, or {@code null} when none is on this node. */
  Map<Filter, Set<StreamSession>> groups(String orgId) {
    return orgs.get(orgId);
  }

  Collection<StreamSession> sessions() {
    return sessions;
  }

  int size() {
    return sessions.size();
  }
}
