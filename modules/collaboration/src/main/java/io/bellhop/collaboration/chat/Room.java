package io.bellhop.collaboration.chat;

import io.bellhop.platform.ErrorCode;
import io.bellhop.platform.Ids;
import io.bellhop.platform.Principal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A room of one org: {@code org}, {@code property-<propertyId>} or {@code direct-<26 base32>}. Who
 * may be in it follows from the token ({@link #admits}); a direct room's two users come from
 * PostgreSQL.
 *
 * @param propertyId the property of a property room, else null
 * @param members the two users of a direct room, else empty
 */
record Room(String orgId, String id, Kind kind, String propertyId, Set<String> members) {
  enum Kind {
    ORG,
    PROPERTY,
    DIRECT;

    String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  static final String ORG = "org";
  private static final String PROPERTY_PREFIX = "property-";
  private static final String DIRECT_PREFIX = "direct-";
  private static final Pattern DIRECT = Pattern.compile("direct-[a-z2-7]{26}");

  /** What a room id says by itself: its kind, and its property for a property room. */
  static Kind kindOf(String roomId) {
    if (ORG.equals(roomId)) {
      return Kind.ORG;
    }
    if (roomId != null
        && roomId.startsWith(PROPERTY_PREFIX)
        && Ids.isValid(roomId.substring(PROPERTY_PREFIX.length()))) {
      return Kind.PROPERTY;
    }
    if (roomId != null && DIRECT.matcher(roomId).matches()) {
      return Kind.DIRECT;
    }
    return null;
  }

  static Room org(String orgId) {
    return new Room(orgId, ORG, Kind.ORG, null, Set.of());
  }

  static Room property(String orgId, String roomId) {
    return new Room(
        orgId, roomId, Kind.PROPERTY, roomId.substring(PROPERTY_PREFIX.length()), Set.of());
  }

  static Room direct(String orgId, String roomId, Set<String> members) {
    return new Room(orgId, roomId, Kind.DIRECT, null, Set.copyOf(members));
  }

  /**
   * The direct room of two users of one org: the same id whichever of them opens it, and another
   * org's room of the same two ids is another room.
   */
  static String directId(String orgId, String userA, String userB) {
    List<String> pair = userA.compareTo(userB) <= 0 ? List.of(userA, userB) : List.of(userB, userA);
    byte[] digest;
    try {
      digest =
          MessageDigest.getInstance("SHA-256")
              .digest(
                  (orgId + '\n' + pair.get(0) + '\n' + pair.get(1))
                      .getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    return DIRECT_PREFIX + base32(digest).substring(0, 26);
  }

  private static String base32(byte[] bytes) {
    String alphabet = "abcdefghijklmnopqrstuvwxyz234567";
    StringBuilder out = new StringBuilder();
    int buffer = 0;
    int bits = 0;
    for (byte b : bytes) {
      buffer = (buffer << 8) | (b & 0xff);
      bits += 8;
      while (bits >= 5) {
        out.append(alphabet.charAt((buffer >> (bits - 5)) & 31));
        bits -= 5;
      }
    }
    return out.toString();
  }

  /** Whether {@code p} may be in this room: of its org, and allowed by its token. */
  boolean admits(Principal p) {
    if (!p.orgId().equals(orgId)) {
      return false;
    }
    return switch (kind) {
      case ORG -> true;
      case PROPERTY -> p.maySeeProperty(propertyId);
      case DIRECT -> members.contains(p.userId());
    };
  }

  /** The refusal for a room a principal may not be in, the same whether or not it exists. */
  static ChatException notYours(String roomId) {
    return new ChatException(
        ErrorCode.FORBIDDEN, "room " + printable(roomId) + " is not one of yours", roomId);
  }

  private static String printable(String roomId) {
    if (roomId == null) {
      return "(none)";
    }
    return kindOf(roomId) != null || Ids.isValid(roomId) ? roomId : "(an invalid room id)";
  }
}
