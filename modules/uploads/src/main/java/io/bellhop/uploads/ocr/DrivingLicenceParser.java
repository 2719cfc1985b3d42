package io.bellhop.uploads.ocr;

import io.bellhop.uploads.DocumentType;
import io.bellhop.uploads.ocr.Field.Checksum;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Indian driving licence number in the national format: state code, two-digit RTO code, four-digit
 * year of issue, seven-digit serial ({@code MH14 20110012345}, {@code DL-0420110149646}), plus the
 * dates of issue and validity when they are labelled.
 */
final class DrivingLicenceParser {
  private static final PositionPattern SHAPE = new PositionPattern("AA9999999999999");

  /**
   * RTO state and union territory codes, with the retired ones still on valid licences (OR before
   * OD, UA before UK, DN and DD before their merger, TS before TG, AP for Telangana before 2014).
   */
  static final Set<String> STATE_CODES =
      Set.of(
          "AN", "AP", "AR", "AS", "BR", "CG", "CH", "DD", "DL", "DN", "GA", "GJ", "HP", "HR", "JH",
          "JK", "KA", "KL", "LA", "LD", "MH", "ML", "MN", "MP", "MZ", "NL", "OD", "OR", "PB", "PY",
          "RJ", "SK", "TG", "TN", "TR", "TS", "UA", "UK", "UP", "WB");

  private static final Pattern DATE =
      Pattern.compile("(?<![0-9])([0-9]{2})[-/.]([0-9]{2})[-/.]([0-9]{4})(?![0-9])");
  private static final Pattern ISSUE_LABEL = Pattern.compile("ISSUE|\\bDOI\\b");
  private static final Pattern VALIDITY_LABEL = Pattern.compile("VALID|\\bDOE\\b|EXPIR");

  private DrivingLicenceParser() {}

  static DocumentFields parse(List<OcrLine> lines, LocalDate today) {
    PositionPattern.Match best = null;
    boolean bestValid = false;
    for (PositionPattern.Match match : SHAPE.find(lines)) {
      boolean valid = numberValid(match.value(), today);
      if (best == null
          || (valid && !bestValid)
          || (valid == bestValid && match.corrections() < best.corrections())) {
        best = match;
        bestValid = valid;
      }
    }
    if (best == null) {
      return DocumentFields.nothingFound(
          DocumentType.DRIVING_LICENCE, "no driving licence number found");
    }
    String number = best.value();
    boolean corrected = best.corrections() > 0;
    Map<FieldName, Field> fields = new EnumMap<>(FieldName.class);
    fields.put(
        FieldName.DOCUMENT_NUMBER,
        Field.of(number, best.confidence(), bestValid, Checksum.NONE, corrected));
    String state = number.substring(0, 2);
    fields.put(
        FieldName.STATE_CODE,
        Field.of(state, best.confidence(), STATE_CODES.contains(state), Checksum.NONE, corrected));
    labelledDate(lines, ISSUE_LABEL).ifPresent(date -> fields.put(FieldName.ISSUE_DATE, date));
    labelledDate(lines, VALIDITY_LABEL).ifPresent(date -> fields.put(FieldName.EXPIRY_DATE, date));
    return DocumentFields.of(DocumentType.DRIVING_LICENCE, fields, List.of());
  }

  /** A known state, an RTO code other than 00, and a year of issue from 1950 to this year. */
  static boolean numberValid(String number, LocalDate today) {
    int year = Integer.parseInt(number.substring(4, 8));
    return STATE_CODES.contains(number.substring(0, 2))
        && !number.startsWith("00", 2)
        && year >= 1950
        && year <= today.getYear();
  }

  /** The first dd-mm-yyyy date after the label, on the label's line. */
  private static Optional<Field> labelledDate(List<OcrLine> lines, Pattern label) {
    for (OcrLine line : lines) {
      String text = line.text().toUpperCase(Locale.ROOT);
      Matcher labelled = label.matcher(text);
      if (!labelled.find()) {
        continue;
      }
      Matcher date = DATE.matcher(text);
      if (date.find(labelled.end())) {
        return Optional.of(date(date, line.confidence()));
      }
    }
    return Optional.empty();
  }

  private static Field date(Matcher date, double confidence) {
    try {
      LocalDate parsed =
          LocalDate.of(
              Integer.parseInt(date.group(3)),
              Integer.parseInt(date.group(2)),
              Integer.parseInt(date.group(1)));
      return Field.of(parsed.toString(), confidence, true, Checksum.NONE, false);
    } catch (DateTimeException e) {
      return Field.of(date.group(), confidence, false, Checksum.NONE, false);
    }
  }
}
