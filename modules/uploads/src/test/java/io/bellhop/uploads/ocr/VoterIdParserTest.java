package io.bellhop.uploads.ocr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellhop.uploads.DocumentType;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class VoterIdParserTest {
  static DocumentFields read(String... lines) {
    return DocumentParser.parse(
        DocumentType.VOTER_ID,
        Arrays.stream(lines).map(OcrLine::certain).toList(),
        LocalDate.of(2026, 11, 30));
  }

  @Test
  void anEpicNumberIsThreeLettersAndSevenDigits() {
    DocumentFields epic = read("ELECTION COMMISSION OF INDIA", "IDENTITY CARD", "ABC1234567");

    Field number = epic.field(FieldName.DOCUMENT_NUMBER).orElseThrow();
    assertEquals("ABC1234567", number.value());
    assertTrue(number.formatValid());
    assertFalse(epic.needsReview());
  }

  @Test
  void lookAlikesAreCorrectedByPositionAndSentToReview() {
    Field number = read("A8C I234S67").field(FieldName.DOCUMENT_NUMBER).orElseThrow();

    assertEquals("ABC1234567", number.value());
    assertTrue(number.needsReview());
  }

  @Test
  void twoDifferentNumbersAreFlagged() {
    DocumentFields epic = read("ABC1234567", "XYZ7654321");

    assertEquals(
        List.of("more than one voter-ID-like number on the document"), epic.reviewReasons());
  }

  @Test
  void aNumberOfTheWrongShapeIsNotFound() {
    assertTrue(read("AB1X345678", "ABCD123456", "ABC123456").fields().isEmpty());
  }
}
