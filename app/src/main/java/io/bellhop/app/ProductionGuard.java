package io.bellhop.app;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import java.nio.charset.StandardCharsets;

/**
 * Refuses to start in the {@code prod} environment with the documented development JWT secret
 * (anyone could mint tokens for any org with it) or with a secret shorter than HS256 needs: such a
 * node would start, then refuse every token without saying why. The refusal is one line on the
 * console ({@link StartupRefused}).
 */
@Context
@Requires(env = "prod")
final class ProductionGuard {
  static final String DEV_SECRET = "bellhop-dev-secret-change-me-0123456789abcdef";

  /** HS256 needs a key of at least 256 bits. */
  static final int MIN_SECRET_BYTES = 32;

  ProductionGuard(
      @Value("${micronaut.security.token.jwt.signatures.secret.generator.secret:}") String secret) {
    if (secret.isEmpty() || secret.equals(DEV_SECRET)) {
      throw new StartupRefused(
          "BELLHOP_JWT_SECRET is unset or the development default; the prod environment refuses"
              + " to start with it. Set BELLHOP_JWT_SECRET to at least 32 random characters.");
    }
    if (secret.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
      throw new StartupRefused(
          "BELLHOP_JWT_SECRET is shorter than "
              + MIN_SECRET_BYTES
              + " bytes; HS256 would refuse every token. Set it to at least 32 random"
              + " characters.");
    }
  }
}
