package io.bellhop.uploads.ocr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellhop.uploads.DocumentType;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PanParserTest {
  static DocumentFields read(String... lines) {
    return DocumentParser.parse(
        DocumentType.PAN,
        Arrays.stream(lines).map(OcrLine::certain).toList(),
        LocalDate.of(2026, 11, 30));
  }

  static String value(DocumentFields fields, FieldName name) {
    return fields.field(name).orElseThrow().value();
  }

  @Test
  void aPanCardYieldsItsNumberHolderTypeAndTheNameUnderItsLabel() {
    DocumentFields pan =
        read(
            "INCOME TAX DEPARTMENT  GOVT. OF INDIA",
            "Permanent Account Number Card",
            "ABCPE1234F",
            "Name / नाम",
            "RAHUL KUMAR",
            "Father's Name");

    assertEquals("ABCPE1234F", value(pan, FieldName.DOCUMENT_NUMBER));
    assertEquals("PERSON", value(pan, FieldName.HOLDER_TYPE));
    assertEquals("RAHUL KUMAR", value(pan, FieldName.NAME));
    assertFalse(pan.needsReview());
  }

  @Test
  void theFourthLetterNamesTheHolderType() {
    Map<Character, String> expected =
        Map.of(
            'P',
            "PERSON",
            'C',
            "COMPANY",
            'H',
            "HINDU_UNDIVIDED_FAMILY",
            'F',
            "FIRM",
            'A',
            "ASSOCIATION_OF_PERSONS",
            'T',
            "TRUST",
            'B',
            "BODY_OF_INDIVIDUALS",
            'L',
            "LOCAL_AUTHORITY",
            'J',
            "ARTIFICIAL_JURIDICAL_PERSON",
            'G',
            "GOVERNMENT");
    expected.forEach(
        (letter, type) ->
            assertEquals(type, value(read("AAA" + letter + "K1234Z"), FieldName.HOLDER_TYPE)));
    assertEquals(
        List.of("no PAN found"), read("AAAXK1234Z").reviewReasons(), "X is no holder type");
  }

  @Test
  void lookAlikesAreCorrectedByPositionAndSentToReviewForNothingConfirmsThem() {
    DocumentFields pan = read("ABCP5 I2S4F");

    Field number = pan.field(FieldName.DOCUMENT_NUMBER).orElseThrow();
    assertEquals("ABCPS1254F", number.value());
    assertEquals(Math.pow(0.85, 3), number.confidence(), 1e-9);
    assertTrue(number.needsReview());
  }

  @Test
  void anUncorrectedNumberWinsOverOneThatNeedsCorrections() {
    assertEquals("ABCPE1234F", value(read("ABCPE12B4F", "ABCPE1234F"), FieldName.DOCUMENT_NUMBER));
  }

  @Test
  void textWithoutAPanYieldsNothing() {
    DocumentFields pan = read("INCOME TAX DEPARTMENT", "DEPARTMENT", "Signature");

    assertTrue(pan.fields().isEmpty());
    assertTrue(pan.needsReview());
  }
}
