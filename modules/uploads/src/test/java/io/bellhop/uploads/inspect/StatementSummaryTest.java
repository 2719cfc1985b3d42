package io.bellhop.uploads.inspect;

import static io.bellhop.uploads.inspect.SampleFiles.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellhop.uploads.UploadError;
import io.bellhop.uploads.UploadException;
import io.bellhop.uploads.inspect.StatementSummary.Cell;
import java.io.ByteArrayInputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatementSummaryTest {

  @Test
  void quotedFieldsMayHoldCommasQuotesAndLineBreaks() throws Exception {
    String csv =
        "Date,Payee,Memo,Amount\r\n"
            + "2024-01-02,\"Shop, Ltd\",\"said \"\"hi\"\"\",-12.50\r\n"
            + "2024-01-03,Hotel,\"two\r\nlines\",100\r\n"
            + "\r\n"
            + "2024-01-04,Cafe,,3.20";
    StatementSummary summary = read(csv);
    assertEquals(3, summary.rows());
    assertEquals(4, summary.columns());
    assertEquals(List.of("Date", "Payee", "Memo", "Amount"), summary.header());
    assertEquals(0, summary.flaggedCells());
  }

  @Test
  void cellsThatStartLikeAFormulaAreFlaggedWithTheirPositions() throws Exception {
    String csv =
        """
        Date,Payee,Amount
        2024-01-02,"=HYPERLINK(""http://127.0.0.1/?""&A1)",-12.50
        2024-01-03,"+cmd|' /C calc'!A0",+7
        2024-01-04,@SUM(A1:A2),-
        2024-01-05,"\tx",-1+1
        """;
    StatementSummary summary = read(csv);
    assertEquals(4, summary.rows());
    assertEquals(5, summary.flaggedCells());
    assertEquals(
        List.of(new Cell(2, 2), new Cell(3, 2), new Cell(4, 2), new Cell(5, 2), new Cell(5, 3)),
        summary.firstFlagged());
  }

  @Test
  void signedNumbersAreValuesNotFormulas() {
    for (String value : List.of("-12.50", "+44", "-1,234.56", "-.5", "-1e5", "-", "+")) {
      assertFalse(StatementSummary.looksLikeFormula(value), value);
    }
    for (String value : List.of("=1", "-1+1", "+A1", "@x", "\tx", "\rx", "-cmd")) {
      assertTrue(StatementSummary.looksLikeFormula(value), value);
    }
  }

  @Test
  void onlyTheFirstFewPositionsAndAShortHeaderAreKept() throws Exception {
    StringBuilder csv = new StringBuilder("x".repeat(500));
    for (int i = 1; i < 30; i++) {
      csv.append(",h").append(i);
    }
    csv.append('\n');
    for (int i = 0; i < 100; i++) {
      csv.append("=1\n");
    }
    StatementSummary summary = read(csv.toString());
    assertEquals(30, summary.columns());
    assertEquals(StatementSummary.HEADER_CELLS, summary.header().size());
    assertEquals(StatementSummary.CELL_CHARS, summary.header().get(0).length());
    assertEquals(100, summary.flaggedCells());
    assertEquals(StatementSummary.POSITIONS, summary.firstFlagged().size());
  }

  @Test
  void aByteOrderMarkIsNotPartOfTheFirstCell() throws Exception {
    assertEquals(List.of("Date", "Amount"), read("\uFEFFDate,Amount\n1,2\n").header());
  }

  @Test
  void whatIsNotCsvIsRefusedWithTheReason() {
    assertTrue(refused(utf8("a,b\n\"open,1\n2,3\n")).contains("never closed"));
    assertTrue(refused(utf8("a,b\nsay \"x\",1\n")).contains("line 2 has a quote inside"));
    assertTrue(refused(utf8("a,b\n\"x\"y,1\n")).contains("text after a closing quote"));
    assertTrue(refused(new byte[] {'a', ',', (byte) 0xC3, 0x28, '\n'}).contains("not UTF-8"));
    assertTrue(refused(new byte[] {'a', ',', 0, '\n'}).contains("NUL"));
    assertTrue(refused(utf8("\n\r\n\n")).contains("no record"));
  }

  @Test
  void aRecordLongerThanTheBoundIsRefusedWithoutReadingItWhole() {
    String longQuote = "a,b\n\"" + "x\n".repeat(100) + "\"\n";
    var e =
        assertThrows(
            UploadException.class,
            () -> StatementSummary.ofCsv(new ByteArrayInputStream(utf8(longQuote)), 50));
    assertEquals(UploadError.UNSUPPORTED_TYPE, e.code());
    assertTrue(e.getMessage().contains("longer than 50 characters"), e.getMessage());
  }

  private static StatementSummary read(String csv) throws Exception {
    return StatementSummary.ofCsv(new ByteArrayInputStream(utf8(csv)));
  }

  private static String refused(byte[] csv) {
    var e =
        assertThrows(
            UploadException.class, () -> StatementSummary.ofCsv(new ByteArrayInputStream(csv)));
    assertEquals(UploadError.UNSUPPORTED_TYPE, e.code(), e.getMessage());
    return e.getMessage();
  }
}
