package io.bellhop.uploads.ocr;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A fixed-shape identifier such as a PAN ({@code AAAAA9999A}: {@code A} a letter position, {@code
 * 9} a digit position), and how to find it in OCR text with position-based corrections.
 */
final class PositionPattern {
  private static final java.util.regex.Pattern NOT_ALPHANUMERIC =
      java.util.regex.Pattern.compile("[^A-Z0-9]+");

  private final String shape;

  PositionPattern(String shape) {
    this.shape = shape;
  }

  /** A token that fits the shape after {@code corrections} look-alike swaps. */
  record Match(String value, int corrections, double confidence) {
    /** Without the value: it may be a full Aadhaar number. */
    @Override
    public String toString() {
      return "Match[" + value.length() + " characters, corrections=" + corrections + "]";
    }
  }

  /**
   * Every run of adjacent tokens on a line (split at anything but letters and digits) whose
   * characters add up to the shape's length and fit it after corrections, in reading order.
   */
  List<Match> find(List<OcrLine> lines) {
    List<Match> matches = new ArrayList<>();
    for (OcrLine line : lines) {
      List<String> tokens = tokens(line.text());
      for (int first = 0; first < tokens.size(); first++) {
        StringBuilder joined = new StringBuilder();
        for (int last = first; last < tokens.size(); last++) {
          joined.append(tokens.get(last));
          if (joined.length() >= shape.length()) {
            if (joined.length() == shape.length() && standsAlone(tokens, first, last)) {
              Match match = fit(joined.toString(), line.confidence());
              if (match != null) {
                matches.add(match);
              }
            }
            break;
          }
        }
      }
    }
    return matches;
  }

  /**
   * Whether the tokens are not part of a longer number: no digit group of four directly around them
   * (an Aadhaar virtual ID is four such groups).
   */
  private static boolean standsAlone(List<String> tokens, int first, int last) {
    return !(first > 0 && isDigitGroup(tokens.get(first - 1)))
        && !(last + 1 < tokens.size() && isDigitGroup(tokens.get(last + 1)));
  }

  private static boolean isDigitGroup(String token) {
    return token.length() == 4 && token.chars().allMatch(c -> c >= '0' && c <= '9');
  }

  static List<String> tokens(String text) {
    List<String> tokens = new ArrayList<>();
    for (String token :
        (Iterable<String>)
            NOT_ALPHANUMERIC.splitAsStream(text.toUpperCase(Locale.ROOT))::iterator) {
      if (!token.isEmpty()) {
        tokens.add(token);
      }
    }
    return tokens;
  }

  /** The candidate corrected to the shape, or null when a position cannot be made to fit. */
  Match fit(String candidate, double confidence) {
    char[] chars = candidate.toCharArray();
    int corrections = 0;
    for (int i = 0; i < chars.length; i++) {
      boolean wantsDigit = shape.charAt(i) == '9';
      char fitted = wantsDigit ? Confusions.asDigit(chars[i]) : Confusions.asLetter(chars[i]);
      if (wantsDigit ? !Confusions.isDigit(fitted) : !Confusions.isLetter(fitted)) {
        return null;
      }
      if (fitted != chars[i]) {
        chars[i] = fitted;
        corrections++;
      }
    }
    return new Match(new String(chars), corrections, Confusions.penalised(confidence, corrections));
  }
}
