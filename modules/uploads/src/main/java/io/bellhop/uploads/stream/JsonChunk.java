package io.bellhop.uploads.stream;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.bellhop.platform.CloseCode;
import io.bellhop.platform.ErrorCode;
import io.bellhop.realtime.Refusal;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Base64;

/**
 * An old client's chunk, {@code {"type":"chunk","seq":n,"data":"<base64>","final":bool}}, sent
 * instead of a binary frame ({@code type} may be missing). {@code final} is accepted and not
 * needed: the upload completes when the declared size is stored.
 *
 * @param seq the chunk's number, from 0 at the offset {@code ready} announced
 */
record JsonChunk(long seq, ByteBuffer data) {

  static JsonChunk parse(String text) {
    long seq = -1;
    ByteBuffer data = null;
    try (JsonParser p = UploadHandshake.JSON.createParser(text)) {
      p.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw bad("a chunk must be a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        switch (field) {
          case "type" -> {
            if (value != JsonToken.VALUE_STRING || !p.getText().equals("chunk")) {
              throw new Refusal(
                  CloseCode.BAD_HANDSHAKE,
                  ErrorCode.UNKNOWN_MESSAGE,
                  "after \"ready\" the client sends bytes: binary frames or {\"type\":\"chunk\"}");
            }
          }
          case "seq" -> {
            if (value != JsonToken.VALUE_NUMBER_INT
                || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                || p.getLongValue() < 0) {
              throw bad("\"seq\" must be an integer >= 0");
            }
            seq = p.getLongValue();
          }
          case "data" -> {
            if (value != JsonToken.VALUE_STRING) {
              throw bad("\"data\" must be a base64 string");
            }
            try {
              data = ByteBuffer.wrap(Base64.getDecoder().decode(p.getText()));
            } catch (IllegalArgumentException e) {
              throw bad("\"data\" is not valid base64");
            }
          }
          default -> p.skipChildren();
        }
      }
    } catch (IOException e) {
      throw bad("a chunk must be valid JSON");
    }
    if (seq < 0 || data == null) {
      throw bad("a chunk needs \"seq\" and \"data\"");
    }
    return new JsonChunk(seq, data);
  }

  private static Refusal bad(String message) {
    return new Refusal(CloseCode.BAD_HANDSHAKE, ErrorCode.BAD_REQUEST, message);
  }
}
