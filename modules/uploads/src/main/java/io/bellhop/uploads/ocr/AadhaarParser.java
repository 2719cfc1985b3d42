package io.bellhop.uploads.ocr;

import io.bellhop.uploads.DocumentType;
import io.bellhop.uploads.ocr.Field.Checksum;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Aadhaar number: twelve digits (printed 4-4-4), the first neither 0 nor 1, the last a Verhoeff
 * check digit.
 *
 * <p>Privacy: the law allows keeping only the last four digits. The full number exists here only in
 * local variables while it is checked; what leaves is {@code XXXX XXXX 1234}. Reasons are fixed
 * sentences and nothing is logged or thrown with the number in it.
 */
final class AadhaarParser {
  private static final PositionPattern SHAPE = new PositionPattern("999999999999");
  private static final java.util.regex.Pattern TWELVE_DIGITS =
      java.util.regex.Pattern.compile("(?<!\\d)\\d{4}[ -]?\\d{4}[ -]?(\\d{4})(?!\\d)");

  private AadhaarParser() {}

  static DocumentFields parse(List<OcrLine> lines) {
    Candidate best = null;
    boolean several = false;
    for (PositionPattern.Match match : SHAPE.find(lines)) {
      Candidate candidate = Candidate.of(match);
      if (best == null || candidate.betterThan(best)) {
        several |= best != null && best.valid() && !best.last4().equals(candidate.last4());
        best = candidate;
      } else {
        several |= candidate.valid() && !best.last4().equals(candidate.last4());
      }
    }
    if (best == null) {
      return DocumentFields.nothingFound(DocumentType.AADHAAR, "no Aadhaar number found");
    }
    List<String> reasons = new ArrayList<>();
    if (several) {
      reasons.add("more than one Aadhaar-like number on the document");
    }
    Field number =
        Field.of(
            masked(best.last4()),
            best.confidence(),
            best.formatValid(),
            best.checksumValid() ? Checksum.VALID : Checksum.INVALID,
            best.corrections() > 0);
    return DocumentFields.of(
        DocumentType.AADHAAR, Map.of(FieldName.DOCUMENT_NUMBER, number), reasons);
  }

  /**
   * {@code text} with every run of 12 digits (in groups of four, spaced, dashed or not) masked to
   * {@code XXXX XXXX 1234}, checked or not: a number OCR misread is still someone's Aadhaar. For
   * text kept from documents of no known layout, where an Aadhaar card may be photographed too.
   */
  static String maskNumbers(String text) {
    return TWELVE_DIGITS.matcher(text).replaceAll(m -> masked(m.group(1)));
  }

  static String masked(String last4) {
    return "XXXX XXXX " + last4;
  }

  /** What is kept of one candidate: its last four digits and the results of its checks. */
  private record Candidate(
      String last4,
      boolean formatValid,
      boolean checksumValid,
      int corrections,
      double confidence) {

    static Candidate of(PositionPattern.Match match) {
      String digits = match.value();
      return new Candidate(
          digits.substring(8),
          digits.charAt(0) >= '2',
          CheckDigits.verhoeffHolds(digits),
          match.corrections(),
          match.confidence());
    }

    boolean valid() {
      return formatValid && checksumValid;
    }

    boolean betterThan(Candidate other) {
      if (valid() != other.valid()) {
        return valid();
      }
      return corrections < other.corrections;
    }
  }
}
