package io.bellhop.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellhop.testing.SocketClient;
import io.bellhop.testing.TestTokens;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Admission limits, heartbeats and transport options, on a node with a tiny connection cap and a
 * one-second heartbeat.
 */
class AdmissionIT extends StreamTestBase {

  @Override
  public Map<String, String> getProperties() {
    var props = new java.util.HashMap<>(super.getProperties());
    props.put("bellhop.realtime.max-connections", "3");
    props.put("bellhop.stream.heartbeat", "1s");
    return props;
  }

  @Test
  void connectionsOverTheCapAreClosedWith4429AndARetryHint() {
    String org = newOrg();
    var open = new ArrayList<SocketClient>();
    try {
      for (int i = 0; i < 3; i++) {
        open.add(subscribe(org, ""));
      }
      SocketClient refused = SocketClient.connect(streamUri(""));
      assertEquals(4429, refused.awaitClose(WAIT));
      assertTrue(
          refused.closeReason.join().matches("\\{\"retryMs\":\\d+}"), refused.closeReason.join());
    } finally {
      open.forEach(SocketClient::close);
    }
  }

  @Test
  void pingsCarryTheCursorPastEventsTheFilterHides() {
    String org = newOrg();
    try (SocketClient guestOnly = subscribe(org, ",\"services\":[\"guest\"]")) {
      long hidden = publish(List.of(event(org, "finance", 1), event(org, "staff", 2))).get(1);
      long deadline = System.nanoTime() + WAIT.toNanos();
      long seq = 0;
      while (seq < hidden) {
        assertTrue(System.nanoTime() < deadline, "pings never carried the cursor to " + hidden);
        seq = ((Number) guestOnly.next("ping", WAIT).get("seq")).longValue();
      }
      guestOnly.assertNoEvents(java.time.Duration.ofMillis(200));
    }
  }

  @Test
  void permessageDeflateIsNegotiatedWhenOfferedAndFramesAreCompressed() throws Exception {
    String org = newOrg();
    try (var client =
        new RawSocketClient(server.getPort(), "Sec-WebSocket-Extensions: permessage-deflate\r\n")) {
      assertTrue(
          client.responseHeaders.stream()
              .anyMatch(
                  h ->
                      h.toLowerCase(java.util.Locale.ROOT)
                          .startsWith("sec-websocket-extensions: permessage-deflate")),
          String.valueOf(client.responseHeaders));
      client.sendText("{\"token\":\"" + TestTokens.user(org) + "\"}");
      client.nextTextFrameCompressed(); // the ack
      publish(List.of(event(org, "finance", 1)));
      assertTrue(client.nextTextFrameCompressed(), "event frame must be compressed");
    }
    long compressed =
        ((Number)
                SocketClient.parse(get("/v2/realtime/metrics", TestTokens.ops()).body())
                    .get("compressedMessages"))
            .longValue();
    assertTrue(compressed >= 1);
  }
}
