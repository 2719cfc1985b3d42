package io.bellhop.uploads.inspect;

import static io.bellhop.uploads.inspect.SampleFiles.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellhop.platform.Principal;
import io.bellhop.platform.WireErrorCode;
import io.bellhop.testing.RealServicesTest;
import io.bellhop.uploads.CompletedUpload;
import io.bellhop.uploads.DeclaredUpload;
import io.bellhop.uploads.UploadError;
import io.bellhop.uploads.UploadException;
import io.bellhop.uploads.UploadState;
import io.bellhop.uploads.UploadWriter;
import io.bellhop.uploads.Uploads;
import io.bellhop.uploads.store.UploadStore;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/**
 * Validation through the {@link Uploads} API against real PostgreSQL and the filesystem store: what
 * is refused, when, and that nothing of a refused upload is kept.
 */
@MicronautTest(startApplication = false, transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class UploadValidationIT extends RealServicesTest {
  private static final Path DIRECTORY = temporaryDirectory();
  private static final int LIMIT = 256 * 1024;

  @Inject Uploads uploads;
  @Inject UploadStore store;
  @Inject TransactionOperations<Connection> transactions;

  @Override
  public Map<String, String> getProperties() {
    var properties = new HashMap<>(super.getProperties());
    properties.put("bellhop.uploads.storage.directory", DIRECTORY.toString());
    properties.put("bellhop.uploads.max-size", Integer.toString(LIMIT));
    properties.put("bellhop.outbox.relay-enabled", "false");
    return properties;
  }

  @Test
  void aRenamedExecutableIsRefusedAtItsFirstWriteAndNothingOfItIsKept() throws Exception {
    Principal ada = user();
    byte[] elf = SampleFiles.elf(200 * 1024);
    UploadWriter writer = uploads.open(ada, declared("photo.jpg", elf, "image/jpeg", "passport"));
    String id = writer.uploadId();

    var refused = expect(UploadError.UNSUPPORTED_TYPE, () -> writer.write(0, slice(elf, 0, 65536)));

    assertTrue(refused.getMessage().contains("application/x-executable"), refused.getMessage());
    assertNothingKept(ada, id);
    expect(UploadError.UPLOAD_CLOSED, () -> writer.write(0, slice(elf, 0, 65536)));
    expect(UploadError.UPLOAD_CLOSED, () -> uploads.resume(ada, id));
  }

  @Test
  void aFirstWriteShorterThanTheHeadIsCheckedWithTheWriteThatCompletesIt() throws Exception {
    Principal ada = user();
    byte[] script = SampleFiles.shellScript();
    byte[] file = java.util.Arrays.copyOf(script, 20 * 1024);
    UploadWriter writer = uploads.open(ada, declared("scan.pdf", file, "application/pdf", "visa"));
    String id = writer.uploadId();
    assertEquals(10, writer.write(0, slice(file, 0, 10)));
    assertEquals(10, store.length(id), "too little to sniff: stored, not yet judged");

    expect(UploadError.UNSUPPORTED_TYPE, () -> writer.write(10, slice(file, 10, 16 * 1024)));
    assertNothingKept(ada, id);
  }

  @Test
  void aResumeInsideTheHeadStillHasTheHeadChecked() throws Exception {
    Principal ada = user();
    byte[] exe = SampleFiles.windowsExecutable(30 * 1024);
    UploadWriter first = uploads.open(ada, declared("id.png", exe, "image/png", "aadhaar"));
    String id = first.uploadId();
    first.write(0, slice(exe, 0, 100));
    first.close();

    UploadWriter resumed = uploads.resume(ada, id);
    assertEquals(100, resumed.offset());
    expect(UploadError.UNSUPPORTED_TYPE, () -> resumed.write(100, slice(exe, 100, 20 * 1024)));
    assertNothingKept(ada, id);
  }

  @Test
  void aGoodPngDeclaredAsAJpegCompletesAsTheSniffedPng() throws Exception {
    Principal ada = user();
    byte[] png = SampleFiles.png(600, 400);
    UploadWriter writer = uploads.open(ada, declared("scan.jpg", png, "image/jpeg", "passport"));
    String id = writer.uploadId();
    for (int at = 0; at < png.length; at += 4096) {
      writer.write(at, slice(png, at, Math.min(4096, png.length - at)));
    }

    CompletedUpload done = writer.complete();

    assertEquals("image/png", done.mimetype());
    assertEquals(png.length, done.size());
    assertEquals("image/png", column(id, "content_type"));
    assertNull(column(id, "statement_summary"));
    try (InputStream in = store.openComplete(id)) {
      assertEquals(png.length, in.readAllBytes().length);
    }
  }

  @Test
  void aZipBombDeclaredAsAStatementIsRefusedAtCompletionAndDiscarded() throws Exception {
    Principal ada = user();
    byte[] bomb = SampleFiles.zipBomb(64 * 1024 * 1024);
    UploadWriter writer =
        uploads.open(
            ada,
            declared(
                "march.xlsx",
                bomb,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "statement"));
    String id = writer.uploadId();
    assertEquals(bomb.length, writer.write(0, ByteBuffer.wrap(bomb)), "a ZIP passes the sniff");

    var refused = expect(UploadError.UNSUPPORTED_TYPE, writer::complete);

    assertTrue(refused.getMessage().contains("ZIP bomb"), refused.getMessage());
    assertNothingKept(ada, id);
    assertNull(column(id, "content_type"));
  }

  @Test
  void aCsvWithFormulaCellsCompletesWithTheCellsFlagged() throws Exception {
    Principal ada = user();
    byte[] csv =
        utf8(
            "Date,Payee,Amount\r\n"
                + "2024-03-01,\"Hotel \"\"Bellhop\"\"\",-120.00\r\n"
                + "2024-03-02,\"=HYPERLINK(\"\"http://127.0.0.1\"\")\",\"line one\r\nline two\"\r\n"
                + "2024-03-03,@SUM(1+1),+5\r\n");
    UploadWriter writer = uploads.open(ada, declared("march.csv", csv, "text/csv", "statement"));
    writer.write(0, ByteBuffer.wrap(csv));

    CompletedUpload done = writer.complete();

    assertEquals("text/csv", done.mimetype());
    assertEquals("text/csv", column(done.fileId(), "content_type"));
    assertEquals(
        "{\"rows\": 3, \"header\": [\"Date\", \"Payee\", \"Amount\"], \"columns\": 3,"
            + " \"firstFlagged\": [{\"row\": 3, \"column\": 2}, {\"row\": 4, \"column\": 2}],"
            + " \"flaggedCells\": 2}",
        column(done.fileId(), "statement_summary"));
  }

  @Test
  void anXlsxLabelledAsAnXlsCompletesAsAnXlsxWithItsFirstSheetSummarised() throws Exception {
    Principal ada = user();
    byte[] xlsx = SampleFiles.xlsx("Date", "Payee", "Amount");
    UploadWriter writer =
        uploads.open(ada, declared("march.xls", xlsx, "application/vnd.ms-excel", "statement"));
    writer.write(0, ByteBuffer.wrap(xlsx));

    CompletedUpload done = writer.complete();

    assertEquals(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", done.mimetype());
    assertEquals(
        "{\"rows\": 2, \"header\": [\"Date\", \"Payee\", \"Amount\"], \"columns\": 3,"
            + " \"firstFlagged\": [{\"row\": 3, \"column\": 3}], \"flaggedCells\": 1}",
        column(done.fileId(), "statement_summary"));
  }

  @Test
  void aCsvStatementThatDoesNotParseIsRefusedAtCompletionAndDiscarded() throws Exception {
    Principal ada = user();
    byte[] csv = utf8("Date,Amount\n2024-03-01,\"12.00\n");
    UploadWriter writer = uploads.open(ada, declared("march.csv", csv, "text/csv", "statement"));
    writer.write(0, ByteBuffer.wrap(csv));

    var refused = expect(UploadError.UNSUPPORTED_TYPE, writer::complete);

    assertTrue(refused.getMessage().startsWith("the file does not parse as CSV: a quote opened"));
    assertNothingKept(ada, writer.uploadId());
  }

  @Test
  void anUploadOfExactlyTheLimitIsTakenAndNotOneByteMore() throws Exception {
    Principal ada = user();
    byte[] jpeg = java.util.Arrays.copyOf(SampleFiles.jpeg(64, 64), LIMIT);
    expect(
        UploadError.SIZE_EXCEEDED,
        () ->
            uploads.open(
                ada,
                new DeclaredUpload(
                    "big.jpg", LIMIT + 1L, "image/jpeg", "photo", "g1", "p1", null)));
    UploadWriter writer = uploads.open(ada, declared("big.jpg", jpeg, "image/jpeg", "photo"));
    assertEquals(LIMIT - 1, writer.write(0, slice(jpeg, 0, LIMIT - 1)));
    expect(UploadError.SIZE_EXCEEDED, () -> writer.write(LIMIT - 1, ByteBuffer.allocate(2)));
    assertEquals(LIMIT - 1, store.length(writer.uploadId()), "nothing of the refused write");
    assertEquals(LIMIT, writer.write(LIMIT - 1, slice(jpeg, LIMIT - 1, 1)));
    expect(UploadError.SIZE_EXCEEDED, () -> writer.write(LIMIT, ByteBuffer.allocate(1)));
    assertEquals(LIMIT, writer.complete().size());
    assertEquals(LIMIT, store.length(writer.uploadId()));
  }

  @AfterAll
  void removeDirectory() throws IOException {
    try (var files = Files.walk(DIRECTORY)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  // ------------------------------------------------------------------ helpers

  /** A refused upload: failed, no byte stored, no file, neither partial nor complete on disk. */
  private void assertNothingKept(Principal owner, String id) throws Exception {
    assertEquals(UploadState.FAILED, uploads.progress(owner, id).state());
    assertEquals(0, store.length(id));
    assertThrows(NoSuchFileException.class, () -> store.openComplete(id));
    assertFalse(Files.exists(DIRECTORY.resolve("partial").resolve(id)));
    assertFalse(Files.exists(DIRECTORY.resolve("complete").resolve(id)));
  }

  /** One column of the session's row, as text. */
  private String column(String id, String column) {
    return transactions.executeRead(
        status -> {
          try (var query =
              status
                  .getConnection()
                  .prepareStatement(
                      "SELECT " + column + "::text FROM uploads.upload_sessions WHERE id = ?")) {
            query.setString(1, id);
            try (ResultSet row = query.executeQuery()) {
              assertTrue(row.next(), "no row for " + id);
              return row.getString(1);
            }
          }
        });
  }

  private static ByteBuffer slice(byte[] file, int from, int length) {
    return ByteBuffer.wrap(file, from, length);
  }

  private static DeclaredUpload declared(
      String filename, byte[] file, String mimetype, String documentType) {
    return new DeclaredUpload(filename, file.length, mimetype, documentType, "g1", "p1", null);
  }

  private static UploadException expect(WireErrorCode code, Executable call) {
    UploadException e = assertThrows(UploadException.class, call);
    assertEquals(code, e.code(), e.getMessage());
    return e;
  }

  private static Principal user() {
    String uid = UUID.randomUUID().toString().substring(0, 8);
    return new Principal(
        "u-" + uid,
        "org-" + uid,
        "Ada",
        Set.of("staff"),
        Set.of("p1"),
        Instant.now().plus(Duration.ofHours(1)));
  }

  private static Path temporaryDirectory() {
    try {
      return Files.createTempDirectory("bellhop-validation-it");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
