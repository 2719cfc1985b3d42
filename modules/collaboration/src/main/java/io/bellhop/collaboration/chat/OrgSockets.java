package io.bellhop.collaboration.chat;

import io.bellhop.platform.Principal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One org's chat sockets on this node, indexed by who may be in which room, so a message reaches
 * the sockets of its room's members without a walk over the whole org (an org of a thousand
 * property rooms posts to one of them at a time). Guarded by the org's lock.
 */
final class OrgSockets {
  private final Set<ChatSocket> all = new LinkedHashSet<>();
  private final Map<ChatSocket, Principal> indexedAs = new HashMap<>();
  private final Map<String, Set<ChatSocket>> byUser = new HashMap<>();
  private final Map<String, Set<ChatSocket>> byProperty = new HashMap<>();
  private final Set<ChatSocket> admins = new LinkedHashSet<>();

  void add(ChatSocket s, Principal p) {
    all.add(s);
    index(s, p);
  }

  void remove(ChatSocket s) {
    all.remove(s);
    unindex(s);
  }

  /** The socket's token was refreshed: its properties may have changed. */
  void reindex(ChatSocket s, Principal p) {
    if (all.contains(s)) {
      unindex(s);
      index(s, p);
    }
  }

  boolean isEmpty() {
    return all.isEmpty();
  }

  /** Sockets whose token may be in {@code room} (still to be checked with {@link Room#admits}). */
  Iterable<ChatSocket> mayBeIn(Room room) {
    return switch (room.kind()) {
      case ORG -> all;
      case PROPERTY -> {
        List<ChatSocket> out = new ArrayList<>(admins);
        out.addAll(byProperty.getOrDefault(room.propertyId(), Set.of()));
        yield out;
      }
      case DIRECT -> {
        List<ChatSocket> out = new ArrayList<>();
        for (String member : room.members()) {
          out.addAll(byUser.getOrDefault(member, Set.of()));
        }
        yield out;
      }
    };
  }

  Iterable<ChatSocket> ofUser(String userId) {
    return byUser.getOrDefault(userId, Set.of());
  }

  private void index(ChatSocket s, Principal p) {
    indexedAs.put(s, p);
    byUser.computeIfAbsent(p.userId(), u -> new LinkedHashSet<>()).add(s);
    if (p.seesAllProperties()) {
      admins.add(s);
    } else {
      for (String property : p.propertyIds()) {
        byProperty.computeIfAbsent(property, k -> new LinkedHashSet<>()).add(s);
      }
    }
  }

  private void unindex(ChatSocket s) {
    Principal p = indexedAs.remove(s);
    if (p == null) {
      return;
    }
    drop(byUser, p.userId(), s);
    admins.remove(s);
    for (String property : p.propertyIds()) {
      drop(byProperty, property, s);
    }
  }

  private static void drop(Map<String, Set<ChatSocket>> index, String key, ChatSocket s) {
    Set<ChatSocket> set = index.get(key);
    if (set != null && set.remove(s) && set.isEmpty()) {
      index.remove(key);
    }
  }
}
