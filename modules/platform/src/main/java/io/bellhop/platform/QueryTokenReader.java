package io.bellhop.platform;

import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.security.token.reader.TokenReader;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Optional;

/**
 * Accepts {@code ?access_token=} on GETs of the paths modules declare ({@link QueryTokenPath}),
 * because a browser's {@code EventSource} and {@code WebSocket} cannot send an {@code
 * Authorization} header. The least safe way to pass a token (it lands in access logs): GET only, so
 * it never publishes, and the lowest precedence, so a header token wins.
 */
@Singleton
public final class QueryTokenReader implements TokenReader<HttpRequest<?>> {
  static final String PARAMETER = "access_token";

  private final List<QueryTokenPath> paths;

  public QueryTokenReader(List<QueryTokenPath> paths) {
    this.paths = List.copyOf(paths);
  }

  @Override
  public Optional<String> findToken(HttpRequest<?> request) {
    if (request.getMethod() != HttpMethod.GET) {
      return Optional.empty();
    }
    String path = request.getPath();
    for (QueryTokenPath declared : paths) {
      // "/v2/realtime/../uploads" must not pass as a realtime path, whatever routing makes of it.
      if (declared.covers(path) && hasPlainSegments(path)) {
        return Optional.ofNullable(request.getParameters().get(PARAMETER));
      }
    }
    return Optional.empty();
  }

  @Override
  public int getOrder() {
    return LOWEST_PRECEDENCE;
  }

  /**
   * An absolute path whose segments are all plain: none empty ({@code //}), {@code .} or {@code
   * ..}, and no {@code %}, {@code ;}, {@code \} or {@code *} anywhere. A trailing slash is allowed.
   */
  static boolean hasPlainSegments(String path) {
    if (!path.startsWith("/") || path.length() < 2) {
      return false;
    }
    for (int i = 0; i < path.length(); i++) {
      if ("%;\\*".indexOf(path.charAt(i)) >= 0) {
        return false;
      }
    }
    String inner = path.endsWith("/") ? path.substring(1, path.length() - 1) : path.substring(1);
    for (String segment : inner.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        return false;
      }
    }
    return true;
  }
}
