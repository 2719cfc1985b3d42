package io.bellhop.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.function.Consumer;

/**
 * The JWT minter of the Java tests: HS256 tokens signed with {@link #DEV_SECRET} (valid, expired,
 * forged, or with hostile claims), and RS256 tokens for a given key (JWKS tests). Every user token
 * has {@code sub}, {@code orgId}, {@code roles}, {@code propertyIds}, {@code iat} and {@code exp};
 * unless a method says otherwise it is valid for an hour.
 *
 * <p>The load generator in {@code bench/} keeps its own lean encoder and its own copy of the
 * secret, as the runtime default of a tool (see its {@code Jwt}), like the app's {@code
 * ProductionGuard}.
 */
public final class TestTokens {
  /**
   * The development secret: the app's fallback when {@code BELLHOP_JWT_SECRET} is unset (its
   * application.yml; refused in the prod environment), and the secret a module's test server is
   * given. The one copy for tests.
   */
  public static final String DEV_SECRET = "bellhop-dev-secret-change-me-0123456789abcdef";

  private static final String FOREIGN_SECRET = "another-secret-that-is-long-enough-0123456789";

  private TestTokens() {}

  /** A user {@code user-<org>} of {@code org} with {@code roles} ({@code staff} if none). */
  public static String user(String org, String... roles) {
    return sign(
        DEV_SECRET,
        "user-" + org,
        org,
        List.of(roles.length == 0 ? new String[] {"staff"} : roles),
        List.of(),
        inAnHour());
  }

  /** A staff user of {@code org} with its own {@code sub}, for per-user limits. */
  public static String userAs(String sub, String org) {
    return sign(DEV_SECRET, sub, org, List.of("staff"), List.of(), inAnHour());
  }

  /** A staff user of {@code org} who may see only the given properties. */
  public static String withProperties(String org, List<String> propertyIds) {
    return sign(DEV_SECRET, "user-" + org, org, List.of("staff"), propertyIds, inAnHour());
  }

  /** A service that may publish for any org (role {@code publisher}, no {@code orgId}). */
  public static String publisher() {
    return sign(DEV_SECRET, "svc-test", null, List.of("publisher"), List.of(), inAnHour());
  }

  /** An operator (role {@code ops}): metrics and Prometheus. */
  public static String ops() {
    return sign(DEV_SECRET, "ops-user", "ops", List.of("ops"), List.of(), inAnHour());
  }

  /** A staff user of {@code org} whose token expires at {@code exp} (past or future). */
  public static String expiring(String org, Instant exp) {
    return sign(DEV_SECRET, "user-" + org, org, List.of("staff"), List.of(), exp);
  }

  /** An {@code org_admin} of {@code org}, signed with a secret the server does not know. */
  public static String forged(String org) {
    return sign(FOREIGN_SECRET, "user-" + org, org, List.of("org_admin"), List.of(), inAnHour());
  }

  /**
   * A correctly signed token built from a user token of {@code org} with {@code edit} applied: for
   * claims that are well signed but break the rules (a wildcard org, no exp, nbf in the future).
   */
  public static String custom(String org, Consumer<JWTClaimsSet.Builder> edit) {
    var claims =
        new JWTClaimsSet.Builder()
            .subject("user-" + org)
            .claim("orgId", org)
            .claim("roles", List.of("staff"))
            .issueTime(Date.from(Instant.now()))
            .expirationTime(Date.from(inAnHour()));
    edit.accept(claims);
    return serialize(JWSAlgorithm.HS256, null, claims.build(), macSigner(DEV_SECRET));
  }

  /**
   * A staff user {@code jwks-user} of {@code org}, RS256-signed with {@code key} and naming its key
   * id, valid for ten minutes: what an identity provider publishing a JWKS issues.
   */
  public static String rs256(RSAKey key, String org) {
    var claims =
        new JWTClaimsSet.Builder()
            .subject("jwks-user")
            .claim("orgId", org)
            .claim("roles", List.of("staff"))
            .expirationTime(Date.from(Instant.now().plusSeconds(600)))
            .build();
    try {
      return serialize(JWSAlgorithm.RS256, key.getKeyID(), claims, new RSASSASigner(key));
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String sign(
      String secret,
      String sub,
      String org,
      List<String> roles,
      List<String> propertyIds,
      Instant exp) {
    var claims =
        new JWTClaimsSet.Builder()
            .subject(sub)
            .claim("name", sub)
            .claim("roles", roles)
            .claim("propertyIds", propertyIds)
            .issueTime(Date.from(Instant.now()))
            .expirationTime(Date.from(exp));
    if (org != null) {
      claims.claim("orgId", org);
    }
    return serialize(JWSAlgorithm.HS256, null, claims.build(), macSigner(secret));
  }

  private static String serialize(
      JWSAlgorithm algorithm, String keyId, JWTClaimsSet claims, JWSSigner signer) {
    var jwt = new SignedJWT(new JWSHeader.Builder(algorithm).keyID(keyId).build(), claims);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    return jwt.serialize();
  }

  private static JWSSigner macSigner(String secret) {
    try {
      return new MACSigner(secret);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Instant inAnHour() {
    return Instant.now().plusSeconds(3600);
  }
}
