package io.bellhop.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The chat benchmark's reading of both dialects and its exactly-once bookkeeping: a frame it
 * misreads would show up as lost messages of a server that lost none.
 */
class ChatFrameTest {
  private final ChatFrame frame = new ChatFrame();

  private void parse(String json) throws Exception {
    byte[] b = json.getBytes(StandardCharsets.UTF_8);
    frame.parse(b, 0, b.length);
  }

  @Test
  void aBellhopChatFrameBecomesOneMessageOfItsRoom() throws Exception {
    parse(
        "{\"type\":\"chat\",\"messageId\":\"m_1\",\"seq\":42,\"roomId\":\"org\","
            + "\"sender\":{\"id\":\"u1\",\"name\":\"Asha\"},\"text\":\"m 17 3\",\"clientMsgId\":\"c3\"}");
    assertEquals("chat", frame.type);
    assertEquals(List.of(new ChatFrame.Message("org", 42, "m 17 3")), frame.messages);
  }

  @Test
  void aMessageNestedUnderMessageReadsLikeAFlatOne() throws Exception {
    parse("{\"type\":\"chat\",\"roomId\":\"org\",\"message\":{\"seq\":7,\"text\":\"hi\"}}");
    assertEquals(List.of(new ChatFrame.Message("org", 7, "hi")), frame.messages);
  }

  @Test
  void aSocketIoEventArrayReadsLikeTheSameObject() throws Exception {
    parse("[\"chat\",{\"roomId\":\"r1\",\"seq\":2,\"sender\":{\"id\":\"a\"},\"text\":\"yo\"}]");
    assertEquals("chat", frame.type);
    assertEquals(List.of(new ChatFrame.Message("r1", 2, "yo")), frame.messages);
  }

  @Test
  void historyPresenceReadyAndErrorFramesKeepWhatTheModesRead() throws Exception {
    parse(
        "{\"type\":\"history\",\"messages\":[{\"seq\":1,\"text\":\"a\"},{\"seq\":2,\"text\":\"b\"}],"
            + "\"roomId\":\"org\",\"hasMore\":false,\"caughtUp\":true}");
    assertEquals(2, frame.messages.size());
    assertTrue(frame.caughtUp);
    parse(
        "{\"type\":\"presence\",\"roomId\":\"org\",\"users\":[{\"id\":\"u2\",\"name\":\"B\","
            + "\"status\":\"offline\"}],\"full\":false}");
    assertEquals(List.of(new ChatFrame.User("u2", "offline")), frame.users);
    parse(
        "{\"type\":\"ready\",\"userId\":\"u1\",\"rooms\":[{\"roomId\":\"org\",\"lastSeq\":9,"
            + "\"lastMessage\":{\"seq\":9,\"text\":\"x\"}}]}");
    assertEquals(List.of(new ChatFrame.Room("org", 9)), frame.rooms);
    parse(
        "{\"type\":\"error\",\"code\":\"RATE_LIMITED\",\"message\":\"slow down\","
            + "\"clientMsgId\":\"c9\",\"retryAfterMs\":250}");
    assertEquals("RATE_LIMITED", frame.code);
    assertEquals("slow down", frame.message);
    assertEquals(250, frame.retryAfterMs);
  }

  @Test
  void aMemberCountsMessagesAfterItsJoinOnceAndInOrderAndIgnoresTheHistoryBefore()
      throws Exception {
    ChatMember m = new ChatMember(0, "u0", 0, List.of("org"));
    List<Long> firsts = new ArrayList<>();
    ChatMember.Listener l =
        (member, msg, first, now) -> {
          if (first) {
            firsts.add(msg.seq());
          }
        };
    parse("{\"type\":\"ready\",\"rooms\":[{\"roomId\":\"org\",\"lastSeq\":10}]}");
    m.onFrame(frame, l, 0);
    parse("{\"type\":\"history\",\"roomId\":\"org\",\"messages\":[{\"seq\":9},{\"seq\":10}]}");
    m.onFrame(frame, l, 0);
    for (long seq : new long[] {11, 13, 12, 13}) {
      parse("{\"type\":\"chat\",\"roomId\":\"org\",\"seq\":" + seq + ",\"text\":\"m 1 1\"}");
      m.onFrame(frame, l, 0);
    }
    assertEquals(List.of(11L, 13L, 12L), firsts);
    assertEquals(2, m.older);
    ChatMember.Room room = m.room("org");
    assertEquals(1, room.tracker.duplicates());
    assertEquals(1, room.tracker.outOfOrder());
    assertEquals(1, m.lost("org", 14));
    assertTrue(m.complete("org", 13));
    assertEquals(13, m.lastSeq("org"));
  }
}
