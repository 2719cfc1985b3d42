package io.bellhop.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.sun.net.httpserver.HttpServer;
import io.bellhop.events.StreamTestBase;
import io.bellhop.testing.SocketClient;
import io.bellhop.testing.TestTokens;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Production-style tokens: RS256 verified against a JWKS served over HTTP (BELLHOP_JWKS_URL). */
class JwksIT extends StreamTestBase {
  private static final RSAKey KEY = generate();
  private static final HttpServer JWKS = serve(new JWKSet(KEY.toPublicJWK()).toString());

  @Override
  public Map<String, String> getProperties() {
    var props = new java.util.HashMap<>(super.getProperties());
    props.putAll(
        (Map)
            Application.environmentProperties(
                Map.of(
                    "BELLHOP_JWKS_URL",
                    "http://127.0.0.1:" + JWKS.getAddress().getPort() + "/jwks.json")));
    return props;
  }

  @AfterAll
  void stopJwks() {
    JWKS.stop(0);
  }

  @Test
  void rs256TokenFromTheJwksOpensTheStreamAndAForeignKeyDoesNot() throws Exception {
    String org = newOrg();
    try (SocketClient c = subscribeWith(TestTokens.rs256(KEY, org), "")) {
      publish(List.of(event(org, "properties", 4)));
      assertEquals(4, n(c.events(1, WAIT).get(0)));
    }
    SocketClient foreign = SocketClient.connect(streamUri(""));
    foreign.send("{\"token\":\"" + TestTokens.rs256(generate(), org) + "\"}");
    assertEquals(4001, foreign.awaitClose(WAIT));
  }

  private static RSAKey generate() {
    try {
      return new RSAKeyGenerator(2048).keyID("k-" + System.nanoTime()).generate();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static HttpServer serve(String body) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext(
          "/jwks.json",
          exchange -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
          });
      server.start();
      return server;
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
