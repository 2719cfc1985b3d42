package io.bellhop.collaboration.chat;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The presence of one org's users as this node knows it: its own sockets' statuses, and what every
 * other node last announced. A user's status is the best of all of them (online over away over
 * offline): online if any socket of theirs on any node is. Not thread-safe: the org's lock guards
 * it.
 *
 * <p>How it converges: each node announces its users to the others ({@code beat}) every {@code
 * presence-beat} and at once when one changes; a node unheard of for {@code node-timeout} is taken
 * for dead and its users drop out ({@link #expire}). A user whose last socket closes lingers for
 * {@code offline-grace}, so a reload or a tab handing its socket over is not seen as leaving.
 */
final class Presence {
  enum Status {
    ONLINE(2),
    AWAY(1),
    OFFLINE(0);

    private final int rank;

    Status(int rank) {
      this.rank = rank;
    }

    String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    static Status parse(String wire) {
      return switch (wire) {
        case "online" -> ONLINE;
        case "away" -> AWAY;
        default -> OFFLINE;
      };
    }

    Status best(Status other) {
      return rank >= other.rank ? this : other;
    }
  }

  /**
   * A user and their status.
   *
   * @param properties the properties their token holds, or null for all (an org admin): who sees
   *     them in a property room
   */
  record User(String id, String name, Status status, Set<String> properties) {
    User withStatus(Status s) {
      return new User(id, name, s, properties);
    }

    boolean isIn(Room room) {
      return switch (room.kind()) {
        case ORG -> true;
        case PROPERTY -> properties == null || properties.contains(room.propertyId());
        case DIRECT -> room.members().contains(id);
      };
    }
  }

  /** One user's sockets on this node. */
  private static final class Local {
    User user;
    final Map<String, Status> sockets = new HashMap<>();
    long lingersUntilNanos;
  }

  private record Remote(Map<String, User> users, long heardNanos) {}

  private final Map<String, Local> local = new HashMap<>();
  private final Map<String, Remote> remote = new HashMap<>();

  /** What each user's status was when last computed: changes are told once. */
  private final Map<String, User> announced = new HashMap<>();

  /** A socket of {@code user} on this node is now {@code status}. Returns the user's changes. */
  User socket(User user, String socketId, Status status) {
    Local l = local.computeIfAbsent(user.id(), id -> new Local());
    l.user = user;
    l.sockets.put(socketId, status);
    return recompute(user.id());
  }

  /**
   * A socket of the user closed. After their last one the user lingers (no change yet); else the
   * sockets left may make a change (the online one closed, an away one is left).
   */
  User socketClosed(String userId, String socketId, long nowNanos, long graceNanos) {
    Local l = local.get(userId);
    if (l == null || l.sockets.remove(socketId) == null) {
      return null;
    }
    if (l.sockets.isEmpty()) {
      l.lingersUntilNanos = nowNanos + graceNanos;
      return null;
    }
    return recompute(userId);
  }

  /** Another node's announcement of all its users of this org. Returns the users that changed. */
  Iterable<User> heard(String node, Map<String, User> users, long nowNanos) {
    Remote before = remote.put(node, new Remote(users, nowNanos));
    Set<String> touched = new java.util.HashSet<>(users.keySet());
    if (before != null) {
      touched.addAll(before.users().keySet());
    }
    return recomputeAll(touched);
  }

  /** A node said goodbye. */
  Iterable<User> gone(String node) {
    Remote before = remote.remove(node);
    return before == null ? java.util.List.of() : recomputeAll(before.users().keySet());
  }

  /** Drops nodes unheard of for too long and users whose linger ran out. */
  Iterable<User> expire(long nowNanos, long nodeTimeoutNanos) {
    Set<String> touched = new java.util.HashSet<>();
    for (Iterator<Remote> it = remote.values().iterator(); it.hasNext(); ) {
      Remote r = it.next();
      if (nowNanos - r.heardNanos() > nodeTimeoutNanos) {
        touched.addAll(r.users().keySet());
        it.remove();
      }
    }
    for (Iterator<Map.Entry<String, Local>> it = local.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      if (e.getValue().sockets.isEmpty() && nowNanos - e.getValue().lingersUntilNanos >= 0) {
        touched.add(e.getKey());
        it.remove();
      }
    }
    return recomputeAll(touched);
  }

  /** This node's users, as it announces them: each with the best status of its sockets here. */
  Map<String, User> locals() {
    Map<String, User> out = new HashMap<>();
    for (var e : local.entrySet()) {
      Status s = localStatus(e.getValue());
      out.put(e.getKey(), e.getValue().user.withStatus(s));
    }
    return out;
  }

  /** Users online or away, as last computed. */
  Iterable<User> present() {
    return announced.values();
  }

  User get(String userId) {
    return announced.get(userId);
  }

  boolean hasLocalUsers() {
    return !local.isEmpty();
  }

  private static Status localStatus(Local l) {
    if (l.sockets.isEmpty()) {
      return l.user.status() == Status.OFFLINE ? Status.ONLINE : l.user.status();
    }
    Status s = Status.OFFLINE;
    for (Status each : l.sockets.values()) {
      s = s.best(each);
    }
    return s;
  }

  private Iterable<User> recomputeAll(Set<String> userIds) {
    java.util.List<User> changed = new java.util.ArrayList<>();
    for (String id : userIds) {
      User u = recompute(id);
      if (u != null) {
        changed.add(u);
      }
    }
    return changed;
  }

  /** The user's status now, if it differs from the last one computed; else null. */
  private User recompute(String userId) {
    User best = null;
    Local l = local.get(userId);
    if (l != null) {
      best = l.user.withStatus(localStatus(l));
    }
    for (Remote r : remote.values()) {
      User u = r.users().get(userId);
      if (u != null && (best == null || u.status().best(best.status()) != best.status())) {
        best = u;
      }
    }
    User before = announced.get(userId);
    if (best == null || best.status() == Status.OFFLINE) {
      if (before == null) {
        return null;
      }
      announced.remove(userId);
      return before.withStatus(Status.OFFLINE);
    }
    if (before != null && before.status() == best.status()) {
      return null;
    }
    announced.put(userId, best);
    return best;
  }
}
