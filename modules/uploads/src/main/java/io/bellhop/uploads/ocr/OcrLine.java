package io.bellhop.uploads.ocr;

import java.util.Objects;

/**
 * One line of recognised text with the OCR engine's confidence in it, 0..1 (tesseract's mean word
 * confidence divided by 100).
 */
public record OcrLine(String text, double confidence) {
  public OcrLine {
    Objects.requireNonNull(text, "text");
    if (!(confidence >= 0 && confidence <= 1)) {
      throw new IllegalArgumentException("confidence must be within 0..1, was " + confidence);
    }
  }

  /** A line read with full confidence: typed text, and tests. */
  public static OcrLine certain(String text) {
    return new OcrLine(text, 1.0);
  }
}
