package io.bellhop.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Mints HS256 JWTs locally (javax.crypto HMAC + base64url), the way Bellhop's dev/test mode
 * verifies them, so the harness needs no identity provider.
 *
 * <p>Not the tests' {@code io.bellhop.testing.TestTokens}: this is main code of a shaded runnable
 * jar, which must not carry test-support (JUnit, Micronaut Test) or a JOSE library; it signs
 * whatever claims the attack suite asks for byte for byte (a JOSE builder would normalise them);
 * and it signs with the secret of the node under test ({@code BELLHOP_JWT_SECRET}), not only the
 * dev one. {@code JwtTest} checks its tokens with the JOSE library the server verifies with.
 */
final class Jwt {
  /** Bellhop's documented development default, used when BELLHOP_JWT_SECRET is unset. */
  static final String DEV_SECRET = "bellhop-dev-secret-change-me-0123456789abcdef";

  private static final JsonFactory JSON = new JsonFactory();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final String HEADER =
      B64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));

  private final SecretKeySpec key;

  Jwt(String secret) {
    this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
  }

  static Jwt fromEnv() {
    String s = System.getenv("BELLHOP_JWT_SECRET");
    return new Jwt(s == null || s.isBlank() ? DEV_SECRET : s);
  }

  /** A token valid for 24 hours with claims sub, orgId, name, roles, iat, exp. */
  String mint(String sub, String orgId, String name, List<String> roles) {
    long now = System.currentTimeMillis() / 1000;
    ByteArrayOutputStream out = new ByteArrayOutputStream(160);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("sub", sub);
      g.writeStringField("orgId", orgId);
      g.writeStringField("name", name);
      g.writeArrayFieldStart("roles");
      for (String r : roles) {
        g.writeString(r);
      }
      g.writeEndArray();
      g.writeNumberField("iat", now);
      g.writeNumberField("exp", now + 24 * 3600);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return sign(out.toByteArray());
  }

  /**
   * A token with exactly these claims, whatever they are (the attack suite's hostile tokens: a
   * wildcard orgId, no exp, nbf in the future…). Values: strings, numbers, lists, maps.
   */
  String mintClaims(java.util.Map<String, Object> claims) {
    return sign(Json.toString(claims).getBytes(StandardCharsets.UTF_8));
  }

  private String sign(byte[] claimsJson) {
    String signingInput = HEADER + "." + B64.encodeToString(claimsJson);
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      byte[] sig = mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + B64.encodeToString(sig);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A subscriber token for one org (role {@code staff}). */
  String client(String sub, String orgId) {
    return mint(sub, orgId, "Bench " + sub, List.of("staff"));
  }

  /** A service token that may publish for any org (role {@code publisher}). */
  String publisher() {
    return mint("bench-publisher", "bench", "Bench publisher", List.of("publisher"));
  }
}
