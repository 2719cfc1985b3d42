package io.bellhop.uploads.ocr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellhop.uploads.DocumentType;
import io.bellhop.uploads.ocr.Field.Checksum;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class AadhaarParserTest {
  // Verhoeff-valid test numbers, not real people's.
  static final String VALID = "234123412346";
  static final String VALID_OTHER = "499187654323";

  static DocumentFields read(String... lines) {
    return DocumentParser.parse(
        DocumentType.AADHAAR,
        java.util.Arrays.stream(lines).map(OcrLine::certain).toList(),
        LocalDate.of(2026, 11, 30));
  }

  static Field number(DocumentFields fields) {
    return fields.field(FieldName.DOCUMENT_NUMBER).orElseThrow();
  }

  /** The full number, in any of its printed groupings, appears nowhere in what is returned. */
  static void assertNoFullNumber(DocumentFields fields, String digits) {
    String everything = fields.toString() + fields.fields() + fields.reviewReasons();
    String compact = everything.replaceAll("[^0-9]", "");
    assertFalse(compact.contains(digits), everything);
    assertFalse(compact.contains(digits.substring(0, 8)), everything);
  }

  @Test
  void aValidNumberPrintedInGroupsOfFourIsReturnedMaskedToItsLastFourDigits() {
    DocumentFields aadhaar = read("Government of India", "DOB: 01/01/1990", "2341 2341 2346");

    Field number = number(aadhaar);
    assertEquals("XXXX XXXX 2346", number.value());
    assertEquals(Checksum.VALID, number.checksum());
    assertTrue(number.formatValid());
    assertFalse(aadhaar.needsReview());
    assertNoFullNumber(aadhaar, VALID);
  }

  @Test
  void theFullNumberAppearsNowhereInTheResultWhateverHappens() {
    for (DocumentFields fields :
        List.of(
            read(VALID),
            read("2341 2341 2347"),
            read("2341 2341 2346", "4991 8765 4323"),
            read("2341-2341-2346"),
            read("234I 234l 2346"))) {
      assertNoFullNumber(fields, VALID);
      assertFalse(fields.toString().contains("2341 2341"), fields.toString());
    }
  }

  @Test
  void evenTheInternalMatchHidesTheNumberFromToString() {
    PositionPattern.Match match = new PositionPattern("999999999999").fit(VALID, 1.0);

    assertEquals("Match[12 characters, corrections=0]", match.toString());
  }

  @Test
  void aWrongCheckDigitIsReportedInvalidAndForReview() {
    DocumentFields aadhaar = read("2341 2341 2347");

    assertEquals("XXXX XXXX 2347", number(aadhaar).value());
    assertEquals(Checksum.INVALID, number(aadhaar).checksum());
    assertTrue(number(aadhaar).needsReview());
  }

  @Test
  void lettersReadForDigitsAreCorrectedWhenVerhoeffThenHolds() {
    DocumentFields aadhaar = read("234I 2341 234G");

    assertEquals("XXXX XXXX 2346", number(aadhaar).value());
    assertEquals(Checksum.VALID, number(aadhaar).checksum());
    assertEquals(0.85 * 0.85, number(aadhaar).confidence(), 1e-9);
    assertTrue(aadhaar.needsReview(), "two corrections bring it under the review threshold");
  }

  @Test
  void aNumberStartingWithZeroOrOneHasAnInvalidFormat() {
    String startsWithOne = "12341234123" + CheckDigits.verhoeffDigit("12341234123");
    DocumentFields aadhaar = read(startsWithOne);

    assertFalse(number(aadhaar).formatValid());
    assertEquals(Checksum.VALID, number(aadhaar).checksum());
    assertTrue(aadhaar.needsReview());
  }

  @Test
  void aValidNumberIsPreferredToAnInvalidOneAndTwoValidOnesAreFlagged() {
    DocumentFields one = read("2341 2341 2347", "2341 2341 2346");
    assertEquals("XXXX XXXX 2346", number(one).value());

    DocumentFields two = read("2341 2341 2346", "4991 8765 4323");
    assertEquals(List.of("more than one Aadhaar-like number on the document"), two.reviewReasons());
    assertTrue(two.needsReview());
    assertNoFullNumber(two, VALID_OTHER);
  }

  @Test
  void aSixteenDigitVirtualIdIsNotTakenForAnAadhaarNumber() {
    DocumentFields aadhaar = read("VID : 2341 2341 2346 1234");

    assertTrue(aadhaar.fields().isEmpty());
    assertEquals(List.of("no Aadhaar number found"), aadhaar.reviewReasons());
  }
}
