package io.bellhop.uploads.documents;

import io.bellhop.uploads.DocumentType;
import io.bellhop.uploads.UploadException;
import io.bellhop.uploads.inspect.StatementSummary;
import io.bellhop.uploads.ocr.DocumentParser;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Statements (CSV, XLSX, XLS) have no text to recognise: their result is the row count, the header,
 * and the cells that look like formulas, read by validation's {@link StatementSummary} with the
 * same bounds that accepted the file. An XLS was checked as a workbook and is not read further.
 */
@Singleton
final class StatementReader implements DocumentReader {
  private static final byte[] ZIP = {'P', 'K', 3, 4};
  private static final byte[] OLE2 = {(byte) 0xD0, (byte) 0xCF, 0x11, (byte) 0xE0};

  @Override
  public Set<DocumentType> types() {
    return Set.of(DocumentType.STATEMENT);
  }

  @Override
  public Reading read(Path file, DocumentType type, Instant deadline) throws IOException {
    byte[] head = new byte[4];
    try (InputStream in = Files.newInputStream(file)) {
      in.readNBytes(head, 0, head.length);
    }
    if (java.util.Arrays.equals(head, OLE2)) {
      return Reading.skipped(
          "an XLS statement is checked as a workbook; only CSV and XLSX are read");
    }
    Optional<StatementSummary> summary;
    try (InputStream in = Files.newInputStream(file)) {
      summary =
          java.util.Arrays.equals(head, ZIP)
              ? StatementSummary.ofXlsx(in)
              : Optional.of(StatementSummary.ofCsv(in));
    } catch (UploadException e) {
      return Reading.failed(e.getMessage(), 1);
    }
    if (summary.isEmpty()) {
      return Reading.skipped("the workbook has no first sheet to read");
    }
    return reading(summary.get());
  }

  static Reading reading(StatementSummary s) {
    Map<String, ReadField> fields = new LinkedHashMap<>();
    fields.put("rows", field(Long.toString(s.rows()), false));
    fields.put("columns", field(Integer.toString(s.columns()), false));
    fields.put(
        "header", field(DocumentParser.maskAadhaarNumbers(String.join(", ", s.header())), false));
    fields.put("flaggedCells", field(Long.toString(s.flaggedCells()), s.flaggedCells() > 0));
    List<String> reasons = new ArrayList<>();
    if (s.flaggedCells() > 0) {
      StringBuilder where = new StringBuilder();
      for (StatementSummary.Cell c : s.firstFlagged()) {
        where.append(where.length() == 0 ? "" : ", ").append("row ").append(c.row());
        where.append(" column ").append(c.column());
      }
      reasons.add(
          s.flaggedCells()
              + " cells start like a spreadsheet formula (first at "
              + where
              + "): open the file with formulas disabled");
    }
    return Reading.done(fields, 1.0, !reasons.isEmpty(), reasons, 1);
  }

  private static ReadField field(String value, boolean needsReview) {
    return new ReadField(value, 1.0, true, "none", needsReview);
  }
}
