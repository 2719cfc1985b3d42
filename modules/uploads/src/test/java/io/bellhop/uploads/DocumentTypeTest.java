package io.bellhop.uploads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DocumentTypeTest {

  @Test
  void theWireNamesAreTheSpecsEightTypes() {
    assertEquals(
        List.of(
            "passport",
            "visa",
            "aadhaar",
            "pan",
            "driving_licence",
            "voter_id",
            "photo",
            "statement"),
        Arrays.stream(DocumentType.values()).map(DocumentType::wireName).toList());
    assertEquals(
        Optional.of(DocumentType.DRIVING_LICENCE), DocumentType.fromWire("driving_licence"));
    assertEquals(Optional.empty(), DocumentType.fromWire("PASSPORT"));
    assertEquals(Optional.empty(), DocumentType.fromWire(null));
  }

  @Test
  void idDocumentsTakeImagesAndPdfPhotosOnlyImagesStatementsOnlySpreadsheets() {
    assertTrue(DocumentType.PASSPORT.accepts("application/pdf"));
    assertTrue(DocumentType.VOTER_ID.accepts("Image/WebP"));
    assertTrue(DocumentType.PHOTO.accepts("image/jpeg"));
    assertFalse(DocumentType.PHOTO.accepts("application/pdf"));
    assertTrue(DocumentType.STATEMENT.accepts("text/csv; charset=utf-8"));
    assertTrue(DocumentType.STATEMENT.accepts("application/vnd.ms-excel"));
    assertFalse(DocumentType.STATEMENT.accepts("image/png"));
    assertFalse(DocumentType.AADHAAR.accepts("image/svg+xml"));
    assertFalse(DocumentType.AADHAAR.accepts(null));
  }

  @Test
  void progressPercentRoundsDown() {
    assertEquals(33, new UploadProgress("up_x", 1, 3, UploadState.OPEN, null, null).percent());
    assertEquals(100, new UploadProgress("up_x", 3, 3, UploadState.COMPLETE, null, null).percent());
  }
}
