package io.bellhop.uploads.ocr;

import java.util.Objects;

/**
 * One value read from a document, with how far to trust it.
 *
 * @param value the normalised value (ISO dates, fillers removed); never a full Aadhaar number
 * @param confidence 0..1: the OCR engine's confidence in the text it came from, lowered for each
 *     character this parser corrected
 * @param formatValid the value has the shape its field requires (a real date, a known code)
 * @param checksum whether a check digit covers the value and, if so, whether it holds
 * @param needsReview a person should look at it: the format or check failed, confidence is low, or
 *     a correction was made that no check digit confirms or that chose between a letter and a digit
 */
public record Field(
    String value, double confidence, boolean formatValid, Checksum checksum, boolean needsReview) {

  /** Below this confidence a value is shown to a person even when every check passes. */
  public static final double REVIEW_BELOW = 0.75;

  public enum Checksum {
    VALID,
    INVALID,
    /** No check digit covers the field. */
    NONE
  }

  public Field {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(checksum, "checksum");
    if (!(confidence >= 0 && confidence <= 1)) {
      throw new IllegalArgumentException("confidence must be within 0..1, was " + confidence);
    }
  }

  /**
   * A field whose review flag follows from the rest: doubtful when its format or check failed, its
   * confidence is under {@link #REVIEW_BELOW}, or a correction was made without a check digit to
   * confirm it.
   */
  static Field of(
      String value, double confidence, boolean formatValid, Checksum checksum, boolean corrected) {
    boolean review =
        !formatValid
            || checksum == Checksum.INVALID
            || confidence < REVIEW_BELOW
            || (corrected && checksum != Checksum.VALID);
    return new Field(value, confidence, formatValid, checksum, review);
  }

  /** This field, marked for a person to check. */
  Field forReview() {
    return new Field(value, confidence, formatValid, checksum, true);
  }
}
