package io.bellhop.platform;

import java.util.List;

/**
 * Response headers a page of another (allowed) origin may read, beyond the CORS-safelisted ones. A
 * module contributes one bean naming the headers its endpoints answer with (the uploads module's
 * {@code Upload-Offset}, {@code Location}, ...); {@code Retry-After} and {@code WWW-Authenticate}
 * are always exposed.
 */
public record CorsExposedHeaders(List<String> names) {
  public CorsExposedHeaders {
    names = List.copyOf(names);
  }
}
