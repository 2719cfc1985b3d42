package io.bellhop.collaboration.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellhop.platform.Principal;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RoomTest {
  static Principal user(String org, String id, Set<String> properties, String... roles) {
    return new Principal(
        id, org, id, Set.of(roles.length == 0 ? "staff" : roles[0]), properties, null);
  }

  @Test
  void aDirectRoomIdIsTheSameFromBothSidesAndDiffersAcrossOrgs() {
    String id = Room.directId("org-1", "asha", "ben");
    assertEquals(id, Room.directId("org-1", "ben", "asha"));
    assertNotEquals(id, Room.directId("org-2", "asha", "ben"));
    assertEquals(Room.Kind.DIRECT, Room.kindOf(id));
    assertTrue(id.matches("direct-[a-z2-7]{26}"));
  }

  @Test
  void onlyTheThreeShapesOfRoomIdAreRooms() {
    assertEquals(Room.Kind.ORG, Room.kindOf("org"));
    assertEquals(Room.Kind.PROPERTY, Room.kindOf("property-p_1"));
    assertNull(Room.kindOf("property-"));
    assertNull(Room.kindOf("property-a.b"));
    assertNull(Room.kindOf("direct-short"));
    assertNull(Room.kindOf("org.>"));
    assertNull(Room.kindOf(null));
  }

  @Test
  void aRoomAdmitsOnlyItsOrgAndWhomTheTokenAllows() {
    Principal asha = user("org-1", "asha", Set.of("p_1"));
    assertTrue(Room.org("org-1").admits(asha));
    assertFalse(Room.org("org-2").admits(asha));
    assertTrue(Room.property("org-1", "property-p_1").admits(asha));
    assertFalse(Room.property("org-1", "property-p_2").admits(asha));
    assertTrue(
        Room.property("org-1", "property-p_2")
            .admits(user("org-1", "boss", Set.of(), "org_admin")));
    Room direct =
        Room.direct("org-1", Room.directId("org-1", "asha", "ben"), Set.of("asha", "ben"));
    assertTrue(direct.admits(asha));
    assertFalse(direct.admits(user("org-1", "carl", Set.of())));
    assertFalse(direct.admits(user("org-2", "asha", Set.of())));
  }
}
