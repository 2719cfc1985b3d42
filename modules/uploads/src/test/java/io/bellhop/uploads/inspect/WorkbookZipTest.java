package io.bellhop.uploads.inspect;

import static io.bellhop.uploads.inspect.SampleFiles.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellhop.uploads.UploadError;
import io.bellhop.uploads.UploadException;
import java.io.ByteArrayInputStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class WorkbookZipTest {
  private final WorkbookZip defaults = new WorkbookZip(new InspectConfig());

  @Test
  void aWorkbookZippedHerePassesAndItsFirstSheetIsSummarised() throws Exception {
    StatementSummary summary =
        defaults.check(new ByteArrayInputStream(SampleFiles.xlsx("Date", "Payee", "Amount")));
    assertEquals(2, summary.rows());
    assertEquals(3, summary.columns());
    assertEquals(List.of("Date", "Payee", "Amount"), summary.header());
    assertEquals(1, summary.flaggedCells());
    assertEquals(List.of(new StatementSummary.Cell(3, 3)), summary.firstFlagged());
  }

  @Test
  void aSheetThatIsNotXmlIsRefused() {
    Map<String, byte[]> entries = workbookEntries();
    entries.put("xl/worksheets/sheet1.xml", utf8("<worksheet><sheetData><row>"));
    assertTrue(refused(defaults, SampleFiles.zip(entries)).contains("not well-formed XML"));
    entries.put(
        "xl/worksheets/sheet1.xml",
        utf8("<!DOCTYPE w [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><worksheet>&x;</worksheet>"));
    refused(defaults, SampleFiles.zip(entries));
  }

  @Test
  void aZipBombIsStoppedByItsRatioLongBeforeItIsInflated() {
    byte[] bomb = SampleFiles.zipBomb(64 * 1024 * 1024);
    assertTrue(bomb.length < 100 * 1024, "64 MiB of spaces deflate to " + bomb.length + " bytes");
    assertTrue(refused(defaults, bomb).contains("ZIP bomb"));
  }

  @Test
  void theTotalInflatedSizeIsBoundedEvenAtAnHonestRatio() {
    byte[] text = new byte[3 * 1024 * 1024];
    Random random = new Random(7);
    for (int i = 0; i < text.length; i++) {
      text[i] = (byte) ('a' + random.nextInt(26));
    }
    Map<String, byte[]> entries = workbookEntries();
    entries.put("xl/media/data.bin", text);
    var smallLimit = new WorkbookZip(1000, 2 * 1024 * 1024, 100);
    assertTrue(refused(smallLimit, SampleFiles.zip(entries)).contains("inflate to more than"));
  }

  @Test
  void tooManyEntriesAreRefused() {
    Map<String, byte[]> entries = workbookEntries();
    for (int i = 0; i < 20; i++) {
      entries.put("xl/media/image" + i + ".png", new byte[1]);
    }
    assertTrue(
        refused(new WorkbookZip(10, 1 << 20, 100), SampleFiles.zip(entries))
            .contains("more than 10 entries"));
  }

  @Test
  void aZipWithoutAWorkbookIsNotAnXlsx() {
    Map<String, byte[]> document = new LinkedHashMap<>();
    document.put("[Content_Types].xml", utf8("<Types/>"));
    document.put("word/document.xml", utf8("<document/>"));
    assertTrue(refused(defaults, SampleFiles.zip(document)).contains("xl/workbook.xml"));
  }

  @Test
  void aTruncatedOrCorruptZipIsRefusedNotFailedAsStorage() {
    byte[] xlsx = SampleFiles.xlsx("a", "b");
    refused(defaults, Arrays.copyOf(xlsx, 60));
    byte[] corrupt = xlsx.clone();
    for (int i = 40; i < 80; i++) {
      corrupt[i] ^= 0x5A;
    }
    refused(defaults, corrupt);
  }

  @Test
  void aStorageFailureWhileTheSheetIsReadIsAFailureToReadNotARefusal() {
    StringBuilder rows = new StringBuilder("<worksheet><sheetData>");
    Random random = new Random(3);
    while (rows.length() < 1024 * 1024) {
      rows.append("<row><c><v>").append(random.nextInt()).append("</v></c></row>");
    }
    Map<String, byte[]> entries = workbookEntries();
    entries.put("xl/worksheets/sheet1.xml", utf8(rows.append("</sheetData></worksheet>") + ""));
    byte[] zip = SampleFiles.zip(entries);
    var failing =
        new java.io.FilterInputStream(new ByteArrayInputStream(zip)) {
          private int left = zip.length / 2;

          @Override
          public int read(byte[] b, int off, int len) throws java.io.IOException {
            if (left <= 0) {
              throw new java.io.IOException("the disk went away");
            }
            int n = super.read(b, off, Math.min(len, left));
            left -= Math.max(n, 0);
            return n;
          }
        };
    var e = assertThrows(java.io.IOException.class, () -> defaults.check(failing));
    assertEquals("the disk went away", e.getMessage());
  }

  private static Map<String, byte[]> workbookEntries() {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put("[Content_Types].xml", utf8("<Types/>"));
    entries.put("xl/workbook.xml", utf8("<workbook/>"));
    return entries;
  }

  private static String refused(WorkbookZip guard, byte[] zip) {
    var e = assertThrows(UploadException.class, () -> guard.check(new ByteArrayInputStream(zip)));
    assertEquals(UploadError.UNSUPPORTED_TYPE, e.code(), e.getMessage());
    return e.getMessage();
  }
}
