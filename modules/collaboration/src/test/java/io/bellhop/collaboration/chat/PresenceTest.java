package io.bellhop.collaboration.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.bellhop.collaboration.chat.Presence.Status;
import io.bellhop.collaboration.chat.Presence.User;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PresenceTest {
  static final long GRACE = Duration.ofSeconds(3).toNanos();
  static final long TIMEOUT = Duration.ofSeconds(6).toNanos();

  final Presence presence = new Presence();

  static User user(String id, Status status) {
    return new User(id, "Name " + id, status, null);
  }

  static List<User> list(Iterable<User> users) {
    List<User> out = new ArrayList<>();
    users.forEach(out::add);
    return out;
  }

  @Test
  void aUserIsOnlineWhileAnyOfTheirSocketsIsAndAwayOnlyWhenAllAre() {
    assertEquals(
        Status.ONLINE, presence.socket(user("ben", Status.ONLINE), "s1", Status.ONLINE).status());
    assertNull(presence.socket(user("ben", Status.AWAY), "s2", Status.AWAY));
    assertEquals(Status.AWAY, presence.socketClosed("ben", "s1", 0, GRACE).status());
  }

  @Test
  void aUserWhoseLastSocketClosedLingersForTheGraceThenGoesOffline() {
    presence.socket(user("ben", Status.ONLINE), "s1", Status.ONLINE);
    assertNull(presence.socketClosed("ben", "s1", 0, GRACE));
    assertEquals(List.of(), list(presence.expire(GRACE - 1, TIMEOUT)));
    assertEquals(List.of(user("ben", Status.OFFLINE)), list(presence.expire(GRACE, TIMEOUT)));
    assertEquals(List.of(), list(presence.present()));
  }

  @Test
  void aSocketThatComesBackWithinTheGraceIsNoChangeAtAll() {
    presence.socket(user("ben", Status.ONLINE), "s1", Status.ONLINE);
    presence.socketClosed("ben", "s1", 0, GRACE);
    assertNull(presence.socket(user("ben", Status.ONLINE), "s2", Status.ONLINE));
    assertEquals(List.of(), list(presence.expire(GRACE * 2, TIMEOUT)));
  }

  @Test
  void anotherNodesUsersCountUntilItIsSilentForTheTimeout() {
    Map<String, User> users = Map.of("asha", user("asha", Status.ONLINE));
    assertEquals(List.of(user("asha", Status.ONLINE)), list(presence.heard("n2", users, 0)));
    assertEquals(List.of(), list(presence.heard("n2", users, TIMEOUT / 2)));
    assertEquals(List.of(), list(presence.expire(TIMEOUT / 2 + TIMEOUT, TIMEOUT)));
    assertEquals(
        List.of(user("asha", Status.OFFLINE)),
        list(presence.expire(TIMEOUT / 2 + TIMEOUT + 1, TIMEOUT)));
  }

  @Test
  void aUserOnTwoNodesStaysOnlineWhenOneOfThemDies() {
    presence.socket(user("asha", Status.ONLINE), "s1", Status.ONLINE);
    presence.heard("n2", Map.of("asha", user("asha", Status.ONLINE)), 0);
    assertEquals(List.of(), list(presence.expire(TIMEOUT + 1, TIMEOUT)));
    assertEquals(Status.ONLINE, presence.get("asha").status());
  }

  @Test
  void theBestStatusOfAllNodesWins() {
    presence.socket(user("asha", Status.AWAY), "s1", Status.AWAY);
    assertEquals(
        List.of(user("asha", Status.ONLINE)),
        list(presence.heard("n2", Map.of("asha", user("asha", Status.ONLINE)), 0)));
    assertEquals(List.of(user("asha", Status.AWAY)), list(presence.gone("n2")));
  }

  @Test
  void aUserIsInAPropertyRoomOnlyWithThatPropertyOrAsAnAdmin() {
    Room p1 = Room.property("org-1", "property-p_1");
    assertEquals(true, new User("a", "A", Status.ONLINE, Set.of("p_1")).isIn(p1));
    assertEquals(false, new User("b", "B", Status.ONLINE, Set.of("p_2")).isIn(p1));
    assertEquals(true, new User("c", "C", Status.ONLINE, null).isIn(p1));
  }
}
