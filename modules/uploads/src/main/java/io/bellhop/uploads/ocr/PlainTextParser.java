package io.bellhop.uploads.ocr;

import io.bellhop.uploads.DocumentType;
import io.bellhop.uploads.ocr.Field.Checksum;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Documents without a known layout: their text, one OCR line a line, and its mean confidence. Any
 * 12-digit number in it is masked like an Aadhaar number: a card photographed as a {@code photo}
 * must not leave its number in the result.
 */
final class PlainTextParser {
  private PlainTextParser() {}

  static DocumentFields parse(DocumentType type, List<OcrLine> lines) {
    List<String> kept = new ArrayList<>();
    double sum = 0;
    for (OcrLine line : lines) {
      String text = AadhaarParser.maskNumbers(line.text().strip().replaceAll("\\s+", " "));
      if (!text.isEmpty()) {
        kept.add(text);
        sum += line.confidence();
      }
    }
    if (kept.isEmpty()) {
      return DocumentFields.nothingFound(type, "no text found");
    }
    Field text = Field.of(String.join("\n", kept), sum / kept.size(), true, Checksum.NONE, false);
    return DocumentFields.of(type, Map.of(FieldName.TEXT, text), List.of());
  }
}
