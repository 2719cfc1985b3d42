package io.bellhop.uploads.ocr;

import io.bellhop.uploads.ocr.Field.Checksum;
import io.bellhop.uploads.ocr.MrzLayout.Element;
import io.bellhop.uploads.ocr.MrzLayout.Kind;
import io.bellhop.uploads.ocr.MrzLayout.Span;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads the fields of MRZ lines already cut to their layout's length. */
final class MrzFields {
  /** Positions tried together when a check digit fails; beyond this the search is not worth it. */
  private static final int MAX_CORRECTIONS = 2;

  private static final String COUNTRY = "[A-Z]{1,3}<{0,2}";

  private MrzFields() {}

  /** The fields of one MRZ, how many check digits held, and what a reviewer should know. */
  record Reading(Map<FieldName, Field> fields, List<String> reasons, int checksHeld) {}

  /**
   * A checked element after correction: the value, how many characters were changed (its check
   * digit included), and whether the check digit holds. When no correction makes it hold, the value
   * is as read.
   */
  record Resolved(String value, int corrections, boolean holds) {}

  static Reading read(
      MrzLayout layout, List<String> lines, double[] lineConfidence, LocalDate today) {
    Map<FieldName, Field> fields = new EnumMap<>(FieldName.class);
    List<String> reasons = new ArrayList<>();
    MrzLayout.Header header = layout.header;
    fields.put(FieldName.MRZ_FORMAT, Field.of(layout.label, 1, true, Checksum.NONE, false));
    fields.put(
        FieldName.DOCUMENT_CODE,
        letters(lines.get(0).substring(0, 2), lineConfidence[0], "[A-Z][A-Z<]"));
    fields.put(
        FieldName.ISSUING_COUNTRY,
        letters(
            lines.get(header.issuingLine()).substring(2, 5),
            lineConfidence[header.issuingLine()],
            COUNTRY));
    putNames(
        fields,
        lines.get(header.namesLine()).substring(header.namesAt()),
        lineConfidence[header.namesLine()]);

    Map<Element, Resolved> resolved = new LinkedHashMap<>();
    for (Element element : layout.elements) {
      if (element.checkAt() >= 0) {
        String line = lines.get(element.line());
        resolved.put(
            element,
            resolve(
                line.substring(element.start(), element.end()),
                line.charAt(element.checkAt()),
                element.kind()));
      }
    }
    char[][] correctedLines = correctedLines(lines, resolved);
    LongNumber longNumber = layout == MrzLayout.TD1 ? LongNumber.find(lines.get(0)) : null;
    if (longNumber != null) {
      longNumber.writeInto(correctedLines[0]);
    }
    int held = 0;
    if (layout.composite != null) {
      if (compositeHolds(layout, lines, correctedLines)) {
        held++;
      } else {
        reasons.add("the MRZ composite check digit does not match");
      }
    }

    for (Element element : layout.elements) {
      double confidence = lineConfidence[element.line()];
      Resolved r = resolved.get(element);
      if (r == null) {
        String raw = lines.get(element.line()).substring(element.start(), element.end());
        fields.put(
            element.name(), Field.of(withoutFillers(raw), confidence, true, Checksum.NONE, false));
        continue;
      }
      held += r.holds() ? 1 : 0;
      Checksum checksum = r.holds() ? Checksum.VALID : Checksum.INVALID;
      double penalised = Confusions.penalised(confidence, r.corrections());
      boolean corrected = r.corrections() > 0;
      if (element.kind() == Kind.NUMERIC) {
        fields.put(
            element.name(), date(element.name(), r.value(), penalised, checksum, corrected, today));
      } else {
        String value = withoutFillers(r.value());
        boolean formatValid = !value.isEmpty() || element.name() != FieldName.DOCUMENT_NUMBER;
        Field field = Field.of(value, penalised, formatValid, checksum, corrected);
        // A look-alike here could be either, and one check digit accepts a wrong guess one time in
        // ten; the composite repeats the number with the same weights, so it cannot confirm it.
        fields.put(element.name(), corrected ? field.forReview() : field);
      }
    }

    String nationality =
        lines
            .get(header.nationalityLine())
            .substring(header.nationalityAt(), header.nationalityAt() + 3);
    fields.put(
        FieldName.NATIONALITY,
        letters(nationality, lineConfidence[header.nationalityLine()], COUNTRY));
    fields.put(
        FieldName.SEX,
        sex(lines.get(header.sexLine()).charAt(header.sexAt()), lineConfidence[header.sexLine()]));
    if (longNumber != null) {
      held += longNumber.resolved.holds() ? 1 : 0;
      longNumber.putFields(fields, lineConfidence[0]);
    }
    return new Reading(fields, reasons, held);
  }

