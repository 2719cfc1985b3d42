package io.bellhop.uploads.ocr;

import io.bellhop.uploads.DocumentType;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What OCR found on one document: its fields, the weakest field's confidence, and whether a person
 * should check it.
 *
 * @param type the upload's document type
 * @param fields the fields found, in {@link FieldName} order; empty when nothing was recognised
 * @param confidence the lowest confidence among the fields, 0 when there are none
 * @param needsReview true when any field needs review, a cross-check failed or nothing was found
 * @param reviewReasons why, in words fit for a reviewer; never containing document numbers
 */
public record DocumentFields(
    DocumentType type,
    Map<FieldName, Field> fields,
    double confidence,
    boolean needsReview,
    List<String> reviewReasons) {

  public DocumentFields {
    Objects.requireNonNull(type, "type");
    EnumMap<FieldName, Field> ordered = new EnumMap<>(FieldName.class);
    ordered.putAll(fields);
    fields = Collections.unmodifiableMap(ordered);
    reviewReasons = List.copyOf(reviewReasons);
  }

  public Optional<Field> field(FieldName name) {
    return Optional.ofNullable(fields.get(name));
  }

  /**
   * Builds the summary from the fields: confidence is the weakest one's, review if any needs it.
   */
  static DocumentFields of(DocumentType type, Map<FieldName, Field> fields, List<String> reasons) {
    if (fields.isEmpty()) {
      return new DocumentFields(type, fields, 0, true, reasons);
    }
    double weakest = 1;
    boolean review = !reasons.isEmpty();
    for (Field field : fields.values()) {
      weakest = Math.min(weakest, field.confidence());
      review |= field.needsReview();
    }
    return new DocumentFields(type, fields, weakest, review, reasons);
  }

  static DocumentFields nothingFound(DocumentType type, String reason) {
    return new DocumentFields(type, Map.of(), 0, true, List.of(reason));
  }
}
