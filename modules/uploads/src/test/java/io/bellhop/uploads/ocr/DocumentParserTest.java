package io.bellhop.uploads.ocr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellhop.uploads.DocumentType;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DocumentParserTest {
  static final LocalDate TODAY = LocalDate.of(2026, 11, 30);

  @Test
  void garbageNeverThrowsAndYieldsNothingForReviewForEveryIdDocument() {
    Random random = new Random(12);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<<<<<  -/.«abc\t";
    List<List<OcrLine>> inputs = new ArrayList<>();
    inputs.add(List.of());
    inputs.add(null);
    inputs.add(List.of(OcrLine.certain(""), OcrLine.certain("   ")));
    inputs.add(List.of(OcrLine.certain("<".repeat(44)), OcrLine.certain("<".repeat(44))));
    inputs.add(List.of(OcrLine.certain("P<".repeat(5000))));
    for (int n = 0; n < 300; n++) {
      List<OcrLine> lines = new ArrayList<>();
      for (int l = 0; l < 1 + random.nextInt(4); l++) {
        StringBuilder text = new StringBuilder();
        int length = random.nextBoolean() ? 28 + random.nextInt(20) : random.nextInt(60);
        for (int i = 0; i < length; i++) {
          text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        lines.add(new OcrLine(text.toString(), random.nextDouble()));
      }
      inputs.add(lines);
    }
    for (DocumentType type : DocumentType.values()) {
      for (List<OcrLine> lines : inputs) {
        DocumentFields fields = DocumentParser.parse(type, lines, TODAY);
        assertEquals(type, fields.type());
        assertFalse(
            fields.reviewReasons().contains("the text could not be read"), type + " " + lines);
        if (fields.fields().isEmpty()) {
          assertTrue(fields.needsReview());
          assertEquals(0, fields.confidence());
        }
      }
    }
  }

  @Test
  void emptyInputGivesAReasonPerDocumentType() {
    assertEquals(
        List.of("no machine-readable zone found"),
        DocumentParser.parse(DocumentType.PASSPORT, List.of(), TODAY).reviewReasons());
    assertEquals(
        List.of("no text found"),
        DocumentParser.parse(DocumentType.PHOTO, List.of(), TODAY).reviewReasons());
  }

  @Test
  void otherImagesGiveTheirTextWithNormalisedWhitespaceAndTheMeanConfidence() {
    DocumentFields photo =
        DocumentParser.parse(
            DocumentType.PHOTO,
            List.of(
                new OcrLine("  Hotel   Bellhop \t Lobby ", 0.9),
                new OcrLine("   ", 0.1),
                new OcrLine("Room 12", 0.7)),
            TODAY);

    Field text = photo.field(FieldName.TEXT).orElseThrow();
    assertEquals("Hotel Bellhop Lobby\nRoom 12", text.value());
    assertEquals(0.8, text.confidence(), 1e-9);
    assertFalse(photo.needsReview());
  }

  @Test
  void anAadhaarCardPhotographedAsAPhotoKeepsOnlyTheLastFourDigitsOfAnyTwelveDigitNumber() {
    DocumentFields photo =
        DocumentParser.parse(
            DocumentType.PHOTO,
            List.of(
                new OcrLine("Aadhaar 2345 6789 0123", 0.9),
                new OcrLine("misread 234567890124 and 2345-6789-0125", 0.8),
                new OcrLine("phone 98765 43210, room 1234", 0.8)),
            TODAY);

    assertEquals(
        """
        Aadhaar XXXX XXXX 0123
        misread XXXX XXXX 0124 and XXXX XXXX 0125
        phone 98765 43210, room 1234""",
        photo.field(FieldName.TEXT).orElseThrow().value());
    assertEquals("Date, XXXX XXXX 9012", DocumentParser.maskAadhaarNumbers("Date, 1234 5678 9012"));
  }

  @Test
  void documentTypesHaveTheHandshakesWireNames() {
    assertEquals("driving_licence", DocumentType.DRIVING_LICENCE.wireName());
    assertEquals(Optional.of(DocumentType.VOTER_ID), DocumentType.fromWire("voter_id"));
    assertEquals(Optional.empty(), DocumentType.fromWire("Passport"));
  }

  @Test
  void theSummaryTakesTheWeakestFieldsConfidence() {
    DocumentFields passport =
        DocumentParser.parse(
            DocumentType.PASSPORT,
            List.of(new OcrLine(MrzReaderTest.TD3_1, 0.95), new OcrLine(MrzReaderTest.TD3_2, 0.8)),
            TODAY);

    assertEquals(0.8, passport.confidence(), 1e-9);
    assertFalse(passport.needsReview());
  }
}
