package io.bellhop.platform;

import io.micronaut.context.annotation.Value;
import io.micronaut.security.token.Claims;
import io.micronaut.security.token.jwt.validator.GenericJwtClaimsValidator;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;

/**
 * Bellhop's rules for every token, checked by micronaut-security-jwt right after the signature, so
 * a token that breaks them is refused exactly like a forged one — 401 on HTTP, 4001 on a socket,
 * the same on every endpoint and transport (both go through the same validators; see {@link
 * TokenVerifier}).
 *
 * <ul>
 *   <li>{@code exp} is required: a token without it would never expire on a live socket.
 *   <li>{@code exp}, {@code nbf} and {@code iat} are honoured with a small clock skew ({@code
 *       bellhop.auth.clock-skew}, default 60 s) between the issuer's clock and ours.
 *   <li>{@code sub}, {@code orgId} and every {@code propertyIds} entry follow the {@link Ids}
 *       grammar, because they reach NATS subjects, keys and log lines.
 * </ul>
 *
 * Replaces Micronaut's own expiration check (switched off in application.yml), which has no skew
 * and lets a token without {@code exp} through.
 */
@Singleton
public final class TokenClaimsValidator<T> implements GenericJwtClaimsValidator<T> {
  private final Duration skew;
  private final Clock clock;

  @Inject
  TokenClaimsValidator(@Value("${bellhop.auth.clock-skew:60s}") Duration skew) {
    this(skew, Clock.systemUTC());
  }

  TokenClaimsValidator(Duration skew, Clock clock) {
    this.skew = skew;
    this.clock = clock;
  }

  @Override
  public boolean validate(Claims claims, T request) {
    return refusal(claims) == null;
  }

  /** Why a token's claims are refused, or {@code null} when they are fine. */
  String refusal(Claims claims) {
    Instant now = clock.instant();
    Instant exp = instant(claims.get(Claims.EXPIRATION_TIME));
    if (exp == null) {
      return "token has no exp claim";
    }
    if (!now.isBefore(exp.plus(skew))) {
      return "token expired";
    }
    Instant nbf = instant(claims.get(Claims.NOT_BEFORE));
    if (claims.contains(Claims.NOT_BEFORE) && (nbf == null || now.isBefore(nbf.minus(skew)))) {
      return "token is not valid yet (nbf)";
    }
    Instant iat = instant(claims.get(Claims.ISSUED_AT));
    if (claims.contains(Claims.ISSUED_AT) && (iat == null || now.isBefore(iat.minus(skew)))) {
      return "token is issued in the future (iat)";
    }
    if (!Ids.isValid(text(claims.get(Claims.SUBJECT)))) {
      return "sub must match " + Ids.GRAMMAR;
    }
    Object org = claims.get("orgId");
    if (org != null && !Ids.isValid(text(org))) {
      return "orgId must match " + Ids.GRAMMAR;
    }
    Object properties = claims.get("propertyIds");
    try {
      if (properties instanceof Collection<?> items) {
        items.forEach(PropertyIds::normalize);
      } else if (properties != null) {
        PropertyIds.normalize(properties);
      }
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
    return null;
  }

  private static String text(Object value) {
    return value instanceof String s ? s : null;
  }

  /** JWT times are seconds since the epoch; Nimbus hands them over as {@link Date}s. */
  static Instant instant(Object value) {
    if (value instanceof Date date) {
      return date.toInstant();
    }
    if (value instanceof Instant instant) {
      return instant;
    }
    if (value instanceof Number seconds) {
      return Instant.ofEpochSecond(seconds.longValue());
    }
    return null;
  }
}
