package io.bellhop.app;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.function.Consumer;

/** Mints HS256 tokens for tests, including forged and expired ones. */
final class Tokens {
  static final String SECRET = "bellhop-dev-secret-change-me-0123456789abcdef";

  private Tokens() {}

  static String user(String org, String... roles) {
    return sign(
        SECRET,
        "user-" + org,
        org,
        List.of(roles.length == 0 ? new String[] {"staff"} : roles),
        List.of(),
        Instant.now().plusSeconds(3600));
  }

  static String withProperties(String org, List<String> propertyIds) {
    return sign(
        SECRET, "user-" + org, org, List.of("staff"), propertyIds, Instant.now().plusSeconds(3600));
  }

  static String publisher() {
    return sign(
        SECRET, "svc-test", null, List.of("publisher"), List.of(), Instant.now().plusSeconds(3600));
  }

  static String ops() {
    return sign(
        SECRET, "ops-user", "ops", List.of("ops"), List.of(), Instant.now().plusSeconds(3600));
  }

  static String expiring(String org, Instant exp) {
    return sign(SECRET, "user-" + org, org, List.of("staff"), List.of(), exp);
  }

  static String forged(String org) {
    return sign(
        "another-secret-that-is-long-enough-0123456789",
        "user-" + org,
        org,
        List.of("org_admin"),
        List.of(),
        Instant.now().plusSeconds(3600));
  }

  /**
   * A correctly signed token built from a user token of {@code org} with {@code edit} applied: for
   * claims that are well signed but break the rules (a wildcard org, no exp, nbf in the future).
   */
  static String custom(String org, Consumer<JWTClaimsSet.Builder> edit) {
    try {
      var claims =
          new JWTClaimsSet.Builder()
              .subject("user-" + org)
              .claim("orgId", org)
              .claim("roles", List.of("staff"))
              .issueTime(new Date())
              .expirationTime(Date.from(Instant.now().plusSeconds(3600)));
      edit.accept(claims);
      var jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
      jwt.sign(new MACSigner(SECRET));
      return jwt.serialize();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static String sign(
      String secret,
      String sub,
      String org,
      List<String> roles,
      List<String> propertyIds,
      Instant exp) {
    try {
      var claims =
          new JWTClaimsSet.Builder()
              .subject(sub)
              .claim("name", sub)
              .claim("roles", roles)
              .claim("propertyIds", propertyIds)
              .issueTime(new Date())
              .expirationTime(Date.from(exp));
      if (org != null) {
        claims.claim("orgId", org);
      }
      var jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
      jwt.sign(new MACSigner(secret));
      return jwt.serialize();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
