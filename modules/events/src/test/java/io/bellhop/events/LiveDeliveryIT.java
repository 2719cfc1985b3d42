package io.bellhop.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellhop.testing.SocketClient;
import io.bellhop.testing.TestTokens;
import io.nats.client.Connection;
import io.nats.client.impl.Headers;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LiveDeliveryIT extends StreamTestBase {
  @Inject EventPublisher inProcess;
  @Inject Connection nats;

  @Test
  void publishedEventArrivesLiveWithEnvelopeAndSeq() {
    String org = newOrg();
    try (SocketClient c = subscribe(org, ",\"services\":[\"finance\"]")) {
      long seq = publish(List.of(event(org, "finance", 1))).get(0);
      Map<String, Object> frame = c.next("event", WAIT);
      assertEquals("finance", frame.get("service"));
      assertEquals(seq, ((Number) frame.get("seq")).longValue());
      @SuppressWarnings("unchecked")
      Map<String, Object> e = ((List<Map<String, Object>>) frame.get("events")).get(0);
      assertEquals(org, e.get("orgId"));
      assertEquals("test.tick", e.get("type"));
      assertEquals(seq, ((Number) e.get("seq")).longValue());
      assertTrue(e.get("eventId") instanceof String);
      assertTrue(e.get("occurredAt") instanceof String);
      assertEquals(1, n(e));
    }
  }

  @Test
  void anOrgNeverSeesAnotherOrgsEvents() {
    String a = newOrg();
    String b = newOrg();
    try (SocketClient ca = subscribe(a, "");
        SocketClient cb = subscribe(b, "")) {
      publish(List.of(event(a, "guest", 1), event(a, "finance", 2)));
      publish(List.of(event(b, "guest", 3)));
      var gotB = cb.events(1, WAIT);
      assertEquals(List.of(3), gotB.stream().map(StreamTestBase::n).toList());
      var gotA = ca.events(2, WAIT);
      assertEquals(List.of(1, 2), gotA.stream().map(StreamTestBase::n).toList());
      gotA.forEach(e -> assertEquals(a, e.get("orgId")));
      cb.assertNoEvents(java.time.Duration.ofMillis(500));
    }
  }

  @Test
  void serviceFilterDeliversOnlyChosenServices() {
    String org = newOrg();
    try (SocketClient c = subscribe(org, ",\"services\":[\"staff\",\"tasks\"]")) {
      publish(
          List.of(
              event(org, "finance", 1),
              event(org, "staff", 2),
              event(org, "guest", 3),
              event(org, "tasks", 4)));
      var got = c.events(2, WAIT);
      assertEquals(List.of(2, 4), got.stream().map(StreamTestBase::n).toList());
      c.assertNoEvents(java.time.Duration.ofMillis(500));
    }
  }

  @Test
  void propertyFilterAndTokenPropertiesNarrowDelivery() {
    String org = newOrg();
    String p7 =
        "{\"service\":\"guest\",\"type\":\"checkin\",\"orgId\":\""
            + org
            + "\",\"propertyId\":7,\"payload\":{\"n\":7}}";
    String p8 =
        "{\"service\":\"guest\",\"type\":\"checkin\",\"orgId\":\""
            + org
            + "\",\"propertyId\":\"8\",\"payload\":{\"n\":8}}";
    String orgWide = event(org, "guest", 0);
    try (SocketClient only7 =
            subscribeWith(
                TestTokens.withProperties(org, List.of("7", "8")),
                ",\"filters\":{\"propertyId\":7}");
        SocketClient tokenScoped = subscribeWith(TestTokens.withProperties(org, List.of("8")), "");
        SocketClient admin = subscribeWith(TestTokens.user(org, "org_admin"), "")) {
      publish(List.of(p7, p8, orgWide));
      assertEquals(List.of(7, 0), only7.events(2, WAIT).stream().map(StreamTestBase::n).toList());
      assertEquals(
          List.of(8, 0), tokenScoped.events(2, WAIT).stream().map(StreamTestBase::n).toList());
      assertEquals(
          List.of(7, 8, 0), admin.events(3, WAIT).stream().map(StreamTestBase::n).toList());
    }
  }

  @Test
  void propertyOutsideTheTokenIsRefusedWith4003() {
    String org = newOrg();
    SocketClient c = SocketClient.connect(streamUri(""));
    c.send(
        "{\"token\":\""
            + TestTokens.withProperties(org, List.of("1"))
            + "\",\"filters\":{\"propertyId\":2}}");
    assertEquals("FORBIDDEN", c.next("error", WAIT).get("code"));
    assertEquals(4003, c.awaitClose(WAIT));
  }

  @Test
  void duplicateEventIdIsDeliveredOnce() {
    String org = newOrg();
    String e =
        "{\"eventId\":\"dup-"
            + org
            + "\",\"service\":\"tasks\",\"type\":\"t\",\"orgId\":\""
            + org
            + "\",\"payload\":{\"n\":1}}";
    try (SocketClient c = subscribe(org, "")) {
      List<Long> first = publish(List.of(e));
      List<Long> second = publish(List.of(e, event(org, "tasks", 2)));
      assertEquals(first.get(0), second.get(0));
      assertEquals(List.of(1, 2), c.events(2, WAIT).stream().map(StreamTestBase::n).toList());
      c.assertNoEvents(java.time.Duration.ofMillis(500));
    }
  }

  @Test
  void httpNatsAndInProcessPublishersReachClientsAlike() throws Exception {
    String org = newOrg();
    try (SocketClient c = subscribe(org, "")) {
      publish(List.of(event(org, "finance", 1)));
      Headers headers = new Headers().put("Nats-Msg-Id", "nats-" + org);
      nats.jetStream()
          .publish(
              "bellhop.events." + org + ".finance",
              headers,
              event(org, "finance", 2).getBytes(StandardCharsets.UTF_8));
      inProcess
          .publish(List.of(EventEnvelope.of(Service.FINANCE, "test.tick", org, null, "{\"n\":3}")))
          .get(10, TimeUnit.SECONDS);
      var got = c.events(3, WAIT);
      assertEquals(List.of(1, 2, 3), got.stream().map(StreamTestBase::n).toList());
      assertEquals("nats-" + org, got.get(1).get("eventId"));
      got.forEach(e -> assertEquals("finance", e.get("service")));
    }
  }

  @Test
  void tokenMayComeInSubprotocolHeaderOrQuery() {
    String org = newOrg();
    String token = TestTokens.user(org);
    try (SocketClient viaProtocol = SocketClient.connect(streamUri(""), Map.of(), "bearer", token);
        SocketClient viaHeader =
            SocketClient.connect(streamUri(""), Map.of("Authorization", "Bearer " + token));
        SocketClient viaQuery = SocketClient.connect(streamUri("?access_token=" + token))) {
      for (SocketClient c : List.of(viaProtocol, viaHeader, viaQuery)) {
        c.send("{\"services\":[\"branding\"]}");
        assertEquals(false, c.next("ack", WAIT).get("recovered"));
      }
      publish(List.of(event(org, "branding", 5)));
      for (SocketClient c : List.of(viaProtocol, viaHeader, viaQuery)) {
        assertEquals(5, n(c.events(1, WAIT).get(0)));
      }
    }
  }

  @Test
  void foreignBrowserOriginIsRefusedAndOwnOriginAllowed() {
    try {
      SocketClient.connect(streamUri(""), Map.of("Origin", "https://evil.example"));
      throw new AssertionError("upgrade from a foreign origin must fail");
    } catch (java.util.concurrent.CompletionException expected) {
      assertTrue(
          String.valueOf(expected.getCause()).contains("403") || expected.getCause() != null);
    }
    try (SocketClient ok =
        SocketClient.connect(streamUri(""), Map.of("Origin", "http://localhost:3000"))) {
      ok.send("{\"token\":\"" + TestTokens.user(newOrg()) + "\"}");
      ok.next("ack", WAIT);
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void metricsNeedOpsAndReportEveryDocumentedField() {
    String org = newOrg();
    try (SocketClient c = subscribe(org, ",\"services\":[\"analytics\"]")) {
      publish(List.of(event(org, "analytics", 1)));
      c.events(1, WAIT);
    }
    assertEquals(403, get("/v2/realtime/metrics", TestTokens.user(org, "org_admin")).statusCode());
    var r = get("/v2/realtime/metrics", TestTokens.ops());
    assertEquals(200, r.statusCode());
    Map<String, Object> m = SocketClient.parse(r.body());
    for (String field :
        List.of(
            "activeConnections",
            "activeByTransport",
            "totalConnections",
            "eventsDelivered",
            "eventsByService",
            "errorCount",
            "avgLatencyMs",
            "p50LatencyMs",
            "p95LatencyMs",
            "p99LatencyMs",
            "totalSubscriptions",
            "compressedMessages",
            "missedEventsReplayed",
            "slowConsumerDisconnects")) {
      assertTrue(m.containsKey(field), "metrics lack " + field);
    }
    assertTrue(((Number) m.get("eventsDelivered")).longValue() >= 1);
    assertTrue(
        ((Number) ((Map<String, Object>) m.get("eventsByService")).get("analytics")).longValue()
            >= 1);
    assertTrue(((Number) m.get("p99LatencyMs")).doubleValue() > 0);
  }
}
