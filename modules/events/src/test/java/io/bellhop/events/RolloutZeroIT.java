package io.bellhop.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellhop.testing.SocketClient;
import io.bellhop.testing.TestTokens;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** REALTIME_ROLLOUT_PERCENT=0 keeps every org off the stream. */
class RolloutZeroIT extends StreamTestBase {

  @Override
  public Map<String, String> getProperties() {
    var props = new java.util.HashMap<>(super.getProperties());
    props.put("realtime.rollout.percent", "0");
    return props;
  }

  @Test
  @SuppressWarnings("unchecked")
  void zeroPercentRolloutSendsEveryOrgToLegacy() {
    for (String org : List.of("org-a", "org-b", "org-c", newOrg())) {
      Map<String, Object> c =
          SocketClient.parse(get("/v2/realtime/config", TestTokens.user(org)).body());
      assertEquals(false, c.get("streaming"));
      assertEquals("none", c.get("transport"));
      assertEquals(10, ((List<String>) c.get("legacyServices")).size());
      assertTrue(((List<String>) c.get("transports")).isEmpty());
    }
  }
}
