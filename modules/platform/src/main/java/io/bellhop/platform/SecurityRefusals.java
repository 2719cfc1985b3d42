package io.bellhop.platform;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import io.micronaut.security.authentication.AuthorizationException;
import io.micronaut.security.authentication.DefaultAuthorizationExceptionHandler;
import jakarta.inject.Singleton;

/**
 * 401 and 403 from the security layer in the documented body, {@code {"code":..,"message":..}},
 * like every other error Bellhop returns (Micronaut's own handler answers with its own shape).
 * Bellhop has no login page, so nothing redirects.
 */
@Singleton
@Replaces(DefaultAuthorizationExceptionHandler.class)
final class SecurityRefusals
    implements ExceptionHandler<AuthorizationException, MutableHttpResponse<?>> {

  @Override
  public MutableHttpResponse<?> handle(HttpRequest request, AuthorizationException e) {
    if (e.isForbidden()) {
      return HttpResponse.status(io.micronaut.http.HttpStatus.FORBIDDEN)
          .contentType(MediaType.APPLICATION_JSON_TYPE)
          .body(ErrorBody.of(ErrorCode.FORBIDDEN, "the token does not allow this"));
    }
    return HttpResponse.status(io.micronaut.http.HttpStatus.UNAUTHORIZED)
        .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
        .contentType(MediaType.APPLICATION_JSON_TYPE)
        .body(
            ErrorBody.of(
                ErrorCode.UNAUTHORIZED,
                "a valid bearer token is required: missing, forged, expired, or a claim breaks"
                    + " the rules"));
  }
}
