package io.bellhop.collaboration.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.bellhop.collaboration.ChatError;
import io.bellhop.platform.ErrorCode;
import io.bellhop.realtime.Refusal;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClientFrameTest {
  @Test
  void aHandshakeJoinsItsRoomsWithTheirCursors() {
    ChatHandshake h =
        ChatHandshake.parse(
            "{\"token\":\"t\",\"roomId\":\"org\",\"rooms\":[{\"roomId\":\"property-p_1\",\"after\":7}]}",
            50);
    assertEquals("t", h.token());
    Map<String, Long> rooms = new LinkedHashMap<>();
    rooms.put("org", null);
    rooms.put("property-p_1", 7L);
    assertEquals(rooms, h.rooms());
  }

  @Test
  void aHandshakeOfTheWrongShapeIsRefusedNeverCoerced() {
    for (String bad :
        new String[] {
          "[]",
          "{\"token\":1}",
          "{\"token\":\"a\",\"token\":\"b\"}",
          "{\"roomId\":\"org\"} {}",
          "{\"rooms\":{}}",
          "{\"rooms\":[{\"after\":1}]}",
          "{\"roomId\":\"org\",\"after\":-1}",
          "{\"roomId\":\"org\",\"after\":\"7\"}",
          "not json"
        }) {
      Refusal r = assertThrows(Refusal.class, () -> ChatHandshake.parse(bad, 50), bad);
      assertEquals(ErrorCode.BAD_HANDSHAKE, r.error(), bad);
    }
  }

  @Test
  void aHandshakeAskingForMoreRoomsThanASocketMayHoldIsRefused() {
    assertThrows(
        Refusal.class,
        () -> ChatHandshake.parse("{\"rooms\":[{\"roomId\":\"a\"},{\"roomId\":\"b\"}]}", 1));
  }

  @Test
  void framesAreReadStrictly() {
    ClientFrame f = ClientFrame.parse("{\"type\":\"chat\",\"roomId\":\"org\",\"text\":null}");
    assertEquals("chat", f.type());
    assertNull(f.string("text"));
    assertThrows(ChatException.class, () -> ClientFrame.parse("{\"roomId\":\"org\"}"));
    assertThrows(ChatException.class, () -> ClientFrame.parse("{\"type\":\"chat\",\"roomId\":5}"));
    ClientFrame wrong = ClientFrame.parse("{\"type\":\"read\",\"seq\":1.5,\"messageId\":\"a b\"}");
    assertThrows(ChatException.class, () -> wrong.count("seq"));
    assertThrows(ChatException.class, () -> wrong.id("messageId"));
  }

  @Test
  void textIsOneTo4000CharactersCountedAsCodePointsWithoutControlCharacters() {
    assertEquals("a\nb\tc", ClientFrame.text("a\nb\tc", 4000, "org"));
    String emoji = "😀".repeat(4000);
    assertEquals(emoji, ClientFrame.text(emoji, 4000, "org"));
    ChatException tooLong =
        assertThrows(ChatException.class, () -> ClientFrame.text("x".repeat(4001), 4000, "org"));
    assertEquals(ChatError.MESSAGE_TOO_LONG, tooLong.code());
    assertEquals(
        ErrorCode.BAD_REQUEST,
        assertThrows(ChatException.class, () -> ClientFrame.text("a\u0000b", 4000, "org")).code());
  }
}
