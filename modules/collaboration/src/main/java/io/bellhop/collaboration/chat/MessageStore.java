package io.bellhop.collaboration.chat;

import io.bellhop.collaboration.ChatError;
import io.bellhop.platform.Principal;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;
import java.security.SecureRandom;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The chat's tables ({@code collaboration.*}): rooms, direct rooms' members, messages, read marks.
 * Every statement names the org. Every call blocks on PostgreSQL: callers run it off the event
 * loop. A failure of PostgreSQL surfaces as the transaction manager's runtime exception; callers
 * answer it with {@code CHAT_UNAVAILABLE}.
 */
@Singleton
class MessageStore {
  /** Counted up to this many; the client shows "999+". */
  static final int MAX_UNREAD = 999;

  private static final List<String> COLUMN_NAMES =
      List.of(
          "room_id",
          "seq",
          "message_id",
          "sender_id",
          "sender_name",
          "client_msg_id",
          "body",
          "reply_to",
          "file_id",
          "created_at",
          "edited_at",
          "deleted_at");

  private static final String COLUMNS = String.join(", ", COLUMN_NAMES);

  private static final SecureRandom RANDOM = new SecureRandom();

  private final TransactionOperations<Connection> transactions;

  MessageStore(TransactionOperations<Connection> transactions) {
    this.transactions = transactions;
  }

  /**
   * What became of one post: its message, and whether this call created it (else a retry); or, when
   * it was refused (it replies to a message not in the room), the refusal and no message.
   */
  record Posted(ChatMessage message, boolean fresh, ChatException refusal) {
    Posted(ChatMessage message, boolean fresh) {
      this(message, fresh, null);
    }
  }

  /** A page of messages, oldest first; {@code lastSeq} is the room's head when it was read. */
  record Page(List<ChatMessage> messages, boolean hasMore, long lastSeq) {}

  /** A user's read mark moved: where it is now, and what is left unread. */
  record ReadMark(String roomId, long readSeq, String messageId, int unread) {}

  /** A room in the caller's list. */
  record Summary(
      String roomId, String kind, long lastSeq, long readSeq, int unread, ChatMessage last) {}

  /** Counts for {@code /stats}. */
  record Stats(long members, long messagesToday, long lastSeq) {}

  /**
   * Posts {@code posts} to {@code room} in one transaction, each with the next sequence number
   * under the room row's lock. A post whose (sender, clientMsgId) already exists is not posted
   * again: its answer is the first one. Moves each sender's read mark to their own message.
   */
  List<Posted> post(Room room, List<Post> posts) {
    return transactions.executeWrite(
        status -> {
          Connection c = status.getConnection();
          ensureRoom(c, room);
          long lastSeq = lockRoom(c, room);
          Map<String, ChatMessage> existing = existing(c, room, posts);
          Set<String> repliedTo = repliedTo(c, room, posts);
          Instant now = Instant.now();
          List<Posted> answers = new ArrayList<>(posts.size());
          List<ChatMessage> fresh = new ArrayList<>();
          Map<String, Long> senderMarks = new HashMap<>();
          for (Post p : posts) {
            String key = p.senderId() + '\n' + p.clientMsgId();
            ChatMessage before = existing.get(key);
            if (before != null) {
              answers.add(new Posted(before, false));
              continue;
            }
            if (p.replyTo() != null && !repliedTo.contains(p.replyTo())) {
              answers.add(
                  new Posted(
                      null,
                      false,
                      new ChatException(
                          ChatError.MESSAGE_NOT_FOUND,
                          "the message replied to is not in this room",
                          room.id())));
              continue;
            }
            ChatMessage m =
                new ChatMessage(
                    room.id(),
                    ++lastSeq,
                    newMessageId(),
                    p.senderId(),
                    p.senderName(),
                    p.clientMsgId(),
                    p.text(),
                    p.replyTo(),
                    p.fileId(),
                    now,
                    null,
                    false);
            existing.put(key, m);
            repliedTo.add(m.messageId());
            fresh.add(m);
            senderMarks.put(p.senderId(), m.seq());
            answers.add(new Posted(m, true));
          }
          if (!fresh.isEmpty()) {
            insert(c, room, fresh);
            try (PreparedStatement s =
                c.prepareStatement(
                    "UPDATE collaboration.rooms SET last_seq = ? WHERE org_id = ? AND room_id = ?")) {
              s.setLong(1, lastSeq);
              s.setString(2, room.orgId());
              s.setString(3, room.id());
              s.executeUpdate();
            }
            for (var mark : senderMarks.entrySet()) {
              moveMark(c, room.orgId(), room.id(), mark.getKey(), mark.getValue());
            }
          }
          return answers;
        });
  }

