package io.bellhop.events.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class ClientMessageTest {

  @Test
  void aRefreshIsReadWithItsToken() {
    ClientMessage m =
        ClientMessage.parse("{\"type\":\"refresh\",\"token\":\"t\",\"extra\":[1,{}]}");
    assertEquals("refresh", m.type());
    assertEquals("t", m.token());
  }

  @Test
  void fieldsOfTheWrongTypeTrailingContentAndRepeatsAreNotAMessage() {
    for (String frame :
        new String[] {
          "{\"type\":{\"type\":\"refresh\"},\"token\":\"t\"}",
          "{\"type\":\"refresh\",\"token\":{\"token\":\"t\"}}",
          "{\"type\":\"refresh\",\"token\":42}",
          "{\"type\":[\"refresh\"]}",
          "{\"type\":\"refresh\",\"token\":\"t\"} {}",
          "{\"type\":\"refresh\",\"token\":\"a\",\"token\":\"b\"}",
          "\"refresh\"",
          "{\"type\":\"refresh\""
        }) {
      assertNull(ClientMessage.parse(frame), frame);
    }
  }
}
