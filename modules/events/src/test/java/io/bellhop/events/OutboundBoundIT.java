package io.bellhop.events;

import static io.bellhop.events.RawSocketClient.TEXT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellhop.testing.SocketClient;
import io.bellhop.testing.TestTokens;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every byte the server queues for a socket counts against {@code max-queued-bytes}, not only event
 * frames. The frame rate limit is lifted here so that the queue bound is what cuts.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OutboundBoundIT extends StreamTestBase {

  @Override
  public Map<String, String> getProperties() {
    var props = new java.util.HashMap<>(super.getProperties());
    props.put("bellhop.stream.client-frames-per-second", "1000000");
    props.put("bellhop.stream.client-frame-burst", "1000000");
    props.put("bellhop.stream.max-queued-bytes", "65536");
    return props;
  }

  @Test
  void aClientThatMakesTheServerAnswerButNeverReadsIsCutWith4509WhileAnotherOrgKeepsReceiving()
      throws Exception {
    String victimOrg = newOrg();
    try (SocketClient victim = subscribe(victimOrg, "");
        var attacker = new RawSocketClient(server.getPort())) {
      attacker.readTimeout(Duration.ofSeconds(20));
      attacker.sendText("{\"token\":\"" + TestTokens.user(newOrg()) + "\"}");
      assertEquals("ack", attacker.readMessage().get("type"));
      // Each 8-byte frame gets a ~70-byte error answer: ~7 MB queued for a client that reads
      // nothing, far past 64 KiB plus what the kernel's socket buffers hold.
      byte[] unknown =
          RawSocketClient.frame(TEXT, true, false, "{}".getBytes(StandardCharsets.UTF_8));
      var flood = attacker.flood(unknown, 100_000);
      publish(List.of(event(victimOrg, "finance", 1)));
      assertEquals(1, n(victim.events(1, WAIT).get(0)));
      flood.get(30, TimeUnit.SECONDS);

      attacker.readUntilClose();
      assertEquals(4509, attacker.closeCode);
      assertTrue(attacker.closeReason.contains("retryMs"), attacker.closeReason);
      publish(List.of(event(victimOrg, "finance", 2)));
      assertEquals(2, n(victim.events(1, WAIT).get(0)));
    }
  }
}
