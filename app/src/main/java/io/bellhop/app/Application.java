package io.bellhop.app;

import io.micronaut.runtime.Micronaut;
import java.util.HashMap;
import java.util.Map;

/**
 * Starts Bellhop: the only composition root. Backends are picked by configuration (see
 * application.yml); this class only maps the few environment variables whose presence changes
 * which beans exist.
 */
public final class Application {
  private Application() {}

  public static void main(String[] args) {
    Micronaut.build(args).properties(environmentProperties(System.getenv())).start();
  }

  /** {@code BELLHOP_JWKS_URL} switches on verification of RS256/ES256 tokens against a JWKS. */
  static Map<String, Object> environmentProperties(Map<String, String> env) {
    var props = new HashMap<String, Object>();
    String jwks = env.get("BELLHOP_JWKS_URL");
    if (jwks != null && !jwks.isBlank()) {
      props.put("micronaut.security.token.jwt.signatures.jwks.bellhop.url", jwks);
    }
    return props;
  }
}
