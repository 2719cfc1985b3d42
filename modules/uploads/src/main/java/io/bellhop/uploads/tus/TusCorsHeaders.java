package io.bellhop.uploads.tus;

import io.bellhop.platform.CorsExposedHeaders;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

/** The tus response headers a page of another allowed origin must be able to read. */
@Factory
final class TusCorsHeaders {
  @Singleton
  CorsExposedHeaders tusExposedHeaders() {
    return new CorsExposedHeaders(TusHeaders.EXPOSED);
  }
}
