package io.bellhop.uploads.documents;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a {@link DocumentReader} made of one document.
 *
 * @param status {@code DONE}, {@code FAILED} or {@code SKIPPED}
 * @param fields by their wire name, in reading order; empty unless done
 * @param confidence the weakest field's, 0 when there are none
 * @param needsReview whether a person should check the document
 * @param reviewReasons why, in words that never quote a document number
 * @param error why it failed or was skipped; {@code null} when done. Never recognised text.
 * @param pages pages read (an image is one)
 */
public record Reading(
    OcrStatus status,
    Map<String, ReadField> fields,
    double confidence,
    boolean needsReview,
    List<String> reviewReasons,
    String error,
    int pages) {

  public Reading {
    Objects.requireNonNull(status, "status");
    if (!status.finished()) {
      throw new IllegalArgumentException("a reading is done, failed or skipped, not " + status);
    }
    fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    reviewReasons = List.copyOf(reviewReasons);
  }

  public static Reading done(
      Map<String, ReadField> fields,
      double confidence,
      boolean needsReview,
      List<String> reviewReasons,
      int pages) {
    return new Reading(OcrStatus.DONE, fields, confidence, needsReview, reviewReasons, null, pages);
  }

  public static Reading failed(String reason, int pages) {
    return new Reading(OcrStatus.FAILED, Map.of(), 0, true, List.of(), reason, pages);
  }

  public static Reading skipped(String reason) {
    return new Reading(OcrStatus.SKIPPED, Map.of(), 0, false, List.of(), reason, 0);
  }
}