  /** The lines with every element that held in its corrected form. */
  private static char[][] correctedLines(List<String> lines, Map<Element, Resolved> resolved) {
    char[][] corrected = new char[lines.size()][];
    for (int i = 0; i < lines.size(); i++) {
      corrected[i] = lines.get(i).toCharArray();
    }
    resolved.forEach(
        (element, r) -> {
          if (r.holds()) {
            r.value().getChars(0, r.value().length(), corrected[element.line()], element.start());
            corrected[element.line()][element.checkAt()] =
                Confusions.asDigit(corrected[element.line()][element.checkAt()]);
          }
        });
    return corrected;
  }

  private static boolean compositeHolds(MrzLayout layout, List<String> lines, char[][] corrected) {
    StringBuilder covered = new StringBuilder();
    for (Span span : layout.composite.spans()) {
      covered.append(corrected[span.line()], span.start(), span.end() - span.start());
    }
    char check = lines.get(layout.composite.line()).charAt(layout.composite.at());
    return CheckDigits.icaoHolds(covered, Confusions.asDigit(check));
  }

  /**
   * A TD1 document number longer than nine characters (ICAO 9303-5, note j): its first nine in the
   * number's place, a filler where its check digit would be, the rest followed by the check digit
   * at the start of the optional data.
   */
  private record LongNumber(String optionalData, Resolved resolved, int extraCharacters) {
    private static final int START = 5;
    private static final int FILLER_AT = 14;
    private static final int REST_AT = 15;

    static LongNumber find(String line) {
      if (line.charAt(FILLER_AT) != '<' || line.charAt(REST_AT) == '<') {
        return null;
      }
      int end = line.indexOf('<', REST_AT);
      String tail = line.substring(REST_AT, end < 0 ? line.length() : end);
      if (tail.length() < 2) {
        return null;
      }
      String number = line.substring(START, FILLER_AT) + tail.substring(0, tail.length() - 1);
      Resolved resolved = resolve(number, tail.charAt(tail.length() - 1), Kind.ALPHANUMERIC);
      return new LongNumber(line.substring(REST_AT + tail.length()), resolved, tail.length() - 1);
    }

    void writeInto(char[] line) {
      if (resolved.holds()) {
        String value = resolved.value();
        value.getChars(0, FILLER_AT - START, line, START);
        value.getChars(FILLER_AT - START, value.length(), line, REST_AT);
        line[REST_AT + extraCharacters] = Confusions.asDigit(line[REST_AT + extraCharacters]);
      }
    }

    void putFields(Map<FieldName, Field> fields, double confidence) {
      boolean corrected = resolved.corrections() > 0;
      Field number =
          Field.of(
              resolved.value(),
              Confusions.penalised(confidence, resolved.corrections()),
              true,
              resolved.holds() ? Checksum.VALID : Checksum.INVALID,
              corrected);
      fields.put(FieldName.DOCUMENT_NUMBER, corrected ? number.forReview() : number);
      fields.put(
          FieldName.OPTIONAL_DATA,
          Field.of(withoutFillers(optionalData), confidence, true, Checksum.NONE, false));
    }
  }

  /**
   * How many check digits hold on one line as it stands (corrections included), counting the
   * composite only when it lies wholly on that line: chooses where missing fillers go.
   */
  static int checksHeldOnLine(MrzLayout layout, int lineIndex, String line) {
    int held = 0;
    char[] corrected = line.toCharArray();
    for (Element element : layout.elements) {
      if (element.line() != lineIndex || element.checkAt() < 0) {
        continue;
      }
      Resolved resolved =
          resolve(
              line.substring(element.start(), element.end()),
              line.charAt(element.checkAt()),
              element.kind());
      if (resolved.holds()) {
        held++;
        resolved.value().getChars(0, resolved.value().length(), corrected, element.start());
      }
    }
    MrzLayout.Composite composite = layout.composite;
    if (composite != null
        && composite.line() == lineIndex
        && composite.spans().stream().allMatch(span -> span.line() == lineIndex)) {
      StringBuilder covered = new StringBuilder();
      for (Span span : composite.spans()) {
        covered.append(corrected, span.start(), span.end() - span.start());
      }
      if (CheckDigits.icaoHolds(covered, Confusions.asDigit(line.charAt(composite.at())))) {
        held++;
      }
    }
    return held;
  }

