package io.bellhop.uploads.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellhop.uploads.UploadError;
import io.bellhop.uploads.UploadException;
import java.io.ByteArrayInputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class WorkbookOle2Test {

  @Test
  void anXlsWrittenByApachePoiIsAWorkbook() throws Exception {
    byte[] xls = SampleFiles.xls("Date", "Payee", "Amount");
    WorkbookOle2.check(new ByteArrayInputStream(xls), xls.length);
  }

  @Test
  void aCompoundFileWithoutAWorkbookStreamIsNotAnXls() {
    assertTrue(refused(SampleFiles.ole2WithoutWorkbook()).contains("without a Workbook stream"));
  }

  @Test
  void aBrokenHeaderOrDirectoryIsRefused() {
    byte[] xls = SampleFiles.xls("a");
    byte[] version = xls.clone();
    version[26] = 7;
    assertTrue(refused(version).contains("not version 3 or 4"));
    byte[] directory = xls.clone();
    directory[48] = (byte) 0xFE; // the directory's sector pointed past the end
    directory[49] = (byte) 0xFF;
    directory[50] = (byte) 0xFF;
    directory[51] = (byte) 0x7F;
    assertTrue(refused(directory).contains("past the end"));
    assertTrue(refused(Arrays.copyOf(xls, 100)).contains("no compound file header"));
  }

  private static String refused(byte[] file) {
    var e =
        assertThrows(
            UploadException.class,
            () -> WorkbookOle2.check(new ByteArrayInputStream(file), file.length));
    assertEquals(UploadError.UNSUPPORTED_TYPE, e.code(), e.getMessage());
    return e.getMessage();
  }
}
