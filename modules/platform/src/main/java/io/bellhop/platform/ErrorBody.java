package io.bellhop.platform;

import io.micronaut.serde.annotation.Serdeable;

/** The JSON body of every HTTP error Bellhop returns: {@code {"code":"...","message":"..."}}. */
@Serdeable
public record ErrorBody(String code, String message) {
  public static ErrorBody of(ErrorCode code, String message) {
    return new ErrorBody(code.name(), message);
  }
}
