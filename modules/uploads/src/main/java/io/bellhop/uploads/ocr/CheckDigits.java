package io.bellhop.uploads.ocr;

/** The check-digit schemes of the documents read here. */
final class CheckDigits {
  private static final int[] ICAO_WEIGHTS = {7, 3, 1};

  private CheckDigits() {}

  /**
   * ICAO 9303 check digit of MRZ characters: digits count as themselves, A-Z as 10-35, the filler
   * {@code <} as 0, weighted 7, 3, 1 repeating, sum modulo 10. Returns -1 for any other character.
   */
  static int icao(CharSequence chars) {
    int sum = 0;
    for (int i = 0; i < chars.length(); i++) {
      int value = icaoValue(chars.charAt(i));
      if (value < 0) {
        return -1;
      }
      sum += value * ICAO_WEIGHTS[i % 3];
    }
    return sum % 10;
  }

  private static int icaoValue(char c) {
    if (Confusions.isDigit(c)) {
      return c - '0';
    }
    if (Confusions.isLetter(c)) {
      return c - 'A' + 10;
    }
    return c == '<' ? 0 : -1;
  }

  /** Whether {@code check} is the ICAO check digit of {@code chars}. */
  static boolean icaoHolds(CharSequence chars, char check) {
    int expected = icao(chars);
    return expected >= 0 && check == (char) ('0' + expected);
  }

  // Verhoeff: multiplication in the dihedral group D5, a position-dependent permutation, inverses.
  private static final int[][] D = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9},
    {1, 2, 3, 4, 0, 6, 7, 8, 9, 5},
    {2, 3, 4, 0, 1, 7, 8, 9, 5, 6},
    {3, 4, 0, 1, 2, 8, 9, 5, 6, 7},
    {4, 0, 1, 2, 3, 9, 5, 6, 7, 8},
    {5, 9, 8, 7, 6, 0, 4, 3, 2, 1},
    {6, 5, 9, 8, 7, 1, 0, 4, 3, 2},
    {7, 6, 5, 9, 8, 2, 1, 0, 4, 3},
    {8, 7, 6, 5, 9, 3, 2, 1, 0, 4},
    {9, 8, 7, 6, 5, 4, 3, 2, 1, 0}
  };
  private static final int[][] P = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9},
    {1, 5, 7, 6, 2, 8, 3, 0, 9, 4},
    {5, 8, 0, 3, 7, 9, 6, 1, 4, 2},
    {8, 9, 1, 6, 0, 4, 3, 5, 2, 7},
    {9, 4, 5, 3, 1, 2, 6, 8, 7, 0},
    {4, 2, 8, 6, 5, 7, 3, 9, 0, 1},
    {2, 7, 9, 3, 8, 0, 6, 4, 1, 5},
    {7, 0, 4, 6, 9, 1, 3, 2, 5, 8}
  };
  private static final int[] INV = {0, 4, 3, 2, 1, 5, 6, 7, 8, 9};

  /** Whether a string of digits, its last being the check digit, passes the Verhoeff check. */
  static boolean verhoeffHolds(CharSequence digits) {
    if (digits.length() == 0) {
      return false;
    }
    int c = 0;
    for (int i = 0; i < digits.length(); i++) {
      char ch = digits.charAt(digits.length() - 1 - i);
      if (!Confusions.isDigit(ch)) {
        return false;
      }
      c = D[c][P[i % 8][ch - '0']];
    }
    return c == 0;
  }

  /** The Verhoeff check digit to append to {@code digits}. */
  static char verhoeffDigit(CharSequence digits) {
    int c = 0;
    for (int i = 0; i < digits.length(); i++) {
      char ch = digits.charAt(digits.length() - 1 - i);
      c = D[c][P[(i + 1) % 8][ch - '0']];
    }
    return (char) ('0' + INV[c]);
  }
}
