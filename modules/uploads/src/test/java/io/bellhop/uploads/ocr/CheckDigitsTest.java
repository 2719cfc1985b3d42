package io.bellhop.uploads.ocr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CheckDigitsTest {
  @Test
  void icaoCheckDigitsOfTheSpecimenElementsMatchThePrintedOnes() {
    assertEquals(6, CheckDigits.icao("L898902C3"));
    assertEquals(2, CheckDigits.icao("740812"));
    assertEquals(9, CheckDigits.icao("120415"));
    assertEquals(1, CheckDigits.icao("ZE184226B<<<<<"));
    assertEquals(0, CheckDigits.icao("<<<<<<<<<"));
    assertEquals(-1, CheckDigits.icao("L8989-2C3"));
  }

  @Test
  void theLookAlikesGSixAndLOneWeighTheSameSoNoIcaoCheckDigitTellsThemApart() {
    assertEquals(CheckDigits.icao("G1"), CheckDigits.icao("61"));
    assertEquals(CheckDigits.icao("1L"), CheckDigits.icao("11"));
    assertTrue(CheckDigits.icao("O") != CheckDigits.icao("0"));
  }

  @Test
  void verhoeffAcceptsValidNumbersAndCatchesOneWrongDigitOrOneSwap() {
    assertTrue(CheckDigits.verhoeffHolds("2363"));
    assertEquals('3', CheckDigits.verhoeffDigit("236"));
    assertTrue(CheckDigits.verhoeffHolds("234123412346"));
    assertTrue(CheckDigits.verhoeffHolds("499187654323"));
    assertFalse(CheckDigits.verhoeffHolds("234123412347"));
    assertFalse(CheckDigits.verhoeffHolds("243123412346"));
    assertFalse(CheckDigits.verhoeffHolds("23412341234O"));
    assertFalse(CheckDigits.verhoeffHolds(""));
  }
}
