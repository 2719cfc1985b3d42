package io.bellhop.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Admission limits and transport options, on a node configured with a tiny connection cap. */
class AdmissionIT extends StreamTestBase {

  @Override
  public Map<String, String> getProperties() {
    var props = new java.util.HashMap<>(super.getProperties());
    props.put("bellhop.stream.max-connections", "3");
    return props;
  }

  @Test
  void connectionsOverTheCapAreClosedWith4429AndARetryHint() {
    String org = newOrg();
    var open = new ArrayList<StreamClient>();
    try {
      for (int i = 0; i < 3; i++) {
        open.add(subscribe(org, ""));
      }
      StreamClient refused = StreamClient.connect(streamUri(""));
      assertEquals(4429, refused.awaitClose(WAIT));
      assertTrue(
          refused.closeReason.join().matches("\\{\"retryMs\":\\d+}"), refused.closeReason.join());
    } finally {
      open.forEach(StreamClient::close);
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
                  h -> h.toLowerCase().startsWith("sec-websocket-extensions: permessage-deflate")),
          String.valueOf(client.responseHeaders));
      client.sendText("{\"token\":\"" + Tokens.user(org) + "\"}");
      client.nextTextFrameCompressed(); // the ack
      publish(List.of(event(org, "finance", 1)));
      assertTrue(client.nextTextFrameCompressed(), "event frame must be compressed");
    }
    long compressed =
        ((Number)
                StreamClient.parse(get("/v2/realtime/metrics", Tokens.ops()).body())
                    .get("compressedMessages"))
            .longValue();
    assertTrue(compressed >= 1);
  }
}
