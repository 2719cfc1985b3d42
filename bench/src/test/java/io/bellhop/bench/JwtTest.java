package io.bellhop.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.SignedJWT;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The load generator's own HS256 encoder against the JOSE library the server verifies with
 * (micronaut-security-jwt's): a token it rejects would make every bench run fail with 4001.
 */
class JwtTest {
  private final Jwt jwt = new Jwt(Jwt.DEV_SECRET);

  @Test
  void clientAndPublisherTokensVerifyAndCarryTheClaimsTheServerRequires() throws Exception {
    SignedJWT client = SignedJWT.parse(jwt.client("bench-1", "org-1"));
    assertEquals(JWSAlgorithm.HS256, client.getHeader().getAlgorithm());
    assertTrue(client.verify(new MACVerifier(Jwt.DEV_SECRET)));
    var claims = client.getJWTClaimsSet();
    assertEquals("bench-1", claims.getSubject());
    assertEquals("org-1", claims.getStringClaim("orgId"));
    assertEquals(List.of("staff"), claims.getStringListClaim("roles"));
    assertTrue(claims.getIssueTime().toInstant().isBefore(claims.getExpirationTime().toInstant()));
    assertTrue(claims.getExpirationTime().toInstant().isAfter(Instant.now()));

    SignedJWT publisher = SignedJWT.parse(jwt.publisher());
    assertTrue(publisher.verify(new MACVerifier(Jwt.DEV_SECRET)));
    assertEquals(List.of("publisher"), publisher.getJWTClaimsSet().getStringListClaim("roles"));
  }

  @Test
  void hostileClaimsAreSignedExactlyAsGiven() throws Exception {
    SignedJWT hostile = SignedJWT.parse(jwt.mintClaims(Map.of("sub", "a", "orgId", "*")));
    assertTrue(hostile.verify(new MACVerifier(Jwt.DEV_SECRET)));
    assertEquals("*", hostile.getJWTClaimsSet().getStringClaim("orgId"));
    assertNull(hostile.getJWTClaimsSet().getExpirationTime(), "no exp was asked for");
  }
}
