package io.bellhop.collaboration.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellhop.testing.RealServicesTest;
import io.bellhop.testing.SocketClient;
import io.bellhop.testing.TestTokens;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * {@code WS /v2/collaboration/chat/stream} and its REST side end to end, on one node against real
 * PostgreSQL and nats-server. Each test has its own org, so tests never see each other's rooms.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class ChatIT extends RealServicesTest {
  static final Duration WAIT = Duration.ofSeconds(15);

  @Inject EmbeddedServer server;
  @Inject MessageStore store;

  @Override
  public Map<String, String> getProperties() {
    var properties = new HashMap<>(super.getProperties());
    properties.putAll(APP_SETTINGS);
    properties.put("bellhop.outbox.relay-enabled", "false");
    properties.put("bellhop.collaboration.offline-grace", "300ms");
    properties.put("bellhop.collaboration.typing-ttl", "1s");
    // Tests post hundreds of messages as fast as they are answered; the rate test still hits it.
    properties.put("bellhop.collaboration.frames-per-second", "5000");
    properties.put("bellhop.collaboration.frame-burst", "5000");
    properties.put("bellhop.collaboration.messages-per-second", "1000");
    properties.put("bellhop.collaboration.message-burst", "100");
    return properties;
  }

  static String org() {
    return "org-chat-" + UUID.randomUUID().toString().substring(0, 8);
  }

  static String token(String org, String user, String... properties) {
    return TestTokens.custom(
        org,
        c ->
            c.subject(user)
                .claim("name", "Name of " + user)
                .claim("propertyIds", List.of(properties)));
  }

  SocketClient open(String token, String handshakeRest) {
    SocketClient c =
        SocketClient.connect(
            URI.create("ws://localhost:" + server.getPort() + "/v2/collaboration/chat/stream"));
    c.send("{\"token\":\"" + token + "\"" + handshakeRest + "}");
    return c;
  }

  /** A socket in the org room, past its ready, history and presence. */
  SocketClient inOrgRoom(String token) {
    SocketClient c = open(token, ",\"roomId\":\"org\"");
    c.next("ready", WAIT);
    c.next("history", WAIT);
    c.next("presence", WAIT);
    return c;
  }

  static String chat(String roomId, String clientMsgId, String text) {
    return "{\"type\":\"chat\",\"roomId\":\""
        + roomId
        + "\",\"clientMsgId\":\""
        + clientMsgId
        + "\",\"text\":\""
        + text
        + "\"}";
  }

  static long number(Map<String, Object> m, String field) {
    return ((Number) m.get(field)).longValue();
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> list(Map<String, Object> m, String field) {
    return (List<Map<String, Object>>) m.get(field);
  }

  /**
   * The sender's {@code sent} and its own {@code chat} of one post, in whichever order they come
   * (the protocol does not order them); other frames in between are dropped.
   */
  static Map<String, Map<String, Object>> sentAndChat(SocketClient c, String clientMsgId)
      throws InterruptedException {
    Map<String, Map<String, Object>> out = new HashMap<>();
    while (out.size() < 2) {
      Map<String, Object> m = c.messages.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      if (m == null) {
        throw new AssertionError("no sent and chat for " + clientMsgId + " within " + WAIT);
      }
      if (clientMsgId.equals(m.get("clientMsgId"))
          && ("sent".equals(m.get("type")) || "chat".equals(m.get("type")))) {
        out.put((String) m.get("type"), m);
      }
    }
    return out;
  }

  HttpResponse<String> get(String token, String path) throws Exception {
    return SocketClient.HTTP.send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + server.getPort() + path))
            .header("Authorization", "Bearer " + token)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aMessageReachesEveryoneInTheRoomWithItsSeqAndTheSenderIsToldItWasSent() throws Exception {
    String org = org();
    try (SocketClient asha = inOrgRoom(token(org, "asha"));
        SocketClient ben = inOrgRoom(token(org, "ben"))) {
      asha.send(chat("org", "c-1", "Room 204 is ready"));
      Map<String, Map<String, Object>> own = sentAndChat(asha, "c-1");
      Map<String, Object> sent = own.get("sent");
      assertEquals("c-1", sent.get("clientMsgId"));
      assertEquals(1L, number(sent, "seq"));
      Map<String, Object> seen = ben.next("chat", WAIT);
      assertEquals("Room 204 is ready", seen.get("text"));
      assertEquals(1L, number(seen, "seq"));
      assertEquals(sent.get("messageId"), seen.get("messageId"));
      assertEquals(Map.of("id", "asha", "name", "Name of asha"), seen.get("sender"));
      assertEquals("org", seen.get("roomId"));
      assertNotNull(seen.get("createdAt"));
      assertEquals(sent.get("messageId"), own.get("chat").get("messageId"));
    }
  }

  @Test
  void aRetryWithTheSameClientMsgIdAnswersTheFirstSentAndIsNeverPostedTwice() {
    String org = org();
    try (SocketClient asha = inOrgRoom(token(org, "asha"));
        SocketClient ben = inOrgRoom(token(org, "ben"))) {
      asha.send(chat("org", "c-1", "first"));
      Map<String, Object> first = asha.next("sent", WAIT);
      asha.send(chat("org", "c-1", "first"));
      Map<String, Object> again = asha.next("sent", WAIT);
      assertEquals(first, again);
      asha.send(chat("org", "c-2", "second"));
      asha.next("sent", WAIT);
      assertEquals(1L, number(ben.next("chat", WAIT), "seq"));
      assertEquals(2L, number(ben.next("chat", WAIT), "seq"));
    }
  }

  @Test
  void aClientThatReconnectsWithItsLastSeqGetsExactlyTheMessagesItMissedThenLiveOnes() {
    String org = org();
    String benToken = token(org, "ben");
    try (SocketClient asha = inOrgRoom(token(org, "asha"))) {
      try (SocketClient ben = inOrgRoom(benToken)) {
        asha.send(chat("org", "c-1", "one"));
        assertEquals(1L, number(ben.next("chat", WAIT), "seq"));
      }
      for (int i = 2; i <= 450; i++) {
        asha.send(chat("org", "c-" + i, "message " + i));
        asha.next("sent", WAIT);
      }
      try (SocketClient ben = open(benToken, ",\"rooms\":[{\"roomId\":\"org\",\"after\":1}]")) {
        ben.next("ready", WAIT);
        List<Long> seqs = new ArrayList<>();
        boolean caughtUp = false;
        while (!caughtUp) {
          Map<String, Object> history = ben.next("history", WAIT);
          list(history, "messages").forEach(m -> seqs.add(number(m, "seq")));
          caughtUp = Boolean.TRUE.equals(history.get("caughtUp"));
        }
        asha.send(chat("org", "c-451", "live"));
        seqs.add(number(ben.next("chat", WAIT), "seq"));
        List<Long> expected = new ArrayList<>();
        for (long s = 2; s <= 451; s++) {
          expected.add(s);
        }
        assertEquals(expected, seqs);
      }
    }
  }

  @Test
  void anotherOrgsSocketNeverSeesTheMessagesOfARoomWithTheSameId() {
    String org = org();
    String other = org();
    try (SocketClient asha = inOrgRoom(token(org, "asha"));
        SocketClient stranger = inOrgRoom(token(other, "asha"))) {
      asha.send(chat("org", "c-1", "only for my org"));
      asha.next("sent", WAIT);
      stranger.send(chat("org", "c-1", "mine"));
      Map<String, Object> own = stranger.next("chat", WAIT);
      assertEquals("mine", own.get("text"));
      assertEquals(1L, number(own, "seq"));
    }
  }

  @Test
  void aPropertyRoomOutsideTheTokenIsRefusedAtTheHandshakeAndOnJoinTheSameWayAsAnUnknownRoom() {
    String org = org();
    try (SocketClient c = open(token(org, "asha", "p_1"), ",\"roomId\":\"property-p_2\"")) {
      Map<String, Object> error = c.next("error", WAIT);
      assertEquals("FORBIDDEN", error.get("code"));
      assertEquals(4003, c.awaitClose(WAIT));
    }
    try (SocketClient c = open(token(org, "asha", "p_1"), ",\"roomId\":\"property-p_1\"")) {
      c.next("ready", WAIT);
      c.next("history", WAIT);
      c.send("{\"type\":\"join\",\"roomId\":\"property-p_2\"}");
      Map<String, Object> forbidden = c.next("error", WAIT);
      c.send("{\"type\":\"join\",\"roomId\":\"direct-aaaaaaaaaaaaaaaaaaaaaaaaaa\"}");
      Map<String, Object> unknown = c.next("error", WAIT);
      assertEquals("FORBIDDEN", forbidden.get("code"));
      assertEquals("FORBIDDEN", unknown.get("code"));
      assertEquals(
          forbidden.get("message").toString().replace("property-p_2", "X"),
          unknown.get("message").toString().replace("direct-aaaaaaaaaaaaaaaaaaaaaaaaaa", "X"));
    }
  }

  @Test
  void aDirectRoomIsTheSameForBothUsersAndClosedToAThird() throws Exception {
    String org = org();
    String asha = token(org, "asha");
    String roomId = openDirect(asha, "ben");
    assertEquals(roomId, openDirect(token(org, "ben"), "asha"));
    try (SocketClient ben = open(token(org, "ben"), ",\"roomId\":\"" + roomId + "\"");
        SocketClient a = open(asha, ",\"roomId\":\"" + roomId + "\"")) {
      ben.next("history", WAIT);
      a.next("history", WAIT);
      a.send(chat(roomId, "c-1", "just us"));
      assertEquals("just us", ben.next("chat", WAIT).get("text"));
    }
    try (SocketClient carl = open(token(org, "carl"), ",\"roomId\":\"" + roomId + "\"")) {
      assertEquals("FORBIDDEN", carl.next("error", WAIT).get("code"));
      assertEquals(4003, carl.awaitClose(WAIT));
    }
    assertEquals(
        403,
        get(token(org, "carl"), "/v2/collaboration/rooms/" + roomId + "/messages").statusCode());
    assertEquals(
        403,
        get(token(org(), "asha"), "/v2/collaboration/rooms/" + roomId + "/messages").statusCode());
  }

  String openDirect(String token, String other) throws Exception {
    HttpResponse<String> r =
        SocketClient.HTTP.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://localhost:" + server.getPort() + "/v2/collaboration/rooms/direct"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"userId\":\"" + other + "\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return (String) SocketClient.parse(r.body()).get("roomId");
  }

  @Test
  void typingIsSeenAsTheFullListAndExpiresByItself() {
    String org = org();
    try (SocketClient asha = inOrgRoom(token(org, "asha"));
        SocketClient ben = inOrgRoom(token(org, "ben"))) {
      asha.send("{\"type\":\"typing\",\"roomId\":\"org\"}");
      Map<String, Object> typing = ben.next("typing", WAIT);
      assertEquals(List.of(Map.of("id", "asha", "name", "Name of asha")), typing.get("users"));
      assertEquals(List.of(), ben.next("typing", WAIT).get("users"));
    }
  }

  @Test
  void aReadMarkOnlyMovesForwardIsBroadcastAsAReceiptAndResetsTheReadersUnreadCount()
      throws Exception {
    String org = org();
    String benToken = token(org, "ben");
    try (SocketClient asha = inOrgRoom(token(org, "asha"));
        SocketClient ben = inOrgRoom(benToken);
        SocketClient benInbox = open(benToken, "")) {
      benInbox.next("ready", WAIT);
      for (int i = 1; i <= 3; i++) {
        asha.send(chat("org", "c-" + i, "m" + i));
        asha.next("sent", WAIT);
        assertEquals((long) i, number(benInbox.next("activity", WAIT), "seq"));
      }
      Map<String, Object> rooms =
          SocketClient.parse(get(benToken, "/v2/collaboration/rooms").body());
      Map<String, Object> orgRoom = list(rooms, "rooms").get(0);
      assertEquals(3L, number(orgRoom, "unread"));
      assertEquals(3L, number(orgRoom, "lastSeq"));

      ben.send("{\"type\":\"read\",\"roomId\":\"org\",\"seq\":2}");
      Map<String, Object> receipt = asha.next("receipt", WAIT);
      assertEquals("ben", receipt.get("userId"));
      assertEquals(2L, number(receipt, "seq"));
      Map<String, Object> unread = benInbox.next("unread", WAIT);
      assertEquals(1L, number(unread, "unread"));

      ben.send("{\"type\":\"read\",\"roomId\":\"org\",\"seq\":1}");
      ben.send("{\"type\":\"read\",\"roomId\":\"org\",\"seq\":3}");
      assertEquals(3L, number(asha.next("receipt", WAIT), "seq"));
      assertEquals(0L, number(benInbox.next("unread", WAIT), "unread"));
    }
  }

  @Test
  void onlyTheSenderMayEditOrDeleteAMessageAndADeletedOneKeepsItsPlace() throws Exception {
    String org = org();
    String ashaToken = token(org, "asha");
    try (SocketClient asha = inOrgRoom(ashaToken);
        SocketClient ben = inOrgRoom(token(org, "ben"))) {
      asha.send(chat("org", "c-1", "Room 204 is redy"));
      String id = (String) asha.next("sent", WAIT).get("messageId");
      ben.next("chat", WAIT);
      ben.send(
          "{\"type\":\"edit\",\"roomId\":\"org\",\"messageId\":\"" + id + "\",\"text\":\"x\"}");
      assertEquals("MESSAGE_NOT_FOUND", ben.next("error", WAIT).get("code"));
      asha.send(
          "{\"type\":\"edit\",\"roomId\":\"org\",\"messageId\":\""
              + id
              + "\",\"text\":\"Room 204 is ready\"}");
      Map<String, Object> edited = ben.next("edited", WAIT);
      assertEquals("Room 204 is ready", edited.get("text"));
      assertNotNull(edited.get("editedAt"));
      asha.send("{\"type\":\"delete\",\"roomId\":\"org\",\"messageId\":\"" + id + "\"}");
      assertEquals(id, ben.next("deleted", WAIT).get("messageId"));
      Map<String, Object> page =
          SocketClient.parse(get(ashaToken, "/v2/collaboration/rooms/org/messages").body());
      Map<String, Object> tombstone = list(page, "messages").get(0);
      assertEquals(true, tombstone.get("deleted"));
      assertEquals("", tombstone.get("text"));
      assertEquals(1L, number(tombstone, "seq"));
    }
  }

  @Test
  void aUserPostingFasterThanAllowedIsToldWhenToRetryAndNothingOfTheRefusedIsPosted() {
    String org = org();
    try (SocketClient asha = inOrgRoom(token(org, "asha"))) {
      for (int i = 0; i < 400; i++) {
        asha.send(chat("org", "c-" + i, "spam " + i));
      }
      Map<String, Object> error = asha.next("error", WAIT);
      assertEquals("RATE_LIMITED", error.get("code"));
      assertTrue(number(error, "retryAfterMs") > 0);
      assertNotNull(error.get("clientMsgId"));
    }
  }

  @Test
  void textOverTheLimitOrEmptyIsRefusedWithItsCode() {
    String org = org();
    try (SocketClient asha = inOrgRoom(token(org, "asha"))) {
      asha.send(chat("org", "c-1", "x".repeat(4001)));
      assertEquals("MESSAGE_TOO_LONG", asha.next("error", WAIT).get("code"));
      asha.send(chat("org", "c-2", ""));
      assertEquals("MESSAGE_TOO_LONG", asha.next("error", WAIT).get("code"));
      asha.send(chat("property-p_9", "c-3", "hi"));
      assertEquals("NOT_JOINED", asha.next("error", WAIT).get("code"));
      asha.send("{\"type\":\"dance\"}");
      assertEquals("UNKNOWN_MESSAGE", asha.next("error", WAIT).get("code"));
      asha.send(chat("org", "c-4", "<b>still just text</b>"));
      assertEquals("<b>still just text</b>", asha.next("chat", WAIT).get("text"));
    }
  }

  @Test
  void aUserWithTwoSocketsWhoClosesOneStaysOnlineAndGoesOfflineWhenTheLastCloses()
      throws Exception {
    String org = org();
    String benToken = token(org, "ben");
    try (SocketClient asha = inOrgRoom(token(org, "asha"))) {
      SocketClient first = inOrgRoom(benToken);
      SocketClient second = inOrgRoom(benToken);
      awaitPresence(asha, "ben", "online");
      first.close();
      second.send("{\"type\":\"presence\",\"status\":\"away\"}");
      awaitPresence(asha, "ben", "away");
      assertTrue(get(benToken, "/v2/collaboration/rooms/org/online").body().contains("\"away\""));
      second.close();
      awaitPresence(asha, "ben", "offline");
      assertFalse(get(benToken, "/v2/collaboration/rooms/org/online").body().contains("\"ben\""));
    }
  }

  static void awaitPresence(SocketClient c, String user, String status) {
    while (true) {
      for (Map<String, Object> u : list(c.next("presence", WAIT), "users")) {
        if (user.equals(u.get("id")) && status.equals(u.get("status"))) {
          return;
        }
      }
    }
  }

  @Test
  void historyPagesBackwardsAndTheRestEndpointsCountWhatIsThere() throws Exception {
    String org = org();
    String token = token(org, "asha");
    try (SocketClient asha = inOrgRoom(token)) {
      for (int i = 1; i <= 120; i++) {
        asha.send(chat("org", "c-" + i, "m" + i));
        asha.next("sent", WAIT);
      }
      asha.send("{\"type\":\"history\",\"roomId\":\"org\",\"before\":71,\"limit\":30}");
      Map<String, Object> page = asha.next("history", WAIT);
      List<Map<String, Object>> messages = list(page, "messages");
      assertEquals(41L, number(messages.get(0), "seq"));
      assertEquals(70L, number(messages.get(29), "seq"));
      assertEquals(true, page.get("hasMore"));

      Map<String, Object> forward =
          SocketClient.parse(
              get(token, "/v2/collaboration/rooms/org/messages?after=100&limit=50").body());
      assertEquals(20, list(forward, "messages").size());
      assertEquals(false, forward.get("hasMore"));
      Map<String, Object> stats =
          SocketClient.parse(get(token, "/v2/collaboration/rooms/org/stats").body());
      assertEquals(120L, number(stats, "messagesToday"));
      assertEquals(120L, number(stats, "lastSeq"));
      assertEquals(1L, number(stats, "members"));
      assertEquals(1L, number(stats, "online"));
    }
  }

  @Test
  void aMessageWhoseAnnouncementWasLostIsReadFromPostgresqlAndDeliveredBeforeTheNextOne() {
    String org = org();
    try (SocketClient asha = inOrgRoom(token(org, "asha"));
        SocketClient ben = inOrgRoom(token(org, "ben"))) {
      // Committed, never announced on NATS: as if its node died between the two.
      store.post(Room.org(org), List.of(new Post("carl", "Carl", "c-lost", "lost", null, null)));
      asha.send(chat("org", "c-1", "next"));
      Map<String, Object> first = ben.next("chat", WAIT);
      Map<String, Object> second = ben.next("chat", WAIT);
      assertEquals(List.of(1L, 2L), List.of(number(first, "seq"), number(second, "seq")));
      assertEquals(List.of("lost", "next"), List.of(first.get("text"), second.get("text")));
    }
  }

  @Test
  void aReplyMustNameAMessageOfTheRoomAndAnAttachmentACompletedUploadOfTheSender()
      throws Exception {
    String org = org();
    try (SocketClient asha = inOrgRoom(token(org, "asha"))) {
      asha.send(chat("org", "c-1", "first"));
      String first = (String) asha.next("sent", WAIT).get("messageId");
      asha.send(
          "{\"type\":\"chat\",\"roomId\":\"org\",\"clientMsgId\":\"c-2\",\"text\":\"re\","
              + "\"replyTo\":\""
              + first
              + "\"}");
      Map<String, Map<String, Object>> reply = sentAndChat(asha, "c-2");
      assertEquals(2L, number(reply.get("sent"), "seq"));
      assertEquals(first, reply.get("chat").get("replyTo"));
      asha.send(
          "{\"type\":\"chat\",\"roomId\":\"org\",\"clientMsgId\":\"c-3\",\"text\":\"re\","
              + "\"replyTo\":\"m_nothing\"}");
      Map<String, Object> badReply = asha.next("error", WAIT);
      assertEquals("MESSAGE_NOT_FOUND", badReply.get("code"));
      assertEquals("c-3", badReply.get("clientMsgId"));
      asha.send(
          "{\"type\":\"chat\",\"roomId\":\"org\",\"clientMsgId\":\"c-4\",\"text\":\"see\","
              + "\"fileId\":\"up_notmine\"}");
      assertEquals("ATTACHMENT_NOT_FOUND", asha.next("error", WAIT).get("code"));
      asha.send(chat("org", "c-5", "after"));
      assertEquals(3L, number(asha.next("sent", WAIT), "seq"));
    }
  }
}