  /**
   * Corrects a checked element by position: a numeric element's look-alike letters must become
   * digits; in an alphanumeric one each look-alike may be either, and the combination with the
   * fewest changes that makes the check digit hold wins, unless another with as few also does.
   */
  static Resolved resolve(String raw, char checkChar, Kind kind) {
    // A filler stands for the check digit of an element left empty (an unused personal number).
    boolean emptyElement = raw.chars().allMatch(c -> c == '<');
    char check = checkChar == '<' && emptyElement ? '0' : Confusions.asDigit(checkChar);
    int checkCorrections = check == checkChar || checkChar == '<' ? 0 : 1;
    if (kind == Kind.NUMERIC) {
      char[] digits = raw.toCharArray();
      int changes = checkCorrections;
      for (int i = 0; i < digits.length; i++) {
        char digit = Confusions.asDigit(digits[i]);
        if (digit != digits[i]) {
          digits[i] = digit;
          changes++;
        }
      }
      String value = new String(digits);
      if (CheckDigits.icaoHolds(value, check)) {
        return new Resolved(value, changes, true);
      }
      return new Resolved(raw, 0, false);
    }
    if (CheckDigits.icaoHolds(raw, check)) {
      return new Resolved(raw, checkCorrections, true);
    }
    List<Integer> ambiguous = new ArrayList<>();
    for (int i = 0; i < raw.length(); i++) {
      if (Confusions.alternative(raw.charAt(i)) != raw.charAt(i)) {
        ambiguous.add(i);
      }
    }
    for (int size = 1; size <= Math.min(MAX_CORRECTIONS, ambiguous.size()); size++) {
      List<String> passing = new ArrayList<>();
      collect(raw.toCharArray(), ambiguous, 0, size, check, passing);
      if (passing.size() == 1) {
        return new Resolved(passing.get(0), size + checkCorrections, true);
      }
      if (passing.size() > 1) {
        break;
      }
    }
    return new Resolved(raw, 0, false);
  }

  private static void collect(
      char[] chars, List<Integer> ambiguous, int from, int left, char check, List<String> passing) {
    if (left == 0) {
      if (CheckDigits.icaoHolds(new String(chars), check)) {
        passing.add(new String(chars));
      }
      return;
    }
    for (int i = from; i <= ambiguous.size() - left; i++) {
      int at = ambiguous.get(i);
      char original = chars[at];
      chars[at] = Confusions.alternative(original);
      collect(chars, ambiguous, i + 1, left - 1, check, passing);
      chars[at] = original;
    }
  }

  /** A letters-only element (codes, countries): digits in it become their look-alike letters. */
  private static Field letters(String raw, double confidence, String shape) {
    char[] chars = raw.toCharArray();
    int changes = 0;
    for (int i = 0; i < chars.length; i++) {
      char letter = Confusions.asLetter(chars[i]);
      if (letter != chars[i]) {
        chars[i] = letter;
        changes++;
      }
    }
    String value = new String(chars);
    return Field.of(
        withoutFillers(value),
        Confusions.penalised(confidence, changes),
        value.matches(shape),
        Checksum.NONE,
        changes > 0);
  }

  private static void putNames(Map<FieldName, Field> fields, String raw, double confidence) {
    String primary = raw;
    String secondary = "";
    int separator = raw.indexOf("<<");
    if (separator >= 0) {
      primary = raw.substring(0, separator);
      secondary = raw.substring(separator + 2);
    }
    fields.put(FieldName.SURNAME, letters(primary, confidence, "[A-Z<]*"));
    fields.put(FieldName.GIVEN_NAMES, letters(secondary, confidence, "[A-Z<]*"));
  }

  private static Field sex(char c, double confidence) {
    return switch (c) {
      case 'M', 'F' -> Field.of(String.valueOf(c), confidence, true, Checksum.NONE, false);
      case '<', 'X' -> Field.of("X", confidence, true, Checksum.NONE, false);
      default -> Field.of(String.valueOf(c), confidence, false, Checksum.NONE, false);
    };
  }

  /**
   * A YYMMDD date as ISO. Birth dates are in the past: the latest century that is not after today.
   * Expiry dates lie within 50 years after today: 2000s unless that is further away.
   */
  private static Field date(
      FieldName name,
      String yymmdd,
      double confidence,
      Checksum checksum,
      boolean corrected,
      LocalDate today) {
    LocalDate date = parseDate(yymmdd, name == FieldName.BIRTH_DATE, today);
    if (date == null) {
      return Field.of(yymmdd, confidence, false, checksum, corrected);
    }
    return Field.of(date.toString(), confidence, true, checksum, corrected);
  }

  static LocalDate parseDate(String yymmdd, boolean inThePast, LocalDate today) {
    if (!yymmdd.matches("[0-9]{6}")) {
      return null;
    }
    int yy = Integer.parseInt(yymmdd.substring(0, 2));
    int month = Integer.parseInt(yymmdd.substring(2, 4));
    int day = Integer.parseInt(yymmdd.substring(4, 6));
    int year = 2000 + yy;
    try {
      LocalDate date = LocalDate.of(year, month, day);
      LocalDate limit = inThePast ? today : today.plusYears(50);
      if (date.isAfter(limit)) {
        date = LocalDate.of(year - 100, month, day);
      }
      return date;
    } catch (DateTimeException e) {
      return null;
    }
  }

  /** Fillers become spaces, runs of spaces one, and the ends are trimmed. */
  static String withoutFillers(String raw) {
    return raw.replace('<', ' ').trim().replaceAll(" +", " ");
  }
}
