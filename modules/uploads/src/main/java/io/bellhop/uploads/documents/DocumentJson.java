package io.bellhop.uploads.documents;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The JSON of documents: the stored OCR result, the {@code document.ocr.completed} payload and the
 * {@code GET /v2/documents/{fileId}} body. One writer for the three, so a field looks the same in
 * the database, on the event stream and over HTTP.
 */
final class DocumentJson {
  private static final JsonFactory JSON = new JsonFactory();

  private DocumentJson() {}

  /** {@code {"fields":{…},"confidence":…,"needsReview":…,"reviewReasons":[…]}}, or null. */
  static String result(Reading reading) {
    if (reading.status() != OcrStatus.DONE) {
      return null;
    }
    return write(
        g -> {
          g.writeStartObject();
          writeResult(g, reading);
          g.writeEndObject();
        });
  }

  /** The payload of {@code guest}/{@code document.ocr.completed}. */
  static String completedEvent(DocumentRow doc, Reading reading) {
    return write(
        g -> {
          g.writeStartObject();
          g.writeStringField("fileId", doc.fileId());
          g.writeStringField("uploadId", doc.fileId());
          g.writeStringField("guestId", doc.guestId());
          g.writeStringField("propertyId", doc.propertyId());
          g.writeStringField("documentType", doc.documentType());
          g.writeStringField("status", reading.status().wireName());
          writeResult(g, reading);
          if (reading.error() != null) {
            g.writeStringField("error", reading.error());
          }
          g.writeNumberField("pages", reading.pages());
          g.writeStringField("url", DocumentsController.url(doc.fileId()));
          g.writeEndObject();
        });
  }

  /** The body of {@code GET /v2/documents/{fileId}}: metadata, then {@code ocr}. */
  static String document(DocumentRow doc) {
    return write(
        g -> {
          g.writeStartObject();
          g.writeStringField("fileId", doc.fileId());
          g.writeStringField("guestId", doc.guestId());
          g.writeStringField("propertyId", doc.propertyId());
          g.writeStringField("documentType", doc.documentType());
          g.writeStringField("filename", doc.filename());
          g.writeStringField("mimetype", doc.mimetype());
          g.writeNumberField("size", doc.size());
          g.writeStringField("sha256", doc.sha256());
          g.writeStringField("uploadedBy", doc.userId());
          g.writeStringField("createdAt", doc.createdAt().toString());
          g.writeObjectFieldStart("ocr");
          g.writeStringField("status", doc.ocrStatus().wireName());
          if (doc.ocrResult() != null) {
            copyMembers(doc.ocrResult(), g);
          }
          if (doc.ocrError() != null && doc.ocrStatus().finished()) {
            g.writeStringField("error", doc.ocrError());
          }
          if (doc.pages() != null && doc.ocrStatus().finished()) {
            g.writeNumberField("pages", doc.pages());
          }
          if (doc.ocrFinishedAt() != null) {
            g.writeStringField("finishedAt", doc.ocrFinishedAt().toString());
          }
          g.writeEndObject();
          g.writeEndObject();
        });
  }

  private static void writeResult(JsonGenerator g, Reading reading) throws IOException {
    g.writeObjectFieldStart("fields");
    for (Map.Entry<String, ReadField> e : reading.fields().entrySet()) {
      ReadField f = e.getValue();
      g.writeObjectFieldStart(e.getKey());
      g.writeStringField("value", f.value());
      g.writeNumberField("confidence", f.confidence());
      g.writeBooleanField("valid", f.valid());
      g.writeStringField("checksum", f.checksum());
      g.writeBooleanField("needsReview", f.needsReview());
      g.writeEndObject();
    }
    g.writeEndObject();
    g.writeNumberField("confidence", reading.confidence());
    g.writeBooleanField("needsReview", reading.needsReview());
    g.writeArrayFieldStart("reviewReasons");
    for (String reason : reading.reviewReasons()) {
      g.writeString(reason);
    }
    g.writeEndArray();
  }

  /** Writes the members of the stored result object (written by {@link #result}) into {@code g}. */
  private static void copyMembers(String object, JsonGenerator g) throws IOException {
    try (JsonParser p = JSON.createParser(object)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("a stored OCR result is not a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        g.writeFieldName(p.currentName());
        p.nextToken();
        g.copyCurrentStructure(p);
      }
    }
  }

  private interface Body {
    void write(JsonGenerator g) throws IOException;
  }

  private static String write(Body body) {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      body.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException("a StringWriter does not fail", e);
    }
    return out.toString();
  }
}
