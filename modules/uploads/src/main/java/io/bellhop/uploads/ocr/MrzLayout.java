package io.bellhop.uploads.ocr;

import java.util.List;

/**
 * Where each element sits in the machine-readable zones of ICAO 9303 (parts 4 to 7): line count,
 * line length, and each checked element with the position of its check digit.
 */
// List.of and records of final fields: immutable in fact, though not annotated so.
@SuppressWarnings("ImmutableEnumChecker")
enum MrzLayout {
  /** ID cards: 3 lines of 30. */
  TD1(
      "TD1",
      3,
      30,
      List.of(
          new Element(FieldName.DOCUMENT_NUMBER, 0, 5, 14, 14, Kind.ALPHANUMERIC),
          new Element(FieldName.OPTIONAL_DATA, 0, 15, 30, -1, Kind.ALPHANUMERIC),
          new Element(FieldName.BIRTH_DATE, 1, 0, 6, 6, Kind.NUMERIC),
          new Element(FieldName.EXPIRY_DATE, 1, 8, 14, 14, Kind.NUMERIC),
          new Element(FieldName.OPTIONAL_DATA_2, 1, 18, 29, -1, Kind.ALPHANUMERIC)),
      new Composite(
          List.of(new Span(0, 5, 30), new Span(1, 0, 7), new Span(1, 8, 15), new Span(1, 18, 29)),
          1,
          29),
      new Header(0, 1, 15, 1, 7, 2, 0)),
  /** Official travel documents and some ID cards: 2 lines of 36. */
  TD2(
      "TD2",
      2,
      36,
      List.of(
          new Element(FieldName.DOCUMENT_NUMBER, 1, 0, 9, 9, Kind.ALPHANUMERIC),
          new Element(FieldName.BIRTH_DATE, 1, 13, 19, 19, Kind.NUMERIC),
          new Element(FieldName.EXPIRY_DATE, 1, 21, 27, 27, Kind.NUMERIC),
          new Element(FieldName.OPTIONAL_DATA, 1, 28, 35, -1, Kind.ALPHANUMERIC)),
      new Composite(List.of(new Span(1, 0, 10), new Span(1, 13, 20), new Span(1, 21, 35)), 1, 35),
      new Header(0, 1, 10, 1, 20, 0, 5)),
  /** Passports: 2 lines of 44. */
  TD3(
      "TD3",
      2,
      44,
      List.of(
          new Element(FieldName.DOCUMENT_NUMBER, 1, 0, 9, 9, Kind.ALPHANUMERIC),
          new Element(FieldName.BIRTH_DATE, 1, 13, 19, 19, Kind.NUMERIC),
          new Element(FieldName.EXPIRY_DATE, 1, 21, 27, 27, Kind.NUMERIC),
          new Element(FieldName.OPTIONAL_DATA, 1, 28, 42, 42, Kind.ALPHANUMERIC)),
      new Composite(List.of(new Span(1, 0, 10), new Span(1, 13, 20), new Span(1, 21, 43)), 1, 43),
      new Header(0, 1, 10, 1, 20, 0, 5)),
  /** Visas, format A: 2 lines of 44, no composite check digit. */
  MRV_A(
      "MRV-A",
      2,
      44,
      List.of(
          new Element(FieldName.DOCUMENT_NUMBER, 1, 0, 9, 9, Kind.ALPHANUMERIC),
          new Element(FieldName.BIRTH_DATE, 1, 13, 19, 19, Kind.NUMERIC),
          new Element(FieldName.EXPIRY_DATE, 1, 21, 27, 27, Kind.NUMERIC),
          new Element(FieldName.OPTIONAL_DATA, 1, 28, 44, -1, Kind.ALPHANUMERIC)),
      null,
      new Header(0, 1, 10, 1, 20, 0, 5)),
  /** Visas, format B: 2 lines of 36, no composite check digit. */
  MRV_B(
      "MRV-B",
      2,
      36,
      List.of(
          new Element(FieldName.DOCUMENT_NUMBER, 1, 0, 9, 9, Kind.ALPHANUMERIC),
          new Element(FieldName.BIRTH_DATE, 1, 13, 19, 19, Kind.NUMERIC),
          new Element(FieldName.EXPIRY_DATE, 1, 21, 27, 27, Kind.NUMERIC),
          new Element(FieldName.OPTIONAL_DATA, 1, 28, 36, -1, Kind.ALPHANUMERIC)),
      null,
      new Header(0, 1, 10, 1, 20, 0, 5));

  /** What a position may hold, which decides the corrections allowed there. */
  enum Kind {
    NUMERIC,
    ALPHANUMERIC
  }

  /** Characters [start, end) of a line, checked by the digit at {@code checkAt} (-1: none). */
  record Element(FieldName name, int line, int start, int end, int checkAt, Kind kind) {}

  record Span(int line, int start, int end) {}

  /** The composite check digit at ({@code line}, {@code at}) over the spans, in order. */
  record Composite(List<Span> spans, int line, int at) {}

  /**
   * Positions of the unchecked elements: the issuing country at line 0, 2..5; nationality and sex
   * on {@code nationalityLine} at {@code nationalityAt} and {@code sexLine}/{@code sexAt}; names on
   * {@code namesLine} from {@code namesAt} to the end of the line.
   */
  record Header(
      int issuingLine,
      int nationalityLine,
      int nationalityAt,
      int sexLine,
      int sexAt,
      int namesLine,
      int namesAt) {}

  final String label;
  final int lineCount;
  final int lineLength;
  final List<Element> elements;

  /** Null for the visas, which have no composite check digit. */
  final Composite composite;

  final Header header;

  MrzLayout(
      String label,
      int lineCount,
      int lineLength,
      List<Element> elements,
      Composite composite,
      Header header) {
    this.label = label;
    this.lineCount = lineCount;
    this.lineLength = lineLength;
    this.elements = elements;
    this.composite = composite;
    this.header = header;
  }

  /** The layout of lines of this count and length whose first line starts with {@code code}. */
  static MrzLayout forShape(int lineCount, int lineLength, char code) {
    if (lineCount == 3 && lineLength == 30) {
      return TD1;
    }
    if (lineCount == 2 && lineLength == 44) {
      return code == 'V' ? MRV_A : TD3;
    }
    if (lineCount == 2 && lineLength == 36) {
      return code == 'V' ? MRV_B : TD2;
    }
    throw new IllegalArgumentException("no MRZ has " + lineCount + " lines of " + lineLength);
  }
}
