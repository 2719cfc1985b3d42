package io.bellhop.platform;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.micronaut.serde.annotation.Serdeable;

/**
 * The JSON body of every HTTP error Bellhop returns, {@code {"code":"...","message":"..."}}, and of
 * every socket's error frame, {@code {"type":"error","code":"...","message":"..."}}. The code is
 * the shared {@link ErrorCode} or any module's {@link WireErrorCode}.
 */
@Serdeable
public record ErrorBody(String code, String message) {
  public static ErrorBody of(WireErrorCode code, String message) {
    return new ErrorBody(code.name(), message);
  }

  /** This error as a socket's text frame. */
  public String toFrame() {
    JsonStringEncoder json = JsonStringEncoder.getInstance();
    return "{\"type\":\"error\",\"code\":\""
        + new String(json.quoteAsString(code))
        + "\",\"message\":\""
        + new String(json.quoteAsString(message))
        + "\"}";
  }
}
