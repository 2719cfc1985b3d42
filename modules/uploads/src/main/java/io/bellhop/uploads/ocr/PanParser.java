package io.bellhop.uploads.ocr;

import io.bellhop.uploads.DocumentType;
import io.bellhop.uploads.ocr.Field.Checksum;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Indian Permanent Account Number: five letters, four digits, a letter. The fourth letter is the
 * holder type; the last is a check character whose algorithm is not published, so corrections
 * cannot be confirmed and send the field to review.
 */
final class PanParser {
  private static final PositionPattern SHAPE = new PositionPattern("AAAAA9999A");
  private static final Pattern NAME_LABEL = Pattern.compile("\\bNAME\\b", Pattern.CASE_INSENSITIVE);
  private static final Pattern PRINTED_NAME = Pattern.compile("[A-Za-z][A-Za-z .']{1,60}");

  private PanParser() {}

  static DocumentFields parse(List<OcrLine> lines) {
    List<PositionPattern.Match> matches = new ArrayList<>();
    for (PositionPattern.Match match : SHAPE.find(lines)) {
      if (holderType(match.value().charAt(3)).isPresent()) {
        matches.add(match);
      }
    }
    if (matches.isEmpty()) {
      return DocumentFields.nothingFound(DocumentType.PAN, "no PAN found");
    }
    PositionPattern.Match best =
        matches.stream().min(Comparator.comparingInt(PositionPattern.Match::corrections)).get();
    List<String> reasons = new ArrayList<>();
    if (matches.stream().map(PositionPattern.Match::value).distinct().count() > 1) {
      reasons.add("more than one PAN-like number on the document");
    }
    Map<FieldName, Field> fields = new EnumMap<>(FieldName.class);
    fields.put(
        FieldName.DOCUMENT_NUMBER,
        Field.of(best.value(), best.confidence(), true, Checksum.NONE, best.corrections() > 0));
    fields.put(
        FieldName.HOLDER_TYPE,
        Field.of(
            holderType(best.value().charAt(3)).orElseThrow(),
            best.confidence(),
            true,
            Checksum.NONE,
            best.corrections() > 0));
    name(lines).ifPresent(name -> fields.put(FieldName.NAME, name));
    return DocumentFields.of(DocumentType.PAN, fields, reasons);
  }

  /** The holder type a PAN's fourth letter stands for. */
  static Optional<String> holderType(char letter) {
    return Optional.ofNullable(
        switch (letter) {
          case 'P' -> "PERSON";
          case 'C' -> "COMPANY";
          case 'H' -> "HINDU_UNDIVIDED_FAMILY";
          case 'F' -> "FIRM";
          case 'A' -> "ASSOCIATION_OF_PERSONS";
          case 'T' -> "TRUST";
          case 'B' -> "BODY_OF_INDIVIDUALS";
          case 'L' -> "LOCAL_AUTHORITY";
          case 'J' -> "ARTIFICIAL_JURIDICAL_PERSON";
          case 'G' -> "GOVERNMENT";
          default -> null;
        });
  }

  /** The line after a "Name" label, when it reads as a name. */
  private static Optional<Field> name(List<OcrLine> lines) {
    for (int i = 0; i + 1 < lines.size(); i++) {
      if (NAME_LABEL.matcher(lines.get(i).text()).find()) {
        OcrLine next = lines.get(i + 1);
        String text = next.text().trim().replaceAll("\\s+", " ");
        if (PRINTED_NAME.matcher(text).matches()) {
          return Optional.of(Field.of(text, next.confidence(), true, Checksum.NONE, false));
        }
      }
    }
    return Optional.empty();
  }
}
