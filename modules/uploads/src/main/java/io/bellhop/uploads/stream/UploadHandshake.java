package io.bellhop.uploads.stream;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.bellhop.platform.CloseCode;
import io.bellhop.platform.ErrorCode;
import io.bellhop.platform.PropertyIds;
import io.bellhop.realtime.Refusal;
import io.bellhop.uploads.DeclaredUpload;
import java.io.IOException;

/**
 * The client's first frame: a new upload ({@code filename, filesize, mimetype, documentType,
 * guestId, propertyId, sha256?}) or a resume ({@code uploadId}), with an optional {@code token}.
 *
 * <p>Parsed strictly, like the event stream's handshake, because it carries the credential: a known
 * field of the wrong JSON type, a duplicated field or anything after the object is refused (4400),
 * never coerced. {@code null} counts as absent; unknown fields are skipped.
 *
 * @param declared what a new upload declares; null for a resume
 * @param uploadId the upload to resume; null for a new one
 */
record UploadHandshake(String token, DeclaredUpload declared, String uploadId) {
  static final JsonFactory JSON = new JsonFactory();

  boolean resumes() {
    return uploadId != null;
  }

  static UploadHandshake parse(String text) {
    String token = null;
    String filename = null;
    long filesize = -1;
    String mimetype = null;
    String documentType = null;
    String guestId = null;
    String propertyId = null;
    String sha256 = null;
    String uploadId = null;
    try (JsonParser p = JSON.createParser(text)) {
      p.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw bad("handshake must be a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        boolean absent = p.nextToken() == JsonToken.VALUE_NULL;
        if (absent) {
          continue;
        }
        switch (field) {
          case "token" -> token = string(p, field);
          case "filename" -> filename = string(p, field);
          case "filesize" -> filesize = size(p);
          case "mimetype" -> mimetype = string(p, field);
          case "documentType" -> documentType = string(p, field);
          case "guestId" -> guestId = string(p, field);
          case "propertyId" -> propertyId = propertyId(p);
          case "sha256" -> sha256 = string(p, field);
          case "uploadId" -> uploadId = string(p, field);
          default -> p.skipChildren();
        }
      }
      if (p.nextToken() != null) {
        throw bad("nothing may follow the handshake object");
      }
    } catch (IOException e) {
      throw bad("handshake is not valid JSON");
    }
    if (uploadId != null) {
      return new UploadHandshake(token, null, uploadId);
    }
    require(filename, "filename");
    require(mimetype, "mimetype");
    require(documentType, "documentType");
    require(guestId, "guestId");
    require(propertyId, "propertyId");
    if (filesize < 0) {
      throw bad("a new upload needs \"filesize\" (or \"uploadId\" to resume one)");
    }
    return new UploadHandshake(
        token,
        new DeclaredUpload(filename, filesize, mimetype, documentType, guestId, propertyId, sha256),
        null);
  }

  private static void require(String value, String field) {
    if (value == null) {
      throw bad("a new upload needs \"" + field + "\" (or \"uploadId\" to resume one)");
    }
  }

  static String string(JsonParser p, String field) throws IOException {
    if (p.currentToken() != JsonToken.VALUE_STRING) {
      throw bad("\"" + field + "\" must be a string");
    }
    return p.getText();
  }

  private static long size(JsonParser p) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_NUMBER_INT
        && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER
        && p.getLongValue() >= 0) {
      return p.getLongValue();
    }
    throw bad("\"filesize\" must be an integer >= 0");
  }

  private static String propertyId(JsonParser p) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    if (p.currentToken() == JsonToken.VALUE_NUMBER_INT) {
      try {
        return PropertyIds.normalize(p.getNumberValue());
      } catch (IllegalArgumentException e) {
        throw bad("\"propertyId\": " + e.getMessage());
      }
    }
    throw bad("\"propertyId\" must be a string or an integer");
  }

  static Refusal bad(String message) {
    return new Refusal(CloseCode.BAD_HANDSHAKE, ErrorCode.BAD_HANDSHAKE, message);
  }
}
