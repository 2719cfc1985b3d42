package io.bellhop.app;

import io.bellhop.platform.ErrorBody;
import io.bellhop.platform.ErrorCode;
import io.bellhop.platform.Ids;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.security.token.generator.TokenGenerator;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;

/**
 * {@code GET /dev/token}: mints a signed token for trying Bellhop out. Never exists in the {@code
 * prod} environment, and can be switched off with {@code bellhop.dev-tokens=false}.
 */
@Controller("/dev")
@Requires(notEnv = "prod")
@Requires(property = "bellhop.dev-tokens", notEquals = "false")
@Secured(SecurityRule.IS_ANONYMOUS)
final class DevTokenController {
  private static final long MAX_TTL_SECONDS = 7 * 24 * 3600;

  private final TokenGenerator generator;

  DevTokenController(TokenGenerator generator) {
    this.generator = generator;
  }

  /**
   * @param roles comma-separated, e.g. {@code staff}, {@code org_admin}, {@code publisher,ops}
   * @param propertyIds comma-separated property ids the user may see
   * @param ttl lifetime in seconds
   */
  @Get("/token")
  HttpResponse<?> token(
      @QueryValue(defaultValue = "dev-user") String sub,
      @QueryValue(defaultValue = "org-1") String orgId,
      @Nullable @QueryValue String name,
      @QueryValue(defaultValue = "staff") String roles,
      @Nullable @QueryValue String propertyIds,
      @QueryValue(defaultValue = "3600") long ttl) {
    List<String> properties = propertyIds == null ? List.of() : split(propertyIds);
    if (!Ids.isValid(sub) || !Ids.isValid(orgId) || !properties.stream().allMatch(Ids::isValid)) {
      return badRequest("sub, orgId and every property id must match " + Ids.GRAMMAR);
    }
    if (ttl < 1 || ttl > MAX_TTL_SECONDS) {
      return badRequest("ttl must be between 1 and " + MAX_TTL_SECONDS + " seconds");
    }
    var claims = new HashMap<String, Object>();
    long now = Instant.now().getEpochSecond();
    claims.put("sub", sub);
    claims.put("orgId", orgId);
    claims.put("name", name == null ? sub : name);
    claims.put("roles", split(roles));
    claims.put("propertyIds", properties);
    claims.put("iat", now);
    claims.put("exp", now + ttl);
    return generator
        .generateToken(claims)
        .<HttpResponse<?>>map(t -> HttpResponse.ok(new DevToken(t, now + ttl)))
        .orElseGet(HttpResponse::serverError);
  }

  private static HttpResponse<ErrorBody> badRequest(String message) {
    return HttpResponse.<ErrorBody>badRequest().body(ErrorBody.of(ErrorCode.BAD_REQUEST, message));
  }

  private static List<String> split(String csv) {
    return Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  /** {@code {"token":"..","expiresAt":<epoch seconds>}}. */
  @Serdeable
  record DevToken(String token, long expiresAt) {}
}
