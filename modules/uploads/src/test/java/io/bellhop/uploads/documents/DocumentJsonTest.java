package io.bellhop.uploads.documents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DocumentJsonTest {
  private static final Instant AT = Instant.parse("2026-11-30T10:00:00Z");

  private static DocumentRow row(OcrStatus status, String result, String error) {
    return new DocumentRow(
        "up_abc",
        "org1",
        "u1",
        "g1",
        "p1",
        "pan",
        "pan \"card\".png",
        "image/png",
        10,
        "ff",
        status,
        1,
        null,
        null,
        result,
        error,
        1,
        AT,
        AT,
        status.finished() ? AT : null);
  }

  private static final Reading PAN =
      Reading.done(
          Map.of("documentNumber", new ReadField("ABCPE1234F", 0.91, true, "none", false)),
          0.91,
          false,
          List.of(),
          1);

  @Test
  void theEventCarriesTheDocumentsIdsStatusAndEachFieldWithItsChecks() {
    String payload = DocumentJson.completedEvent(row(OcrStatus.RUNNING, null, null), PAN);
    assertEquals(
        "{\"fileId\":\"up_abc\",\"uploadId\":\"up_abc\",\"guestId\":\"g1\",\"propertyId\":\"p1\","
            + "\"documentType\":\"pan\",\"status\":\"done\",\"fields\":{\"documentNumber\":"
            + "{\"value\":\"ABCPE1234F\",\"confidence\":0.91,\"valid\":true,\"checksum\":\"none\","
            + "\"needsReview\":false}},\"confidence\":0.91,\"needsReview\":false,"
            + "\"reviewReasons\":[],\"pages\":1,\"url\":\"/v2/documents/up_abc\"}",
        payload);
  }

  @Test
  void theDocumentBodySplicesTheStoredResultIntoOcrAndEscapesTheFilename() {
    String body = DocumentJson.document(row(OcrStatus.DONE, DocumentJson.result(PAN), null));
    assertTrue(body.contains("\"filename\":\"pan \\\"card\\\".png\""), body);
    assertTrue(
        body.contains(
            "\"ocr\":{\"status\":\"done\",\"fields\":{\"documentNumber\":{\"value\":\"ABCPE1234F\""),
        body);
  }

  @Test
  void aFailureHasNoStoredResultAndItsErrorIsShownOnlyOnceFinished() {
    assertNull(DocumentJson.result(Reading.failed("tesseract took longer than 5 ms", 0)));
    String pending = DocumentJson.document(row(OcrStatus.RUNNING, null, "storage failed"));
    assertTrue(pending.endsWith("\"ocr\":{\"status\":\"running\"}}"), pending);
    String failed = DocumentJson.document(row(OcrStatus.FAILED, null, "too slow"));
    assertTrue(failed.contains("\"error\":\"too slow\""), failed);
  }
}
