package io.bellhop.platform;

/**
 * A path on which GET requests may carry their token as {@code ?access_token=}: the path itself and
 * everything below it ({@code /v2/realtime} covers {@code /v2/realtime/sse}, not {@code
 * /v2/realtimes}). A module contributes one bean per path that browsers must reach without an
 * {@code Authorization} header (an {@code EventSource}, a WebSocket upgrade); no other path accepts
 * a query token. It lands in access logs: declare read-only endpoints only, and as few as possible.
 */
public record QueryTokenPath(String path) {
  public QueryTokenPath {
    if (path == null || path.endsWith("/") || !QueryTokenReader.hasPlainSegments(path)) {
      throw new IllegalArgumentException(
          "a query-token path is an absolute path like /v2/realtime, without a trailing slash,"
              + " wildcards, empty or dot segments: "
              + path);
    }
  }

  /** Whether {@code requestPath} is this path or lies below it. */
  boolean covers(String requestPath) {
    return requestPath.startsWith(path)
        && (requestPath.length() == path.length() || requestPath.charAt(path.length()) == '/');
  }
}
