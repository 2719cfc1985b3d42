package io.bellhop.platform;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.annotation.Order;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.server.annotation.PreMatching;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The one place that decides what a browser page of another origin may do, from the {@link
 * OriginPolicy} (decision 69):
 *
 * <ul>
 *   <li>a request without {@code Origin} (curl, a backend, a load balancer) passes untouched;
 *   <li>an allowed origin gets CORS: a preflight is answered here (204, the requested method and
 *       headers, cached 10 min), and every response, errors and event streams included, carries
 *       {@code Access-Control-Allow-Origin} for it, so the page can read a refusal's status and
 *       body;
 *   <li>any other origin is refused before routing, authentication or work: 403 with the documented
 *       body, for a preflight, an upgrade or a plain request alike.
 * </ul>
 *
 * Bellhop authenticates with bearer tokens, never cookies, so it never allows credentials.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
@Order(BrowserOriginFilter.ORDER)
final class BrowserOriginFilter {
  /**
   * {@code ServerFilterPhase.FIRST}, long before the security filter: a preflight carries no token
   * and must still be answered.
   */
  static final int ORDER = -1000;

  static final String PREFLIGHT_MAX_AGE_SECONDS = "600";

  private static final byte[] FORBIDDEN_BODY =
      ("{\"code\":\""
              + ErrorCode.FORBIDDEN.name()
              + "\",\"message\":\"this page's origin is not allowed to call Bellhop;"
              + " an operator can add it to BELLHOP_ALLOWED_ORIGINS\"}")
          .getBytes(StandardCharsets.UTF_8);

  private static final Set<String> PREFLIGHT_METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE");

  /** A comma-separated list of header names (HTTP tokens), as a preflight asks for them. */
  private static final Pattern HEADER_NAMES =
      Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]+(\\s*,\\s*[A-Za-z0-9!#$%&'*+.^_`|~-]+)*");

  private final OriginPolicy policy;
  private final String exposedHeaders;

  BrowserOriginFilter(OriginPolicy policy, List<CorsExposedHeaders> contributed) {
    this.policy = policy;
    var names = new LinkedHashSet<>(List.of(HttpHeaders.RETRY_AFTER, HttpHeaders.WWW_AUTHENTICATE));
    contributed.forEach(c -> names.addAll(c.names()));
    this.exposedHeaders = String.join(", ", names);
  }

  @PreMatching
  @RequestFilter
  @Nullable
  HttpResponse<?> admit(HttpRequest<?> request) {
    String origin = request.getHeaders().get(HttpHeaders.ORIGIN);
    if (origin == null || isUpgrade(request)) {
      return null;
    }
    if (!allows(request, origin)) {
      return refusal();
    }
    String method = request.getHeaders().get(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD);
    if (request.getMethod() != HttpMethod.OPTIONS || method == null) {
      return null;
    }
    MutableHttpResponse<?> preflight = HttpResponse.noContent();
    allowOrigin(preflight, origin);
    if (PREFLIGHT_METHODS.contains(method)) {
      preflight.header(HttpHeaders.ACCESS_CONTROL_ALLOW_METHODS, method);
    }
    String headers = request.getHeaders().get(HttpHeaders.ACCESS_CONTROL_REQUEST_HEADERS);
    if (headers != null && HEADER_NAMES.matcher(headers.trim()).matches()) {
      preflight.header(HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS, headers);
    }
    return preflight.header(HttpHeaders.ACCESS_CONTROL_MAX_AGE, PREFLIGHT_MAX_AGE_SECONDS);
  }

  /** Micronaut hands WebSocket upgrades to the filters only after route matching. */
  @RequestFilter
  @Nullable
  HttpResponse<?> admitUpgrade(HttpRequest<?> request) {
    String origin = request.getHeaders().get(HttpHeaders.ORIGIN);
    return origin != null && isUpgrade(request) && !allows(request, origin) ? refusal() : null;
  }

  @ResponseFilter
  void exposeTo(HttpRequest<?> request, MutableHttpResponse<?> response) {
    String origin = request.getHeaders().get(HttpHeaders.ORIGIN);
    if (origin == null
        || response.getHeaders().contains(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN)
        || !allows(request, origin)) {
      return;
    }
    allowOrigin(response, origin);
    response.header(HttpHeaders.ACCESS_CONTROL_EXPOSE_HEADERS, exposedHeaders);
  }

  private boolean allows(HttpRequest<?> request, String origin) {
    return policy.allows(origin, request.getHeaders().get(HttpHeaders.HOST));
  }

  private static boolean isUpgrade(HttpRequest<?> request) {
    return "websocket".equalsIgnoreCase(request.getHeaders().get(HttpHeaders.UPGRADE));
  }

  /**
   * Encoded here: an upgrade's response is written as it is, without a body codec. The origin is
   * not echoed (it is attacker-chosen text).
   */
  private static HttpResponse<?> refusal() {
    return HttpResponse.status(HttpStatus.FORBIDDEN)
        .contentType(MediaType.APPLICATION_JSON_TYPE)
        .body(FORBIDDEN_BODY.clone());
  }

  private static void allowOrigin(MutableHttpResponse<?> response, String origin) {
    response.header(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    response.header(HttpHeaders.VARY, HttpHeaders.ORIGIN);
  }
}
