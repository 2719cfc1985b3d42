package io.bellhop.uploads.ocr;

import io.bellhop.uploads.DocumentType;
import io.bellhop.uploads.ocr.Field.Checksum;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** Indian voter ID (EPIC): three letters and seven digits, no check digit. */
final class VoterIdParser {
  private static final PositionPattern SHAPE = new PositionPattern("AAA9999999");

  private VoterIdParser() {}

  static DocumentFields parse(List<OcrLine> lines) {
    List<PositionPattern.Match> matches = SHAPE.find(lines);
    if (matches.isEmpty()) {
      return DocumentFields.nothingFound(DocumentType.VOTER_ID, "no voter ID number found");
    }
    PositionPattern.Match best =
        matches.stream().min(Comparator.comparingInt(PositionPattern.Match::corrections)).get();
    List<String> reasons = new ArrayList<>();
    if (matches.stream().map(PositionPattern.Match::value).distinct().count() > 1) {
      reasons.add("more than one voter-ID-like number on the document");
    }
    Field number =
        Field.of(best.value(), best.confidence(), true, Checksum.NONE, best.corrections() > 0);
    return DocumentFields.of(
        DocumentType.VOTER_ID, Map.of(FieldName.DOCUMENT_NUMBER, number), reasons);
  }
}
