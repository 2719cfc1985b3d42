package io.bellhop.realtime;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.bellhop.platform.ErrorCode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The frames every Bellhop socket speaks, whatever its module: {@code error}, {@code refreshed}.
 */
final class ControlFrames {
  private static final JsonFactory JSON = new JsonFactory();

  private ControlFrames() {}

  /** The message is the server's, never the client's input echoed back. */
  static String error(ErrorCode code, String message) {
    var out = new ByteArrayOutputStream(96 + message.length());
    try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
      g.writeStartObject();
      g.writeStringField("type", "error");
      g.writeStringField("code", code.name());
      g.writeStringField("message", message);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  static String refreshed(Instant expiresAt) {
    return "{\"type\":\"refreshed\",\"expiresAt\":"
        + (expiresAt == null ? "null" : "\"" + expiresAt + "\"")
        + "}";
  }
}
