package io.bellhop.uploads.ocr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellhop.uploads.DocumentType;
import io.bellhop.uploads.ocr.Field.Checksum;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MrzReaderTest {
  static final LocalDate TODAY = LocalDate.of(2026, 11, 30);

  // ICAO 9303 specimens (part 4, part 5, part 6, part 7).
  static final String TD3_1 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<";
  static final String TD3_2 = "L898902C36UTO7408122F1204159ZE184226B<<<<<10";
  static final String TD1_1 = "I<UTOD231458907<<<<<<<<<<<<<<<";
  static final String TD1_2 = "7408122F1204159UTO<<<<<<<<<<<6";
  static final String TD1_3 = "ERIKSSON<<ANNA<MARIA<<<<<<<<<<";
  static final String TD2_1 = "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<";
  static final String TD2_2 = "D231458907UTO7408122F1204159<<<<<<<6";
  static final String MRVA_1 = "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<";
  static final String MRVA_2 = "L8988901C4XXX4009078F96121096ZE184226B<<<<<<";
  static final String MRVB_1 = "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<";
  static final String MRVB_2 = "L8988901C4XXX4009078F9612109<<<<<<<<";

  static DocumentFields read(DocumentType type, String... lines) {
    List<OcrLine> ocr = new ArrayList<>();
    for (String line : lines) {
      ocr.add(OcrLine.certain(line));
    }
    return DocumentParser.parse(type, ocr, TODAY);
  }

  static Map<FieldName, String> values(DocumentFields fields) {
    Map<FieldName, String> values = new java.util.EnumMap<>(FieldName.class);
    fields.fields().forEach((name, field) -> values.put(name, field.value()));
    return values;
  }

  static Field field(DocumentFields fields, FieldName name) {
    return fields.field(name).orElseThrow();
  }

  /** The fields of the ICAO 9303 TD3 specimen (TD3_1, TD3_2), as the reader must return them. */
  static final Map<FieldName, String> TD3_FIELDS =
      Map.ofEntries(
          Map.entry(FieldName.MRZ_FORMAT, "TD3"),
          Map.entry(FieldName.DOCUMENT_CODE, "P"),
          Map.entry(FieldName.ISSUING_COUNTRY, "UTO"),
          Map.entry(FieldName.SURNAME, "ERIKSSON"),
          Map.entry(FieldName.GIVEN_NAMES, "ANNA MARIA"),
          Map.entry(FieldName.DOCUMENT_NUMBER, "L898902C3"),
          Map.entry(FieldName.NATIONALITY, "UTO"),
          Map.entry(FieldName.BIRTH_DATE, "1974-08-12"),
          Map.entry(FieldName.SEX, "F"),
          Map.entry(FieldName.EXPIRY_DATE, "2012-04-15"),
          Map.entry(FieldName.OPTIONAL_DATA, "ZE184226B"));

  @Test
  void theTd3PassportSpecimenReadsInFullWithEveryCheckDigitValid() {
    DocumentFields passport = read(DocumentType.PASSPORT, TD3_1, TD3_2);

    assertEquals(TD3_FIELDS, values(passport));
    for (FieldName checked :
        List.of(
            FieldName.DOCUMENT_NUMBER,
            FieldName.BIRTH_DATE,
            FieldName.EXPIRY_DATE,
            FieldName.OPTIONAL_DATA)) {
      assertEquals(Checksum.VALID, field(passport, checked).checksum(), checked.name());
    }
    assertEquals(Checksum.NONE, field(passport, FieldName.SURNAME).checksum());
    assertFalse(passport.needsReview());
    assertEquals(List.of(), passport.reviewReasons());
    assertEquals(1.0, passport.confidence());
  }

  @Test
  void theTd1IdCardSpecimenReadsItsThreeLines() {
    DocumentFields card = read(DocumentType.PASSPORT, TD1_1, TD1_2, TD1_3);

    assertEquals(
        Map.ofEntries(
            Map.entry(FieldName.MRZ_FORMAT, "TD1"),
            Map.entry(FieldName.DOCUMENT_CODE, "I"),
            Map.entry(FieldName.ISSUING_COUNTRY, "UTO"),
            Map.entry(FieldName.SURNAME, "ERIKSSON"),
            Map.entry(FieldName.GIVEN_NAMES, "ANNA MARIA"),
            Map.entry(FieldName.DOCUMENT_NUMBER, "D23145890"),
            Map.entry(FieldName.NATIONALITY, "UTO"),
            Map.entry(FieldName.BIRTH_DATE, "1974-08-12"),
            Map.entry(FieldName.SEX, "F"),
            Map.entry(FieldName.EXPIRY_DATE, "2012-04-15"),
            Map.entry(FieldName.OPTIONAL_DATA, ""),
            Map.entry(FieldName.OPTIONAL_DATA_2, "")),
        values(card));
    assertEquals(Checksum.VALID, field(card, FieldName.DOCUMENT_NUMBER).checksum());
    assertFalse(card.needsReview());
  }

  @Test
  void aTd1DocumentNumberLongerThanNineCharactersContinuesInTheOptionalData() {
    String number = "D23145890123";
    String line1 =
        "I<UTO" + number.substring(0, 9) + "<" + "123" + CheckDigits.icao(number) + "<AB<<<<<<<<";
    String line2Start = "7408122F1204159UTO<<<<<<<<<<<";
    String composite =
        line1.substring(5)
            + line2Start.substring(0, 7)
            + line2Start.substring(8, 15)
            + line2Start.substring(18, 29);
    DocumentFields card =
        read(DocumentType.PASSPORT, line1, line2Start + CheckDigits.icao(composite), TD1_3);

    Field documentNumber = field(card, FieldName.DOCUMENT_NUMBER);
    assertEquals(number, documentNumber.value());
    assertEquals(Checksum.VALID, documentNumber.checksum());
    assertEquals("AB", field(card, FieldName.OPTIONAL_DATA).value());
    assertEquals(List.of(), card.reviewReasons());
    assertFalse(card.needsReview());
  }

  @Test
  void theTd2SpecimenReadsWithItsCompositeCheck() {
    DocumentFields card = read(DocumentType.PASSPORT, TD2_1, TD2_2);

    assertEquals("TD2", field(card, FieldName.MRZ_FORMAT).value());
    assertEquals("D23145890", field(card, FieldName.DOCUMENT_NUMBER).value());
    assertEquals("2012-04-15", field(card, FieldName.EXPIRY_DATE).value());
    assertEquals("", field(card, FieldName.OPTIONAL_DATA).value());
    assertFalse(card.needsReview());
  }

  @Test
  void theMrvAVisaSpecimenReadsWithoutACompositeAndPlacesOldDatesInTheLastCentury() {
    DocumentFields visa = read(DocumentType.VISA, MRVA_1, MRVA_2);

    assertEquals(
        Map.ofEntries(
            Map.entry(FieldName.MRZ_FORMAT, "MRV-A"),
            Map.entry(FieldName.DOCUMENT_CODE, "V"),
            Map.entry(FieldName.ISSUING_COUNTRY, "UTO"),
            Map.entry(FieldName.SURNAME, "ERIKSSON"),
            Map.entry(FieldName.GIVEN_NAMES, "ANNA MARIA"),
            Map.entry(FieldName.DOCUMENT_NUMBER, "L8988901C"),
            Map.entry(FieldName.NATIONALITY, "XXX"),
            Map.entry(FieldName.BIRTH_DATE, "1940-09-07"),
            Map.entry(FieldName.SEX, "F"),
            Map.entry(FieldName.EXPIRY_DATE, "1996-12-10"),
            Map.entry(FieldName.OPTIONAL_DATA, "6ZE184226B")),
        values(visa));
    assertEquals(Checksum.NONE, field(visa, FieldName.OPTIONAL_DATA).checksum());
    assertFalse(visa.needsReview());
  }

  @Test
  void theMrvBVisaSpecimenIsToldApartFromTd2ByItsDocumentCode() {
    DocumentFields visa = read(DocumentType.VISA, MRVB_1, MRVB_2);

    assertEquals("MRV-B", field(visa, FieldName.MRZ_FORMAT).value());
    assertEquals("L8988901C", field(visa, FieldName.DOCUMENT_NUMBER).value());
    assertEquals("1996-12-10", field(visa, FieldName.EXPIRY_DATE).value());
    assertFalse(visa.needsReview());
  }

  @Test
  void mrzLinesAreFoundAmongPageTextWithSpacesLowerCaseAndMiscountedFillers() {
    DocumentFields passport =
        read(
            DocumentType.PASSPORT,
            "PASSPORT  PASSEPORT",
            "Surname / Nom  ERIKSSON",
            "Date of expiry 15 APR 2012",
            "p<utoeriksson<<anna<maria<<<<<<<<<<<<<<<<<<<<<<<",
            "L898902C36UTO 7408122F1204159ZE184226B<<<10",
            "");

    assertEquals("ERIKSSON", field(passport, FieldName.SURNAME).value());
    assertEquals("ANNA MARIA", field(passport, FieldName.GIVEN_NAMES).value());
    assertEquals("L898902C3", field(passport, FieldName.DOCUMENT_NUMBER).value());
    assertEquals("ZE184226B", field(passport, FieldName.OPTIONAL_DATA).value());
    assertEquals(Checksum.VALID, field(passport, FieldName.OPTIONAL_DATA).checksum());
    assertEquals(List.of(), passport.reviewReasons());
  }

  @Test
  void aNamesLineShortOfManyFillersStillPairsWithItsDataLine() {
    // As tesseract read the rendered specimen: six fillers lost, O read as 0 in the nationality.
    DocumentFields passport =
        read(
            DocumentType.PASSPORT,
            "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<",
            "L898902C36UT07408122F1204159ZE184226B<<<<<10");

    assertEquals("TD3", field(passport, FieldName.MRZ_FORMAT).value());
    assertEquals("ANNA MARIA", field(passport, FieldName.GIVEN_NAMES).value());
    Field nationality = field(passport, FieldName.NATIONALITY);
    assertEquals("UTO", nationality.value());
    assertTrue(nationality.needsReview(), "no check digit covers the nationality");
    assertEquals(Checksum.VALID, field(passport, FieldName.OPTIONAL_DATA).checksum());
    assertEquals(List.of(), passport.reviewReasons());
  }

  @Test
  void aWrongBirthDateCheckDigitIsReportedInvalidAndFailsTheComposite() {
    DocumentFields passport =
        read(DocumentType.PASSPORT, TD3_1, "L898902C36UTO7408123F1204159ZE184226B<<<<<10");

    Field birth = field(passport, FieldName.BIRTH_DATE);
    assertEquals(Checksum.INVALID, birth.checksum());
    assertTrue(birth.needsReview());
    assertEquals(Checksum.VALID, field(passport, FieldName.EXPIRY_DATE).checksum());
    assertEquals(List.of("the MRZ composite check digit does not match"), passport.reviewReasons());
    assertTrue(passport.needsReview());
  }

  @Test
  void aLetterInADatePositionBecomesItsDigitWhenTheCheckDigitThenHolds() {
    DocumentFields passport =
        read(DocumentType.PASSPORT, TD3_1, "L898902C36UTO74O8122F12O4I59ZE184226B<<<<<10");

    Field birth = field(passport, FieldName.BIRTH_DATE);
    assertEquals("1974-08-12", birth.value());
    assertEquals(Checksum.VALID, birth.checksum());
    assertEquals(0.85, birth.confidence(), 1e-9);
    assertFalse(birth.needsReview());
    Field expiry = field(passport, FieldName.EXPIRY_DATE);
    assertEquals("2012-04-15", expiry.value());
    assertEquals(0.85 * 0.85, expiry.confidence(), 1e-9);
    assertTrue(expiry.needsReview(), "two corrections bring it under the review threshold");
    assertEquals(List.of(), passport.reviewReasons());
  }

  @Test
  void aLetterInADatePositionStaysAsReadWhenTheCheckDigitFailsEvenAfterCorrection() {
    DocumentFields passport =
        read(DocumentType.PASSPORT, TD3_1, "L898902C36UTO74O8123F1204159ZE184226B<<<<<10");

    Field birth = field(passport, FieldName.BIRTH_DATE);
    assertEquals("74O812", birth.value());
    assertFalse(birth.formatValid());
    assertEquals(Checksum.INVALID, birth.checksum());
    assertTrue(birth.needsReview());
  }

  @Test
  void aLookAlikeInTheDocumentNumberIsCorrectedWhenTheCheckDigitThenHoldsButReviewed() {
    DocumentFields passport =
        read(DocumentType.PASSPORT, TD3_1, "L8989O2C36UTO7408122F1204159ZE184226B<<<<<10");

    Field number = field(passport, FieldName.DOCUMENT_NUMBER);
    assertEquals("L898902C3", number.value());
    assertEquals(Checksum.VALID, number.checksum());
    assertEquals(0.85, number.confidence(), 1e-9);
    assertTrue(number.needsReview(), "a letter-or-digit guess is a person's to confirm");
    assertEquals(List.of(), passport.reviewReasons());
  }

  @Test
  void lettersThatBelongInTheDocumentNumberAreKeptWhenTheCheckDigitHoldsAsRead() {
    // L and C could be misread digits, but the number checks as printed: fewest corrections wins.
    Field number = field(read(DocumentType.PASSPORT, TD3_1, TD3_2), FieldName.DOCUMENT_NUMBER);

    assertEquals("L898902C3", number.value());
    assertEquals(1.0, number.confidence());
    assertFalse(number.needsReview());
  }

  @Test
  void aCheckDigitReadAsALetterIsReadAsItsDigit() {
    DocumentFields passport =
        read(DocumentType.PASSPORT, TD3_1, "L898902C3GUTO7408122F1204159ZE184226B<<<<<10");

    Field number = field(passport, FieldName.DOCUMENT_NUMBER);
    assertEquals(Checksum.VALID, number.checksum());
    assertEquals(0.85, number.confidence(), 1e-9);
    assertEquals(List.of(), passport.reviewReasons());
  }

  @Test
  void aMisreadThatIsNoLookAlikeCanBeGuessedWrongWhichIsWhyGuessesAreAlwaysReviewed() {
    // 2 misread as 3 is no look-alike; swapping 8→B and 0→O happens to satisfy the check digit,
    // and the composite repeats the number with the same weights, so it agrees.
    DocumentFields passport =
        read(DocumentType.PASSPORT, TD3_1, "L898903C36UTO7408122F1204159ZE184226B<<<<<10");

    Field number = field(passport, FieldName.DOCUMENT_NUMBER);
    assertEquals("LB989O3C3", number.value());
    assertEquals(Checksum.VALID, number.checksum());
    assertTrue(number.needsReview());
    assertTrue(passport.needsReview());
  }

  @Test
  void aDocumentNumberNoLookAlikeSwapRepairsStaysAsReadAndInvalid() {
    DocumentFields passport =
        read(DocumentType.PASSPORT, TD3_1, "L898902C32UTO7408122F1204159ZE184226B<<<<<10");

    Field number = field(passport, FieldName.DOCUMENT_NUMBER);
    assertEquals("L898902C3", number.value());
    assertEquals(Checksum.INVALID, number.checksum());
    assertTrue(number.needsReview());
  }

  @Test
  void twoEquallySmallRepairsThatBothCheckAreAmbiguousSoTheNumberStaysAsRead() {
    // With check digit 1, both L89B9O2C3 and L8989OZC3 would hold.
    DocumentFields passport =
        read(DocumentType.PASSPORT, TD3_1, "L898902C31UTO7408122F1204159ZE184226B<<<<<10");

    Field number = field(passport, FieldName.DOCUMENT_NUMBER);
    assertEquals("L898902C3", number.value());
    assertEquals(Checksum.INVALID, number.checksum());
  }

  @Test
  void aVisaDateWithALetterIsCorrectedAndItsNumberGuessReviewed() {
    DocumentFields visa =
        read(DocumentType.VISA, MRVA_1, "L8988901C4XXX4O09078F96121096ZE184226B<<<<<<");
    assertEquals("1940-09-07", field(visa, FieldName.BIRTH_DATE).value());
    assertFalse(field(visa, FieldName.BIRTH_DATE).needsReview(), "a date's letters are digits");

    DocumentFields guessed =
        read(DocumentType.VISA, MRVA_1, "L89889O1C4XXX4009078F96121096ZE184226B<<<<<<");
    Field number = field(guessed, FieldName.DOCUMENT_NUMBER);
    assertEquals("L8988901C", number.value());
    assertEquals(Checksum.VALID, number.checksum());
    assertTrue(number.needsReview());
  }

  @Test
  void digitsInNamesBecomeTheirLettersButNeedReviewForNoCheckDigitCoversNames() {
    DocumentFields passport =
        read(DocumentType.PASSPORT, "P<UTOERIK5SON<<ANNA<MAR1A<<<<<<<<<<<<<<<<<<<", TD3_2);

    Field surname = field(passport, FieldName.SURNAME);
    assertEquals("ERIKSSON", surname.value());
    assertEquals(Checksum.NONE, surname.checksum());
    assertTrue(surname.needsReview());
    assertEquals("ANNA MARIA", field(passport, FieldName.GIVEN_NAMES).value());
    assertTrue(passport.needsReview());
  }

  @Test
  void anUnspecifiedSexIsX() {
    DocumentFields passport =
        read(DocumentType.PASSPORT, TD3_1, "L898902C36UTO7408122<1204159ZE184226B<<<<<10");

    assertEquals("X", field(passport, FieldName.SEX).value());
    assertTrue(field(passport, FieldName.SEX).formatValid());
  }

  @Test
  void aVisaMrzUploadedAsAPassportIsReadButFlagged() {
    DocumentFields passport = read(DocumentType.PASSPORT, MRVA_1, MRVA_2);

    assertEquals("MRV-A", field(passport, FieldName.MRZ_FORMAT).value());
    assertEquals(
        List.of("the upload is a passport but its MRZ is a visa's"), passport.reviewReasons());
    assertTrue(passport.needsReview());
  }

  @Test
  void birthDatesAreInThePastAndExpiryDatesWithinFiftyYearsAhead() {
    assertEquals(LocalDate.of(2025, 1, 31), MrzFields.parseDate("250131", true, TODAY));
    assertEquals(LocalDate.of(1927, 1, 31), MrzFields.parseDate("270131", true, TODAY));
    assertEquals(LocalDate.of(2076, 11, 30), MrzFields.parseDate("761130", false, TODAY));
    assertEquals(LocalDate.of(1976, 12, 1), MrzFields.parseDate("761201", false, TODAY));
    assertEquals(null, MrzFields.parseDate("741312", true, TODAY));
    assertEquals(null, MrzFields.parseDate("000229", true, LocalDate.of(1999, 1, 1)));
    assertEquals(LocalDate.of(2000, 2, 29), MrzFields.parseDate("000229", true, TODAY));
    assertEquals(null, MrzFields.parseDate("74<<<<", true, TODAY));
  }

  @Test
  void anImpossibleDateWithAValidCheckDigitHasAnInvalidFormat() {
    DocumentFields passport =
        read(
            DocumentType.PASSPORT,
            TD3_1,
            "L898902C36UTO741312" + CheckDigits.icao("741312") + "F1204159ZE184226B<<<<<1" + "0");

    Field birth = field(passport, FieldName.BIRTH_DATE);
    assertEquals("741312", birth.value());
    assertEquals(Checksum.VALID, birth.checksum());
    assertFalse(birth.formatValid());
    assertTrue(birth.needsReview());
  }
}
