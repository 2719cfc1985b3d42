package io.bellhop.uploads.ocr;

/**
 * Tesseract could not read an image: it failed, timed out or wrote too much. The message never
 * quotes recognised text (it may be an Aadhaar number).
 */
public final class OcrException extends Exception {
  private static final long serialVersionUID = 1L;

  OcrException(String message) {
    super(message);
  }

  OcrException(String message, Throwable cause) {
    super(message, cause);
  }
}
