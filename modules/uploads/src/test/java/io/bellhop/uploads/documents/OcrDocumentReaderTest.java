package io.bellhop.uploads.documents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellhop.uploads.DocumentType;
import io.bellhop.uploads.ocr.DocumentFields;
import io.bellhop.uploads.ocr.Field;
import io.bellhop.uploads.ocr.FieldName;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OcrDocumentReaderTest {
  @TempDir Path dir;

  @Test
  void aFieldIsValidOnlyWhenItsFormatHoldsAndNoCheckDigitFails() {
    DocumentFields parsed =
        new DocumentFields(
            DocumentType.PASSPORT,
            Map.of(
                FieldName.DOCUMENT_NUMBER,
                new Field("L898902C3", 0.91234, true, Field.Checksum.INVALID, true),
                FieldName.SURNAME,
                new Field("ERIKSSON", 0.9, true, Field.Checksum.NONE, false)),
            0.9,
            true,
            List.of("the document number's check digit does not match"));

    Reading reading = OcrDocumentReader.toReading(parsed, 1);

    ReadField number = reading.fields().get("documentNumber");
    assertFalse(number.valid());
    assertEquals("invalid", number.checksum());
    assertEquals(0.912, number.confidence());
    assertTrue(reading.fields().get("surname").valid());
    assertEquals(
        List.of("surname", "documentNumber"),
        List.copyOf(reading.fields().keySet()),
        "in the parsers' field order");
    assertTrue(reading.needsReview());
  }

  @Test
  void aPhotosTextIsCutToTheLimitAndTheCutIsFlaggedForReview() {
    String text = "x".repeat(OcrDocumentReader.MAX_TEXT_CHARS + 10);
    DocumentFields parsed =
        new DocumentFields(
            DocumentType.PHOTO,
            Map.of(FieldName.TEXT, new Field(text, 0.9, true, Field.Checksum.NONE, false)),
            0.9,
            false,
            List.of());

    Reading reading = OcrDocumentReader.toReading(parsed, 1);

    assertEquals(OcrDocumentReader.MAX_TEXT_CHARS, reading.fields().get("text").value().length());
    assertTrue(reading.fields().get("text").needsReview());
    assertTrue(reading.needsReview());
    assertEquals(List.of("the text was cut to 4000 characters"), reading.reviewReasons());
  }

  @Test
  void aPdfIsToldByItsBytesNotItsName() throws Exception {
    Path pdf =
        Files.write(dir.resolve("scan.jpg"), Specimens.pdf(Specimens.render(List.of("A"), 0)));
    Path png =
        Files.write(dir.resolve("scan.pdf"), Specimens.png(Specimens.render(List.of("A"), 0)));
    assertTrue(PdfPages.isPdf(pdf));
    assertFalse(PdfPages.isPdf(png));
    assertFalse(PdfPages.isPdf(Files.write(dir.resolve("empty"), new byte[0])));
  }
}
