package io.bellhop.events;

import static io.bellhop.events.RawSocketClient.BINARY;
import static io.bellhop.events.RawSocketClient.CONTINUATION;
import static io.bellhop.events.RawSocketClient.PING;
import static io.bellhop.events.RawSocketClient.TEXT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellhop.testing.SocketClient;
import io.bellhop.testing.TestTokens;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One hostile client must not hurt anyone else: each attack on the stream socket is closed with its
 * documented code, at the point the rule is broken, and costs the server a bounded amount. Limits
 * are the defaults: 16 KiB per client message, 20 frames/s with a burst of 100.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HostileFramesIT extends StreamTestBase {
  static final Duration READ = Duration.ofSeconds(10);

  private RawSocketClient raw() throws Exception {
    return raw("");
  }

  private RawSocketClient raw(String extraHeaders) throws Exception {
    var c = new RawSocketClient(server.getPort(), extraHeaders);
    c.readTimeout(READ);
    return c;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String handshake(String org) {
    return "{\"token\":\"" + TestTokens.user(org) + "\",\"version\":1}";
  }

  @Test
  void
      aClientSendingFramesFasterThanItsRateIsClosedWith4430AndARetryHintWhileAnotherOrgKeepsReceiving()
          throws Exception {
    String victimOrg = newOrg();
    try (SocketClient victim = subscribe(victimOrg, "");
        RawSocketClient attacker = raw()) {
      attacker.sendText(handshake(newOrg()));
      assertEquals("ack", attacker.readMessage().get("type"));
      var flood = attacker.flood(RawSocketClient.frame(TEXT, true, false, utf8("{}")), 5_000);
      publish(List.of(event(victimOrg, "finance", 1)));
      assertEquals(1, n(victim.events(1, WAIT).get(0)));

      attacker.readUntilClose();
      assertEquals(4430, attacker.closeCode);
      assertTrue(attacker.closeReason.matches("\\{\"retryMs\":\\d+}"), attacker.closeReason);
      flood.get(30, TimeUnit.SECONDS);
      publish(List.of(event(victimOrg, "finance", 2)));
      assertEquals(2, n(victim.events(1, WAIT).get(0)));
    }
  }

  @Test
  void aPingFloodBeforeTheHandshakeIsClosedWith4430AfterAtMostABurstOfPongs() throws Exception {
    try (RawSocketClient attacker = raw()) {
      // 1,000 pings, never read while sending: Micronaut used to queue a pong for every one.
      attacker
          .flood(RawSocketClient.frame(PING, true, false, new byte[125]), 1_000)
          .get(30, TimeUnit.SECONDS);
      attacker.readUntilClose();
      assertEquals(4430, attacker.closeCode);
      assertTrue(attacker.pongs <= 100, "pongs: " + attacker.pongs);
    }
  }

  @Test
  void unknownMessagesOfAClientThatDoesNotReadAreAnsweredWithoutEchoingThem() throws Exception {
    String marker = "attacker-controlled-".repeat(400);
    try (RawSocketClient attacker = raw()) {
      attacker.sendText(handshake(newOrg()));
      assertEquals("ack", attacker.readMessage().get("type"));
      attacker
          .flood(
              RawSocketClient.frame(TEXT, true, false, utf8("{\"type\":\"" + marker + "\"}")), 150)
          .get(30, TimeUnit.SECONDS);
      List<Map<String, Object>> answers = attacker.readUntilClose();
      assertEquals(4430, attacker.closeCode);
      long errors = answers.stream().filter(m -> "error".equals(m.get("type"))).count();
      assertTrue(errors >= 50, "errors: " + errors);
      for (Map<String, Object> m : answers) {
        assertFalse(m.toString().contains("attacker-controlled"), m.toString());
        assertTrue(m.toString().length() < 300, m.toString());
      }
    }
  }

  @Test
  void aFragmentedMessageIsClosedWith1009AsSoonAsItPassesTheLimitNotAtItsEnd() throws Exception {
    try (RawSocketClient attacker = raw()) {
      attacker.sendFrame(TEXT, false, false, utf8("{\"pad\":\"" + "x".repeat(10_000)));
      attacker.sendFrame(CONTINUATION, false, false, utf8("x".repeat(10_000)));
      // No final fragment ever comes.
      attacker.readUntilClose();
      assertEquals(1009, attacker.closeCode);
    }
  }

  @Test
  void aCompressedMessageInflatingPastTheLimitIsClosedWith1009WhileNormalOnesAreRead()
      throws Exception {
    try (RawSocketClient attacker = raw("Sec-WebSocket-Extensions: permessage-deflate\r\n")) {
      assertTrue(
          attacker.responseHeaders.stream().anyMatch(h -> h.contains("permessage-deflate")),
          attacker.responseHeaders.toString());
      var client = new RawSocketClient.Compressor();
      attacker.sendFrame(TEXT, true, true, client.compress(utf8(handshake(newOrg()))));
      assertEquals("ack", attacker.readMessage().get("type"));
      // 15 MiB of zeros in one 15 KiB frame, and the message is not even finished.
      byte[] bomb = client.compress(new byte[15 * 1024 * 1024]);
      assertTrue(bomb.length < 16 * 1024);
      attacker.sendFrame(TEXT, false, true, bomb);
      attacker.readUntilClose();
      assertEquals(1009, attacker.closeCode);
    }
  }

  @Test
  void aBinaryFrameIsClosedWith1003EvenWhenItHoldsAValidHandshake() throws Exception {
    try (RawSocketClient attacker = raw()) {
      attacker.sendFrame(BINARY, true, false, utf8(handshake(newOrg())));
      List<Map<String, Object>> answers = attacker.readUntilClose();
      assertEquals(1003, attacker.closeCode);
      assertTrue(answers.isEmpty(), answers.toString());
    }
    try (RawSocketClient later = raw()) {
      later.sendText(handshake(newOrg()));
      later.sendFrame(BINARY, true, false, utf8("{\"type\":\"refresh\"}"));
      later.readUntilClose();
      assertEquals(1003, later.closeCode);
    }
  }

  @Test
  void invalidUtf8IsClosedWith1007() throws Exception {
    try (RawSocketClient attacker = raw()) {
      var frame = new ByteArrayOutputStream();
      frame.writeBytes(utf8("{\"token\":\"" + TestTokens.user(newOrg()) + "\",\"x\":\""));
      frame.write(0xff);
      frame.writeBytes(utf8("\"}"));
      attacker.sendFrame(TEXT, true, false, frame.toByteArray());
      List<Map<String, Object>> answers = attacker.readUntilClose();
      assertEquals(1007, attacker.closeCode);
      assertTrue(answers.isEmpty(), answers.toString());
    }
  }

  @Test
  void rsv1WithoutNegotiatedCompressionIsClosedWith1002() throws Exception {
    try (RawSocketClient attacker = raw()) {
      attacker.sendFrame(TEXT, true, true, utf8(handshake(newOrg())));
      List<Map<String, Object>> answers = attacker.readUntilClose();
      assertEquals(1002, attacker.closeCode);
      assertTrue(answers.isEmpty(), answers.toString());
    }
  }

  @Test
  void aTokenNestedInsideAnotherHandshakeFieldDoesNotAuthenticate() throws Exception {
    try (RawSocketClient attacker = raw()) {
      attacker.sendText("{\"epoch\":{\"token\":\"" + TestTokens.user(newOrg()) + "\"}}");
      List<Map<String, Object>> answers = attacker.readUntilClose();
      assertEquals(4400, attacker.closeCode);
      assertEquals("BAD_HANDSHAKE", answers.get(0).get("code"));
    }
  }
}
