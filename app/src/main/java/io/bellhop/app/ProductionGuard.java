package io.bellhop.app;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;

/**
 * Refuses to start in the {@code prod} environment with the documented development JWT secret:
 * anyone could mint tokens for any org with it.
 */
@Context
@Requires(env = "prod")
final class ProductionGuard {
  static final String DEV_SECRET = "bellhop-dev-secret-change-me-0123456789abcdef";

  ProductionGuard(
      @Value("${micronaut.security.token.jwt.signatures.secret.generator.secret:}") String secret) {
    if (secret.isEmpty() || secret.equals(DEV_SECRET)) {
      throw new IllegalStateException(
          "BELLHOP_JWT_SECRET is unset or the development default; the prod environment refuses"
              + " to start with it. Set BELLHOP_JWT_SECRET to at least 32 random characters.");
    }
  }
}
