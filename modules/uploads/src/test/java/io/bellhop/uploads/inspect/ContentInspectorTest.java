package io.bellhop.uploads.inspect;

import static io.bellhop.uploads.inspect.SampleFiles.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellhop.uploads.DocumentType;
import io.bellhop.uploads.UploadError;
import io.bellhop.uploads.UploadException;
import io.micronaut.json.JsonMapper;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContentInspectorTest {
  private final InspectConfig config = new InspectConfig();
  private final ContentInspector inspector =
      new ContentInspector(config, JsonMapper.createDefault());

  @Test
  void imagesAndPdfsAreKnownByTheirBytesWhateverTheyAreCalled() throws Exception {
    assertEquals("image/jpeg", inspect(DocumentType.PASSPORT, SampleFiles.jpeg(320, 200)));
    assertEquals("image/png", inspect(DocumentType.AADHAAR, SampleFiles.png(320, 200)));
    assertEquals("image/webp", inspect(DocumentType.PHOTO, SampleFiles.webp()));
    assertEquals("application/pdf", inspect(DocumentType.VISA, SampleFiles.pdf()));
  }

  @Test
  void spreadsheetsAreKnownByTheirBytesAndLookedInto() throws Exception {
    assertEquals(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        inspect(DocumentType.STATEMENT, SampleFiles.xlsx("Date", "Amount")));
    assertEquals(
        "application/vnd.ms-excel",
        inspect(DocumentType.STATEMENT, SampleFiles.xls("Date", "Amount")));
    assertEquals("text/csv", inspect(DocumentType.STATEMENT, utf8("Date,Amount\n1,2\n")));
  }

  @Test
  void aRenamedExecutableOrScriptIsRefusedForEveryDocumentType() {
    for (byte[] program :
        List.of(
            SampleFiles.elf(16 * 1024),
            SampleFiles.windowsExecutable(4096),
            SampleFiles.shellScript())) {
      for (DocumentType type : DocumentType.values()) {
        var refused = refused(() -> inspect(type, program));
        assertTrue(refused.getMessage().contains("does not accept"), refused.getMessage());
      }
    }
    assertTrue(
        refused(() -> inspect(DocumentType.PASSPORT, SampleFiles.elf(100)))
            .getMessage()
            .startsWith("the file's bytes are application/x-executable, which passport does"));
  }

  @Test
  void eachDocumentTypeTakesOnlyItsOwnFormats() {
    refused(() -> inspect(DocumentType.PASSPORT, SampleFiles.xlsx("a")));
    refused(() -> inspect(DocumentType.PHOTO, SampleFiles.pdf()));
    refused(() -> inspect(DocumentType.STATEMENT, SampleFiles.png(10, 10)));
    refused(() -> inspect(DocumentType.PASSPORT, utf8("just some text")));
    var random = new byte[5000];
    new java.util.Random(1).nextBytes(random);
    random[0] = 0x01;
    var unknown = refused(() -> inspect(DocumentType.PHOTO, random));
    assertTrue(unknown.getMessage().contains("of no recognised type"), unknown.getMessage());
  }

  @Test
  void aStatementsCsvIsSummarisedAndItsSummaryIsJson() throws Exception {
    byte[] csv = utf8("Date,Payee,Amount\n2024-01-02,\"Shop, Ltd\",-12.50\n2024-01-03,x,=1+1\n");
    Inspection found =
        inspector.inspect(DocumentType.STATEMENT, csv.length, new ByteArrayInputStream(csv));
    assertEquals("text/csv", found.mimetype());
    assertEquals(2, found.statement().rows());
    assertEquals(List.of("Date", "Payee", "Amount"), found.statement().header());
    assertEquals(List.of(new StatementSummary.Cell(3, 3)), found.statement().firstFlagged());
    assertEquals(
        "{\"rows\":2,\"columns\":3,\"header\":[\"Date\",\"Payee\",\"Amount\"],"
            + "\"flaggedCells\":1,\"firstFlagged\":[{\"row\":3,\"column\":3}]}",
        inspector.toJson(found.statement()));
    assertNull(inspector.toJson(null));
  }

  @Test
  void theHeadIsCheckedWhenItIsCompleteNotBefore() throws Exception {
    byte[] elf = SampleFiles.elf(3 * config.getSniffBytes());
    HeadSniffer sniffer = inspector.sniffer(DocumentType.PASSPORT, elf.length);
    sniffer.check(0, ByteBuffer.wrap(elf, 0, 10));
    assertTrue(sniffer.pending(10));
    sniffer.check(10, ByteBuffer.wrap(elf, 10, 1000));
    var refused =
        assertThrows(
            UploadException.class,
            () -> sniffer.check(1010, ByteBuffer.wrap(elf, 1010, config.getSniffBytes())));
    assertEquals(UploadError.UNSUPPORTED_TYPE, refused.code());
    assertFalse(sniffer.pending(config.getSniffBytes()));

    // Past the head nothing is looked at, and the bytes are never consumed.
    ByteBuffer later = ByteBuffer.wrap(elf, config.getSniffBytes(), 100);
    sniffer.check(config.getSniffBytes(), later);
    assertEquals(100, later.remaining());
  }

  @Test
  void aFileSmallerThanTheHeadIsCheckedWithItsLastByte() throws Exception {
    byte[] png = SampleFiles.png(8, 8);
    assertTrue(png.length < config.getSniffBytes());
    HeadSniffer good = inspector.sniffer(DocumentType.PHOTO, png.length);
    good.check(0, ByteBuffer.wrap(png, 0, 5));
    good.check(5, ByteBuffer.wrap(png, 5, png.length - 5));

    byte[] script = SampleFiles.shellScript();
    HeadSniffer bad = inspector.sniffer(DocumentType.PHOTO, script.length);
    bad.check(0, ByteBuffer.wrap(script, 0, 3));
    assertEquals(
        UploadError.UNSUPPORTED_TYPE,
        assertThrows(
                UploadException.class,
                () -> bad.check(3, ByteBuffer.wrap(script, 3, script.length - 3)))
            .code());
  }

  @Test
  void aResumedSnifferIsGivenTheCommittedHeadBack() throws Exception {
    byte[] jpeg = SampleFiles.jpeg(400, 300);
    HeadSniffer resumed = inspector.sniffer(DocumentType.PASSPORT, jpeg.length);
    resumed.restore(new ByteArrayInputStream(jpeg), 100);
    byte[] rest = Arrays.copyOfRange(jpeg, 100, jpeg.length);
    resumed.check(100, ByteBuffer.wrap(rest));
    assertFalse(resumed.pending(jpeg.length));

    // A resumed head that was not a JPEG is still refused when it completes.
    byte[] elf = SampleFiles.elf(jpeg.length);
    HeadSniffer other = inspector.sniffer(DocumentType.PASSPORT, elf.length);
    other.restore(new ByteArrayInputStream(elf), 100);
    assertThrows(
        UploadException.class,
        () -> other.check(100, ByteBuffer.wrap(Arrays.copyOfRange(jpeg, 100, jpeg.length))));
  }

  private String inspect(DocumentType type, byte[] file) throws Exception {
    HeadSniffer sniffer = inspector.sniffer(type, file.length);
    sniffer.check(0, ByteBuffer.wrap(file));
    return inspector.inspect(type, file.length, new ByteArrayInputStream(file)).mimetype();
  }

  private static UploadException refused(org.junit.jupiter.api.function.Executable call) {
    var e = assertThrows(UploadException.class, call);
    assertEquals(UploadError.UNSUPPORTED_TYPE, e.code(), e.getMessage());
    return e;
  }
}
