package io.bellhop.platform;

import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Decides which browser origins may open a WebSocket. Configured by {@code BELLHOP_ALLOWED_ORIGINS}
 * (comma-separated; {@code *} as a wildcard, e.g. {@code https://*.example.com}); by default the
 * server's own origin and {@code http://localhost:*}. Requests without an {@code Origin} header
 * come from non-browser clients and are allowed.
 */
@Singleton
public class OriginPolicy {
  private final List<Pattern> allowed;

  OriginPolicy(
      @Value("${bellhop.allowed-origins:`http://localhost:*,http://127.0.0.1:*`}")
          List<String> origins) {
    this.allowed =
        origins.stream()
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .map(OriginPolicy::glob)
            .toList();
  }

  /**
   * Whether a request from {@code origin} may proceed.
   *
   * @param origin the request's {@code Origin} header, {@code null} when absent
   * @param host the request's {@code Host} header, used to allow the server's own origin
   */
  public boolean allows(String origin, String host) {
    if (origin == null) {
      return true;
    }
    if (host != null && (origin.equals("http://" + host) || origin.equals("https://" + host))) {
      return true;
    }
    for (Pattern p : allowed) {
      if (p.matcher(origin).matches()) {
        return true;
      }
    }
    return false;
  }

  private static Pattern glob(String pattern) {
    var regex = new StringBuilder();
    for (String part : pattern.split("\\*", -1)) {
      if (regex.length() > 0) {
        regex.append("[^/]*");
      }
      regex.append(Pattern.quote(part));
    }
    return Pattern.compile(regex.toString());
  }
}
