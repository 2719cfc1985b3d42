package io.bellhop.platform;

import io.micronaut.http.HttpRequest;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.token.validator.TokenValidator;
import jakarta.inject.Singleton;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import reactor.core.publisher.Flux;

/**
 * Verifies a bearer token with the JWT validators micronaut-security-jwt configures (HS256 secret
 * in dev and test, JWKS in production) and turns its claims into a {@link Principal}.
 *
 * <p>Verification never blocks the calling thread; a JWKS fetch happens on the validator's own
 * schedule.
 */
@Singleton
public class TokenVerifier {
  private final List<TokenValidator<HttpRequest<?>>> validators;

  TokenVerifier(Collection<TokenValidator<HttpRequest<?>>> validators) {
    this.validators = List.copyOf(validators);
  }

  /**
   * Completes with the principal, or exceptionally with {@link AuthenticationFailed} when the token
   * is missing, not signed by a trusted key, expired, or has no {@code orgId} or {@code sub}.
   */
  public CompletableFuture<Principal> verify(String token, HttpRequest<?> request) {
    if (token == null || token.isBlank()) {
      return CompletableFuture.failedFuture(new AuthenticationFailed("no token presented"));
    }
    return Flux.fromIterable(validators)
        .concatMap(v -> v.validateToken(token, request))
        .next()
        .toFuture()
        .thenApply(
            authentication -> {
              if (authentication == null) {
                throw new AuthenticationFailed("token is invalid, forged or expired");
              }
              return toPrincipal(authentication);
            });
  }

  /** Maps verified claims to a principal; also used for tokens already checked by the filter. */
  public static Principal toPrincipal(Authentication authentication) {
    var claims = authentication.getAttributes();
    String orgId = stringClaim(claims.get("orgId"));
    String userId = authentication.getName();
    if (userId == null || userId.isBlank()) {
      throw new AuthenticationFailed("token has no sub claim");
    }
    boolean publisher = authentication.getRoles().contains(Roles.PUBLISHER);
    if (!publisher && (orgId == null || orgId.isBlank())) {
      throw new AuthenticationFailed("token has no orgId claim");
    }
    // Checked by TokenClaimsValidator already; repeated here because a principal's ids reach
    // subjects and log lines, whatever path the authentication took.
    if (!Ids.isValid(userId) || (orgId != null && !Ids.isValid(orgId))) {
      throw new AuthenticationFailed("sub and orgId must match " + Ids.GRAMMAR);
    }
    return new Principal(
        userId,
        orgId == null ? "" : orgId,
        stringClaim(claims.get("name")) == null ? "" : stringClaim(claims.get("name")),
        Set.copyOf(authentication.getRoles()),
        stringSet(claims.get("propertyIds")),
        TokenClaimsValidator.instant(claims.get("exp")));
  }

  private static String stringClaim(Object value) {
    return value == null ? null : value.toString();
  }

  private static Set<String> stringSet(Object value) {
    if (value == null) {
      return Set.of();
    }
    var out = new LinkedHashSet<String>();
    try {
      if (value instanceof Collection<?> items) {
        for (Object item : items) {
          out.add(PropertyIds.normalize(item));
        }
      } else {
        out.add(PropertyIds.normalize(value));
      }
    } catch (IllegalArgumentException e) {
      throw new AuthenticationFailed(e.getMessage());
    }
    return out;
  }
}
