package io.bellhop.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.micronaut.security.token.Claims;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TokenClaimsValidatorTest {
  private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");
  private final TokenClaimsValidator<Object> validator =
      new TokenClaimsValidator<>(Duration.ofSeconds(60), Clock.fixed(NOW, ZoneOffset.UTC));

  private static Map<String, Object> valid() {
    var claims = new HashMap<String, Object>();
    claims.put("sub", "alice");
    claims.put("orgId", "org-1");
    claims.put("exp", Date.from(NOW.plusSeconds(600)));
    claims.put("iat", Date.from(NOW));
    claims.put("propertyIds", List.of("12", 13L));
    return claims;
  }

  private String refusal(Map<String, Object> claims) {
    return validator.refusal(new MapClaims(claims));
  }

  private String refusalWith(String claim, Object value) {
    var claims = valid();
    if (value == null) {
      claims.remove(claim);
    } else {
      claims.put(claim, value);
    }
    return refusal(claims);
  }

  @Test
  void aWellFormedTokenPasses() {
    assertNull(refusal(valid()));
  }

  @Test
  void everyOrgIdThatCouldWidenASubjectOrBreakALogLineIsRefused() {
    for (String org : List.of("*", ">", "org.1", "org 1", "", "a\nb", "x".repeat(65), "ü")) {
      assertEquals("orgId must match " + Ids.GRAMMAR, refusalWith("orgId", org), org);
    }
    assertEquals("orgId must match " + Ids.GRAMMAR, refusalWith("orgId", 42));
  }

  @Test
  void aSubWithALineBreakOrAWildcardIsRefused() {
    for (String sub : List.of("alice\nstream.open org=other", "*", "a.b", "")) {
      assertEquals("sub must match " + Ids.GRAMMAR, refusalWith("sub", sub), sub);
    }
    assertEquals("sub must match " + Ids.GRAMMAR, refusalWith("sub", null));
  }

  @Test
  void propertyIdsOutOfRangeOrOutsideTheGrammarAreRefused() {
    assertEquals(
        "propertyId is out of the 64-bit integer range",
        refusalWith("propertyIds", List.of(new BigInteger("18446744073709551617"))));
    assertEquals(
        "propertyId is out of the 64-bit integer range", refusalWith("propertyIds", List.of(1e30)));
    assertEquals(
        "propertyId must be an integer or a string", refusalWith("propertyIds", List.of(1.5)));
    assertEquals(
        "propertyId must match " + Ids.GRAMMAR, refusalWith("propertyIds", List.of("p 1")));
    assertNull(refusalWith("propertyIds", List.of(Long.MAX_VALUE, "p-1")));
  }

  @Test
  void expIsRequiredAndHonouredWithTheClockSkew() {
    assertEquals("token has no exp claim", refusalWith("exp", null));
    assertEquals("token expired", refusalWith("exp", Date.from(NOW.minusSeconds(61))));
    assertNull(refusalWith("exp", Date.from(NOW.minusSeconds(59))));
  }

  @Test
  void nbfAndIatInTheFutureAreRefusedBeyondTheClockSkew() {
    assertEquals(
        "token is not valid yet (nbf)", refusalWith("nbf", Date.from(NOW.plusSeconds(61))));
    assertNull(refusalWith("nbf", Date.from(NOW.plusSeconds(59))));
    assertEquals(
        "token is issued in the future (iat)", refusalWith("iat", Date.from(NOW.plusSeconds(61))));
    assertNull(refusalWith("iat", Date.from(NOW.plusSeconds(59))));
  }

  @Test
  void propertyIdsNormalizeToOneCanonicalForm() {
    assertEquals("123", PropertyIds.normalize(123));
    assertEquals("123", PropertyIds.normalize(123.0));
    assertEquals("123", PropertyIds.normalize("123"));
    assertThrows(
        IllegalArgumentException.class,
        () -> PropertyIds.normalize(new BigInteger("18446744073709551617")));
  }

  private record MapClaims(Map<String, Object> map) implements Claims {
    @Override
    public Object get(String name) {
      return map.get(name);
    }

    @Override
    public Set<String> names() {
      return map.keySet();
    }

    @Override
    public boolean contains(String name) {
      return map.containsKey(name);
    }
  }
}
