package io.bellhop.uploads.ocr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellhop.uploads.DocumentType;
import java.time.LocalDate;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DrivingLicenceParserTest {
  static DocumentFields read(String... lines) {
    return DocumentParser.parse(
        DocumentType.DRIVING_LICENCE,
        Arrays.stream(lines).map(OcrLine::certain).toList(),
        LocalDate.of(2026, 11, 30));
  }

  static Field field(DocumentFields fields, FieldName name) {
    return fields.field(name).orElseThrow();
  }

  @Test
  void theNumberIsReadWithOrWithoutSpacesAndHyphens() {
    for (String printed :
        new String[] {
          "MH14 20110012345", "MH14-20110012345", "MH1420110012345", "MH-14-2011-0012345"
        }) {
      DocumentFields licence = read("DL No. " + printed);
      assertEquals("MH1420110012345", field(licence, FieldName.DOCUMENT_NUMBER).value(), printed);
      assertEquals("MH", field(licence, FieldName.STATE_CODE).value());
      assertFalse(licence.needsReview(), printed);
    }
    assertEquals(
        "DL0420110149646", field(read("DL-0420110149646"), FieldName.DOCUMENT_NUMBER).value());
  }

  @Test
  void labelledDatesOfIssueAndValidityAreReadAsIsoDates() {
    DocumentFields licence =
        read(
            "Driving Licence  MH14 20110012345",
            "Date of Issue: 12-05-2011",
            "Valid Till (NT): 11/05/2031");

    assertEquals("2011-05-12", field(licence, FieldName.ISSUE_DATE).value());
    assertEquals("2031-05-11", field(licence, FieldName.EXPIRY_DATE).value());
    assertFalse(licence.needsReview());
  }

  @Test
  void anUnknownStateAnRtoCodeOfZeroOrAnImplausibleYearMakeTheNumberInvalid() {
    for (String number :
        new String[] {"XY1420110012345", "MH0020110012345", "MH1418990012345", "MH1420990012345"}) {
      Field field = field(read(number), FieldName.DOCUMENT_NUMBER);
      assertFalse(field.formatValid(), number);
      assertTrue(field.needsReview(), number);
    }
  }

  @Test
  void lookAlikesAreCorrectedByPosition() {
    Field number = field(read("M814 2O11OO12345"), FieldName.DOCUMENT_NUMBER);

    assertEquals("MB1420110012345", number.value());
    assertFalse(number.formatValid(), "MB is no state");

    Field corrected = field(read("MH14 2O11OO12345"), FieldName.DOCUMENT_NUMBER);
    assertEquals("MH1420110012345", corrected.value());
    assertTrue(corrected.formatValid());
    assertTrue(corrected.needsReview());
  }

  @Test
  void everyStateAndUnionTerritoryCodeIsKnown() {
    assertEquals(40, DrivingLicenceParser.STATE_CODES.size());
    assertTrue(DrivingLicenceParser.STATE_CODES.contains("KA"));
    assertTrue(DrivingLicenceParser.STATE_CODES.contains("TG"));
    assertFalse(DrivingLicenceParser.STATE_CODES.contains("XX"));
  }
}