  private static void ensureRoom(Connection c, Room room) throws SQLException {
    if (room.kind() == Room.Kind.DIRECT) {
      return; // created when opened, with its members
    }
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO collaboration.rooms (org_id, room_id, kind, property_id)"
                + " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
      s.setString(1, room.orgId());
      s.setString(2, room.id());
      s.setString(3, room.kind().wireName());
      s.setString(4, room.propertyId());
      s.executeUpdate();
    }
  }

  private static long lockRoom(Connection c, Room room) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT last_seq FROM collaboration.rooms WHERE org_id = ? AND room_id = ? FOR UPDATE")) {
      s.setString(1, room.orgId());
      s.setString(2, room.id());
      try (ResultSet r = s.executeQuery()) {
        if (!r.next()) {
          throw new IllegalStateException("room " + room.id() + " has no row");
        }
        return r.getLong(1);
      }
    }
  }

  private static Map<String, ChatMessage> existing(Connection c, Room room, List<Post> posts)
      throws SQLException {
    Set<String> senders = new HashSet<>();
    List<String> ids = new ArrayList<>(posts.size());
    for (Post p : posts) {
      senders.add(p.senderId());
      ids.add(p.clientMsgId());
    }
    Map<String, ChatMessage> found = new HashMap<>();
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT "
                + COLUMNS
                + " FROM collaboration.messages WHERE org_id = ? AND room_id = ?"
                + " AND sender_id = ANY(?) AND client_msg_id = ANY(?)")) {
      s.setString(1, room.orgId());
      s.setString(2, room.id());
      s.setArray(3, c.createArrayOf("text", senders.toArray()));
      s.setArray(4, c.createArrayOf("text", ids.toArray()));
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          ChatMessage m = message(r);
          found.put(m.senderId() + '\n' + m.clientMsgId(), m);
        }
      }
    }
    return found;
  }

  /** Of the messages the posts reply to, those in the room. */
  private static Set<String> repliedTo(Connection c, Room room, List<Post> posts)
      throws SQLException {
    Set<String> wanted = new HashSet<>();
    for (Post p : posts) {
      if (p.replyTo() != null) {
        wanted.add(p.replyTo());
      }
    }
    Set<String> found = new HashSet<>();
    if (wanted.isEmpty()) {
      return found;
    }
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT message_id FROM collaboration.messages WHERE org_id = ? AND room_id = ?"
                + " AND message_id = ANY(?)")) {
      s.setString(1, room.orgId());
      s.setString(2, room.id());
      s.setArray(3, c.createArrayOf("text", wanted.toArray()));
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          found.add(r.getString(1));
        }
      }
    }
    return found;
  }

  private static void insert(Connection c, Room room, List<ChatMessage> fresh) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO collaboration.messages (org_id, room_id, seq, message_id, sender_id,"
                + " sender_name, client_msg_id, body, reply_to, file_id, created_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      for (ChatMessage m : fresh) {
        s.setString(1, room.orgId());
        s.setString(2, room.id());
        s.setLong(3, m.seq());
        s.setString(4, m.messageId());
        s.setString(5, m.senderId());
        s.setString(6, m.senderName());
        s.setString(7, m.clientMsgId());
        s.setString(8, m.text());
        s.setString(9, m.replyTo());
        s.setString(10, m.fileId());
        s.setTimestamp(11, Timestamp.from(m.createdAt()));
        s.addBatch();
      }
      s.executeBatch();
    }
  }

  /** Moves a read mark forward to {@code seq}; true when it moved (it never moves back). */
  private static boolean moveMark(
      Connection c, String orgId, String roomId, String userId, long seq) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO collaboration.read_marks (org_id, room_id, user_id, read_seq, updated_at)"
                + " VALUES (?, ?, ?, ?, now()) ON CONFLICT (org_id, room_id, user_id) DO UPDATE"
                + " SET read_seq = EXCLUDED.read_seq, updated_at = now()"
                + " WHERE read_marks.read_seq < EXCLUDED.read_seq")) {
      s.setString(1, orgId);
      s.setString(2, roomId);
      s.setString(3, userId);
      s.setLong(4, seq);
      return s.executeUpdate() == 1;
    }
  }

  /** The newest {@code limit} messages and the room's head, read together. */
  Page latest(Room room, int limit) {
    return transactions.executeRead(
        status -> {
          Connection c = status.getConnection();
          long head = head(c, room.orgId(), room.id());
          return page(c, room, head + 1, head, limit);
        });
  }

  /** The newest {@code limit} messages before {@code beforeSeq}. */
  Page before(Room room, long beforeSeq, int limit) {
    return transactions.executeRead(
        status -> {
          Connection c = status.getConnection();
          return page(c, room, beforeSeq, head(c, room.orgId(), room.id()), limit);
        });
  }

  private static Page page(Connection c, Room room, long beforeSeq, long head, int limit)
      throws SQLException {
    List<ChatMessage> newestFirst = new ArrayList<>(limit + 1);
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT "
                + COLUMNS
                + " FROM collaboration.messages WHERE org_id = ? AND room_id = ? AND seq < ?"
                + " ORDER BY seq DESC LIMIT ?")) {
      s.setString(1, room.orgId());
      s.setString(2, room.id());
      s.setLong(3, Math.min(beforeSeq, head + 1));
      s.setInt(4, limit + 1);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          newestFirst.add(message(r));
        }
      }
    }
    boolean hasMore = newestFirst.size() > limit;
    List<ChatMessage> page =
        new ArrayList<>(newestFirst.subList(0, Math.min(limit, newestFirst.size())));
    java.util.Collections.reverse(page);
    return new Page(page, hasMore, head);
  }

  /** Up to {@code limit} messages after {@code afterSeq}, oldest first. */
  List<ChatMessage> after(String orgId, String roomId, long afterSeq, int limit) {
    return transactions.executeRead(
        status -> {
          List<ChatMessage> out = new ArrayList<>();
          try (PreparedStatement s =
              status
                  .getConnection()
                  .prepareStatement(
                      "SELECT "
                          + COLUMNS
                          + " FROM collaboration.messages WHERE org_id = ? AND room_id = ?"
                          + " AND seq > ? ORDER BY seq LIMIT ?")) {
            s.setString(1, orgId);
            s.setString(2, roomId);
            s.setLong(3, afterSeq);
            s.setInt(4, limit);
            try (ResultSet r = s.executeQuery()) {
              while (r.next()) {
                out.add(message(r));
              }
            }
          }
          return out;
        });
  }

  /** The room's head: its highest seq, 0 for a room without messages (or without a row). */
  long head(String orgId, String roomId) {
    return transactions.executeRead(status -> head(status.getConnection(), orgId, roomId));
  }

  private static long head(Connection c, String orgId, String roomId) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT last_seq FROM collaboration.rooms WHERE org_id = ? AND room_id = ?")) {
      s.setString(1, orgId);
      s.setString(2, roomId);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? r.getLong(1) : 0;
      }
    }
  }

  /** The two members of a direct room of this org, or null when there is no such room. */
  Set<String> directMembers(String orgId, String roomId) {
    return transactions.executeRead(
        status -> {
          Set<String> members = new HashSet<>();
          try (PreparedStatement s =
              status
                  .getConnection()
                  .prepareStatement(
                      "SELECT user_id FROM collaboration.direct_members"
                          + " WHERE org_id = ? AND room_id = ?")) {
            s.setString(1, orgId);
            s.setString(2, roomId);
            try (ResultSet r = s.executeQuery()) {
              while (r.next()) {
                members.add(r.getString(1));
              }
            }
          }
          return members.isEmpty() ? null : members;
        });
  }

  /** Creates the direct room of two users (once; opening it again changes nothing). */
  void openDirect(Room room) {
    transactions.executeWrite(
        status -> {
          Connection c = status.getConnection();
          try (PreparedStatement s =
              c.prepareStatement(
                  "INSERT INTO collaboration.rooms (org_id, room_id, kind) VALUES (?, ?, 'direct')"
                      + " ON CONFLICT DO NOTHING")) {
            s.setString(1, room.orgId());
            s.setString(2, room.id());
            s.executeUpdate();
          }
          try (PreparedStatement s =
              c.prepareStatement(
                  "INSERT INTO collaboration.direct_members (org_id, room_id, user_id)"
                      + " VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
            for (String member : room.members()) {
              s.setString(1, room.orgId());
              s.setString(2, room.id());
              s.setString(3, member);
              s.addBatch();
            }
            s.executeBatch();
          }
          return null;
        });
  }

  /** Records that {@code userId} is in the room (a member for {@code /stats}). */
  void joined(Room room, String userId) {
    transactions.executeWrite(
        status -> {
          try (PreparedStatement s =
              status
                  .getConnection()
                  .prepareStatement(
                      "INSERT INTO collaboration.read_marks (org_id, room_id, user_id)"
                          + " VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
            s.setString(1, room.orgId());
            s.setString(2, room.id());
            s.setString(3, userId);
            s.executeUpdate();
          }
          return null;
        });
  }

  /**
   * Moves the user's read mark to {@code seq}, or to the message {@code messageId} (one of them is
   * given). Null when the message is not in the room, or the mark is already there or past it.
   */
  ReadMark markRead(Room room, String userId, String messageId, long seq) {
    return transactions.executeWrite(
        status -> {
          Connection c = status.getConnection();
          long target = seq;
          String targetId = messageId;
          if (messageId != null) {
            ChatMessage m = byId(c, room, messageId);
            if (m == null) {
              return null;
            }
            target = m.seq();
          } else {
            target = Math.min(seq, head(c, room.orgId(), room.id()));
            ChatMessage m = bySeq(c, room, target);
            targetId = m == null ? null : m.messageId();
          }
          if (target <= 0 || !moveMark(c, room.orgId(), room.id(), userId, target)) {
            return null;
          }
          return new ReadMark(room.id(), target, targetId, unread(c, room, userId, target));
        });
  }

  private static int unread(Connection c, Room room, String userId, long readSeq)
      throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT count(*) FROM (SELECT 1 FROM collaboration.messages WHERE org_id = ?"
                + " AND room_id = ? AND seq > ? AND sender_id <> ? AND deleted_at IS NULL LIMIT ?)"
                + " AS unread")) {
      s.setString(1, room.orgId());
      s.setString(2, room.id());
      s.setLong(3, readSeq);
      s.setString(4, userId);
      s.setInt(5, MAX_UNREAD);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getInt(1);
      }
    }
  }

  /**
   * Replaces the text of the sender's own message, or (with {@code text} null) deletes it, keeping
   * a tombstone. Null when there is no such message of {@code senderId} that is not deleted.
   */
  ChatMessage change(Room room, String senderId, String messageId, String text) {
    return transactions.executeWrite(
        status -> {
          String sql =
              text == null
                  ? "UPDATE collaboration.messages SET body = '', deleted_at = now()"
                  : "UPDATE collaboration.messages SET body = ?, edited_at = now()";
          try (PreparedStatement s =
              status
                  .getConnection()
                  .prepareStatement(
                      sql
                          + " WHERE org_id = ? AND room_id = ? AND message_id = ? AND sender_id = ?"
                          + " AND deleted_at IS NULL RETURNING "
                          + COLUMNS)) {
            int i = 1;
            if (text != null) {
              s.setString(i++, text);
            }
            s.setString(i++, room.orgId());
            s.setString(i++, room.id());
            s.setString(i++, messageId);
            s.setString(i, senderId);
            try (ResultSet r = s.executeQuery()) {
              return r.next() ? message(r) : null;
            }
          }
        });
  }

  /** The caller's rooms: the org room, their property rooms that exist, their direct rooms. */
  List<Summary> rooms(Principal p) {
    return transactions.executeRead(
        status -> {
          Connection c = status.getConnection();
          Map<String, Summary> out = new LinkedHashMap<>();
          Array properties = c.createArrayOf("text", p.propertyIds().toArray());
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT r.room_id, r.kind, r.last_seq, coalesce(m.read_seq, 0), u.unread, "
                      + prefixed("last.")
                      + " FROM collaboration.rooms r"
                      + " LEFT JOIN collaboration.read_marks m ON m.org_id = r.org_id"
                      + " AND m.room_id = r.room_id AND m.user_id = ?"
                      + " LEFT JOIN LATERAL (SELECT * FROM collaboration.messages x"
                      + " WHERE x.org_id = r.org_id AND x.room_id = r.room_id"
                      + " ORDER BY x.seq DESC LIMIT 1) last ON true"
                      + " LEFT JOIN LATERAL (SELECT count(*) AS unread FROM (SELECT 1"
                      + " FROM collaboration.messages y WHERE y.org_id = r.org_id"
                      + " AND y.room_id = r.room_id AND y.seq > coalesce(m.read_seq, 0)"
                      + " AND y.sender_id <> ? AND y.deleted_at IS NULL LIMIT "
                      + MAX_UNREAD
                      + ") AS z) u ON true"
                      + " WHERE r.org_id = ? AND (r.kind = 'org'"
                      + " OR (r.kind = 'property' AND (? OR r.property_id = ANY(?)))"
                      + " OR (r.kind = 'direct' AND EXISTS (SELECT 1"
                      + " FROM collaboration.direct_members d WHERE d.org_id = r.org_id"
                      + " AND d.room_id = r.room_id AND d.user_id = ?)))"
                      + " ORDER BY r.kind, r.room_id")) {
            s.setString(1, p.userId());
            s.setString(2, p.userId());
            s.setString(3, p.orgId());
            s.setBoolean(4, p.seesAllProperties());
            s.setArray(5, properties);
            s.setString(6, p.userId());
            try (ResultSet r = s.executeQuery()) {
              while (r.next()) {
                ChatMessage last = r.getString(6) == null ? null : message(r, 6);
                out.put(
                    r.getString(1),
                    new Summary(
                        r.getString(1),
                        r.getString(2),
                        r.getLong(3),
                        r.getLong(4),
                        r.getInt(5),
                        last));
              }
            }
          }
          out.putIfAbsent(Room.ORG, new Summary(Room.ORG, "org", 0, 0, 0, null));
          return new ArrayList<>(out.values());
        });
  }

  private static String prefixed(String alias) {
    return String.join(", ", COLUMN_NAMES.stream().map(c -> alias + c).toList());
  }

  Stats stats(Room room) {
    return transactions.executeRead(
        status -> {
          try (PreparedStatement s =
              status
                  .getConnection()
                  .prepareStatement(
                      "SELECT (SELECT count(*) FROM collaboration.read_marks WHERE org_id = ?"
                          + " AND room_id = ?), (SELECT count(*) FROM collaboration.messages"
                          + " WHERE org_id = ? AND room_id = ?"
                          + " AND created_at >= date_trunc('day', now() AT TIME ZONE 'UTC')"
                          + " AT TIME ZONE 'UTC'), (SELECT last_seq FROM collaboration.rooms"
                          + " WHERE org_id = ? AND room_id = ?)")) {
            for (int i = 0; i < 3; i++) {
              s.setString(2 * i + 1, room.orgId());
              s.setString(2 * i + 2, room.id());
            }
            try (ResultSet r = s.executeQuery()) {
              r.next();
              return new Stats(r.getLong(1), r.getLong(2), r.getLong(3));
            }
          }
        });
  }

  private static ChatMessage byId(Connection c, Room room, String messageId) throws SQLException {
    return one(c, room, "message_id = ?", s -> s.setString(3, messageId));
  }

  private static ChatMessage bySeq(Connection c, Room room, long seq) throws SQLException {
    return one(c, room, "seq = ?", s -> s.setLong(3, seq));
  }

  private interface Binder {
    void bind(PreparedStatement s) throws SQLException;
  }

  private static ChatMessage one(Connection c, Room room, String condition, Binder binder)
      throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT "
                + COLUMNS
                + " FROM collaboration.messages WHERE org_id = ? AND room_id = ? AND "
                + condition)) {
      s.setString(1, room.orgId());
      s.setString(2, room.id());
      binder.bind(s);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? message(r) : null;
      }
    }
  }

  private static ChatMessage message(ResultSet r) throws SQLException {
    return message(r, 1);
  }

  private static ChatMessage message(ResultSet r, int from) throws SQLException {
    Timestamp edited = r.getTimestamp(from + 10);
    Timestamp deleted = r.getTimestamp(from + 11);
    return new ChatMessage(
        r.getString(from),
        r.getLong(from + 1),
        r.getString(from + 2),
        r.getString(from + 3),
        r.getString(from + 4),
        r.getString(from + 5),
        r.getString(from + 6),
        r.getString(from + 7),
        r.getString(from + 8),
        r.getTimestamp(from + 9).toInstant(),
        edited == null ? null : edited.toInstant(),
        deleted != null);
  }

  private static String newMessageId() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return "m_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
