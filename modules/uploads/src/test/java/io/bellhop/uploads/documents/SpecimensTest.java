package io.bellhop.uploads.documents;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class SpecimensTest {
  @Test
  void theGeneratedTd3SpecimenIsIcaosOwnCheckDigitForCheckDigit() {
    List<String> lines = Specimens.td3Specimen().lines();
    assertEquals("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", lines.get(4));
    assertEquals("L898902C36UTO7408122F1204159ZE184226B<<<<<10", lines.get(5));
  }

  @Test
  void theGeneratedVisaHasIcaosCheckDigitsForNumberAndDates() {
    List<String> lines = Specimens.all().get(2).lines();
    assertEquals("L8988901C4XXX4009078F9612109", lines.get(4).substring(0, 28));
    assertEquals(44, lines.get(4).length());
  }
}
