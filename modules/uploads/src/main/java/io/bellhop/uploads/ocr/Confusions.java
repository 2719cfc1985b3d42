package io.bellhop.uploads.ocr;

/**
 * Characters OCR engines confuse, and the correction a position's kind allows: in a digit position
 * a look-alike letter becomes its digit (O→0, I/L→1, S→5, B→8, Z→2, G→6), in a letter position the
 * reverse (0→O, 1→I, 5→S, 8→B, 2→Z, 6→G).
 */
final class Confusions {
  /** Correction cost factor applied to a field's confidence for each corrected character. */
  static final double PENALTY = 0.85;

  private Confusions() {}

  /** The digit a letter in a digit position stands for, or the character itself. */
  static char asDigit(char c) {
    return switch (c) {
      case 'O' -> '0';
      case 'I', 'L' -> '1';
      case 'S' -> '5';
      case 'B' -> '8';
      case 'Z' -> '2';
      case 'G' -> '6';
      default -> c;
    };
  }

  /** The letter a digit in a letter position stands for, or the character itself. */
  static char asLetter(char c) {
    return switch (c) {
      case '0' -> 'O';
      case '1' -> 'I';
      case '5' -> 'S';
      case '8' -> 'B';
      case '2' -> 'Z';
      case '6' -> 'G';
      default -> c;
    };
  }

  /** The other reading of an alphanumeric position, or the character itself when it has none. */
  static char alternative(char c) {
    char digit = asDigit(c);
    return digit != c ? digit : asLetter(c);
  }

  static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  static boolean isLetter(char c) {
    return c >= 'A' && c <= 'Z';
  }

  static double penalised(double confidence, int corrections) {
    return confidence * Math.pow(PENALTY, corrections);
  }
}
