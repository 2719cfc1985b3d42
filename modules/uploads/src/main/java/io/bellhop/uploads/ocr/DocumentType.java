package io.bellhop.uploads.ocr;

import java.util.Locale;
import java.util.Optional;

/** The {@code documentType} of an upload, which decides how its OCR text is read. */
public enum DocumentType {
  PASSPORT,
  VISA,
  AADHAAR,
  PAN,
  DRIVING_LICENCE,
  VOTER_ID,
  PHOTO,
  STATEMENT;

  /** The name in the upload handshake, e.g. {@code driving_licence}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<DocumentType> fromWireName(String wireName) {
    for (DocumentType type : values()) {
      if (type.wireName().equals(wireName)) {
        return Optional.of(type);
      }
    }
    return Optional.empty();
  }

  /** Passports and visas carry a machine-readable zone (ICAO 9303). */
  public boolean hasMrz() {
    return this == PASSPORT || this == VISA;
  }
}
