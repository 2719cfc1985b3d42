package io.bellhop.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellhop.testing.SocketClient;
import io.bellhop.testing.TestTokens;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two Bellhop nodes on one NATS and one PostgreSQL, users on different nodes: messages posted on
 * both nodes at once reach everyone once and in seq order, typing and presence cross, and when a
 * node is SIGKILLed its users go offline on the other within the documented bound.
 */
@Timeout(180)
class ChatNodesIT {
  private static final Logger LOG = LoggerFactory.getLogger(ChatNodesIT.class);
  private static final Duration WAIT = Duration.ofSeconds(20);

  /** Documented: node-timeout (6 s) plus the sweep (1 s) after the last beat (2 s). */
  private static final Duration OFFLINE_BOUND = Duration.ofSeconds(10);

  private final List<AppProcess> nodes = new ArrayList<>();

  @AfterEach
  void kill() {
    nodes.forEach(AppProcess::close);
  }

  @Test
  void usersOnTwoNodesChatSeeEachOthersTypingAndPresenceAndAKilledNodesUsersGoOffline()
      throws Exception {
    int first = node();
    int second = node();
    String org = "org-chat-nodes-" + UUID.randomUUID().toString().substring(0, 8);
    String ashaToken = token(org, "asha");
    String benToken = token(org, "ben");
    try (SocketClient asha = join(first, ashaToken);
        SocketClient ben = join(second, benToken)) {
      awaitPresence(asha, "ben", "online");
      awaitPresence(ben, "asha", "online");

      // Both post at once, each on its node: the room's seqs interleave across nodes.
      int each = 150;
      for (int i = 0; i < each; i++) {
        asha.send(chat("a-" + i, "from asha " + i));
        ben.send(chat("b-" + i, "from ben " + i));
      }
      List<Long> expected = new ArrayList<>();
      for (long s = 1; s <= 2L * each; s++) {
        expected.add(s);
      }
      assertEquals(expected, seqs(asha, 2 * each));
      assertEquals(expected, seqs(ben, 2 * each));

      ben.send("{\"type\":\"typing\",\"roomId\":\"org\"}");
      Map<String, Object> typing = asha.next("typing", WAIT);
      assertEquals(List.of(Map.of("id", "ben", "name", "Name of ben")), typing.get("users"));

      nodes.get(1).close(); // SIGKILL: no goodbye, no close frames
      long killed = System.nanoTime();
      awaitPresence(asha, "ben", "offline");
      Duration took = Duration.ofNanos(System.nanoTime() - killed);
      LOG.info("chat.presence_converged after={}ms", took.toMillis());
      assertTrue(took.compareTo(OFFLINE_BOUND) <= 0, "ben went offline after " + took);

      asha.send(chat("a-after", "are you there?"));
      try (SocketClient again = SocketClient.connect(chatUri(first))) {
        again.send(
            "{\"token\":\""
                + benToken
                + "\",\"rooms\":[{\"roomId\":\"org\",\"after\":"
                + 2 * each
                + "}]}");
        again.next("ready", WAIT);
        Map<String, Object> history = again.next("history", WAIT);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> missed = (List<Map<String, Object>>) history.get("messages");
        assertEquals(1, missed.size());
        assertEquals("are you there?", missed.get(0).get("text"));
        assertEquals(true, history.get("caughtUp"));
        awaitPresence(asha, "ben", "online");
      }
    }
  }

  private static List<Long> seqs(SocketClient c, int count) {
    List<Long> out = new ArrayList<>();
    while (out.size() < count) {
      Map<String, Object> m = c.messages.poll();
      if (m == null) {
        m = c.next("chat", WAIT);
      }
      if ("chat".equals(m.get("type"))) {
        out.add(((Number) m.get("seq")).longValue());
      } else if ("history".equals(m.get("type"))) {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> page = (List<Map<String, Object>>) m.get("messages");
        page.forEach(p -> out.add(((Number) p.get("seq")).longValue()));
      }
    }
    return out;
  }

  private static void awaitPresence(SocketClient c, String user, String status) {
    while (true) {
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> users =
          (List<Map<String, Object>>) c.next("presence", WAIT).get("users");
      for (Map<String, Object> u : users) {
        if (user.equals(u.get("id")) && status.equals(u.get("status"))) {
          return;
        }
      }
    }
  }

  private static String chat(String clientMsgId, String text) {
    return "{\"type\":\"chat\",\"roomId\":\"org\",\"clientMsgId\":\""
        + clientMsgId
        + "\",\"text\":\""
        + text
        + "\"}";
  }

  private static String token(String org, String user) {
    return TestTokens.custom(org, c -> c.subject(user).claim("name", "Name of " + user));
  }

  private static SocketClient join(int port, String token) {
    SocketClient c = SocketClient.connect(chatUri(port));
    c.send("{\"token\":\"" + token + "\",\"roomId\":\"org\"}");
    c.next("ready", WAIT);
    c.next("history", WAIT);
    return c;
  }

  private static URI chatUri(int port) {
    return URI.create("ws://127.0.0.1:" + port + "/v2/collaboration/chat/stream");
  }

  private int node() throws Exception {
    int port;
    try (var s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    AppProcess app =
        AppProcess.start(
            port,
            env -> {
              env.put("BELLHOP_COLLABORATION_MESSAGES_PER_SECOND", "1000");
              env.put("BELLHOP_COLLABORATION_MESSAGE_BURST", "1000");
              env.put("BELLHOP_COLLABORATION_FRAMES_PER_SECOND", "5000");
              env.put("BELLHOP_COLLABORATION_FRAME_BURST", "5000");
            });
    nodes.add(app);
    app.output().await("Server Running", Duration.ofSeconds(60));
    return port;
  }
}
