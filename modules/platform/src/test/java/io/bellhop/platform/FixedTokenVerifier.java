package io.bellhop.platform;

import io.micronaut.http.HttpRequest;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.token.validator.TokenValidator;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Mono;

/**
 * Test and benchmark fixture: a real {@link TokenVerifier} (its constructor is package-private)
 * over a validator that knows a fixed set of tokens, so sockets can be opened through the real
 * handshake without a JWT key.
 */
public final class FixedTokenVerifier {
  private FixedTokenVerifier() {}

  /** A verifier accepting exactly the given tokens, each as the given authentication. */
  public static TokenVerifier of(Map<String, Authentication> tokens) {
    TokenValidator<HttpRequest<?>> validator =
        (token, request) -> {
          Authentication a = tokens.get(token);
          return a == null ? Mono.empty() : Mono.just(a);
        };
    return new TokenVerifier(List.of(validator));
  }
}
