package io.bellhop.uploads.documents;

import java.util.Objects;

/**
 * One value read from a document, as stored, published and returned.
 *
 * @param value normalised; for Aadhaar only ever the masked {@code XXXX XXXX 1234}
 * @param confidence 0..1
 * @param valid the value has its field's shape and no check digit covering it fails
 * @param checksum {@code valid}, {@code invalid}, or {@code none} when no check digit covers it
 * @param needsReview a person should look at it
 */
public record ReadField(
    String value, double confidence, boolean valid, String checksum, boolean needsReview) {
  public ReadField {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(checksum, "checksum");
  }
}
