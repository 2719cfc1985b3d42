package io.bellhop.uploads.inspect;

import io.bellhop.uploads.UploadException;
import io.micronaut.serde.annotation.Serdeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a statement holds, read in one bounded pass ({@link #ofCsv}, {@link #ofXlsx}): its size in
 * rows, a preview of its header, and the cells a spreadsheet could run: in a CSV those that start
 * like a formula (CSV injection), in an XLSX those holding one. They are flagged, not refused: a
 * statement may well hold {@code =} or {@code @} text, and what matters is that whoever opens it in
 * a spreadsheet is warned. Cell values other than the header's are never kept.
 *
 * @param rows records (XLSX: rows) after the header (blank lines not counted)
 * @param columns fields in the header record (XLSX: its last cell's column)
 * @param header the header's first {@value #HEADER_CELLS} cells, each cut to {@value #CELL_CHARS}
 *     characters
 * @param flaggedCells how many cells start like a formula (CSV) or hold one (XLSX)
 * @param firstFlagged where the first {@value #POSITIONS} of them are
 */
@Serdeable
public record StatementSummary(
    long rows, int columns, List<String> header, long flaggedCells, List<Cell> firstFlagged) {

  static final int HEADER_CELLS = 20;
  static final int CELL_CHARS = 100;
  static final int POSITIONS = 10;

  /** The longest record {@link #ofCsv(InputStream)} reads, in characters. */
  public static final int DEFAULT_MAX_RECORD_CHARS = 64 * 1024;

  /**
   * A signed number, or a sign alone: text a spreadsheet reads as a value, never as a formula
   * (statements are full of {@code -12.50}).
   */
  private static final Pattern SIGNED_NUMBER =
      Pattern.compile("[+-]([0-9][0-9,]*)?(\\.[0-9]+)?([eE][+-]?[0-9]+)?");

  public StatementSummary {
    header = List.copyOf(header);
    firstFlagged = List.copyOf(firstFlagged);
  }

  /**
   * A cell, 1-based as a spreadsheet shows it: row 1 is the header.
   *
   * @param row the record's number in the file
   * @param column the field's number in its record
   */
  @Serdeable
  public record Cell(long row, int column) {}

  /**
   * Reads a CSV statement (RFC 4180, UTF-8 with an optional BOM, records of at most {@value
   * #DEFAULT_MAX_RECORD_CHARS} characters) from {@code in}, which is read to its end, not closed.
   *
   * @throws UploadException {@code UNSUPPORTED_TYPE} when the bytes are not such a CSV, or hold no
   *     record
   */
  public static StatementSummary ofCsv(InputStream in) throws UploadException, IOException {
    return ofCsv(in, DEFAULT_MAX_RECORD_CHARS);
  }

  /**
   * Reads an XLSX statement's first sheet ({@code xl/worksheets/sheet1.xml}) from {@code in}, under
   * the default ZIP bounds ({@link InspectConfig}). Its flagged cells are those holding a formula.
   * Empty when the workbook has no {@code sheet1.xml}.
   *
   * @throws UploadException {@code UNSUPPORTED_TYPE} when the bytes are not such an XLSX
   */
  public static Optional<StatementSummary> ofXlsx(InputStream in)
      throws UploadException, IOException {
    return Optional.ofNullable(new WorkbookZip(new InspectConfig()).check(in));
  }

  static StatementSummary ofCsv(InputStream in, int maxRecordChars)
      throws UploadException, IOException {
    var records = new CsvRecords(in, maxRecordChars);
    List<String> header = null;
    int columns = 0;
    long row = 0;
    long flagged = 0;
    List<Cell> first = new ArrayList<>();
    for (List<String> record = records.nextRecord();
        record != null;
        record = records.nextRecord()) {
      row++;
      if (header == null) {
        columns = record.size();
        header = preview(record);
      }
      for (int i = 0; i < record.size(); i++) {
        if (looksLikeFormula(record.get(i))) {
          flagged++;
          if (first.size() < POSITIONS) {
            first.add(new Cell(row, i + 1));
          }
        }
      }
    }
    if (header == null) {
      throw CsvRecords.refused("it holds no record");
    }
    return new StatementSummary(row - 1, columns, header, flagged, first);
  }

  /**
   * Whether a spreadsheet could run {@code cell} as a formula: it starts with {@code =}, {@code +},
   * {@code -}, {@code @}, a tab or a carriage return (OWASP's list), and is not a plain signed
   * number.
   */
  static boolean looksLikeFormula(String cell) {
    if (cell.isEmpty()) {
      return false;
    }
    return switch (cell.charAt(0)) {
      case '=', '@', '\t', '\r' -> true;
      case '+', '-' -> !SIGNED_NUMBER.matcher(cell).matches();
      default -> false;
    };
  }

  private static List<String> preview(List<String> record) {
    List<String> cells = new ArrayList<>();
    for (String cell : record.subList(0, Math.min(HEADER_CELLS, record.size()))) {
      cells.add(cell.length() <= CELL_CHARS ? cell : cell.substring(0, CELL_CHARS));
    }
    return cells;
  }
}
