package io.bellhop.uploads.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellhop.platform.ErrorCode;
import io.bellhop.platform.Principal;
import io.bellhop.platform.Roles;
import io.bellhop.platform.WireErrorCode;
import io.bellhop.testing.RealServicesTest;
import io.bellhop.uploads.CompletedUpload;
import io.bellhop.uploads.DeclaredUpload;
import io.bellhop.uploads.UploadError;
import io.bellhop.uploads.UploadException;
import io.bellhop.uploads.UploadState;
import io.bellhop.uploads.UploadWriter;
import io.bellhop.uploads.Uploads;
import io.bellhop.uploads.documents.DocumentJobs;
import io.bellhop.uploads.inspect.ContentInspector;
import io.bellhop.uploads.inspect.SampleFiles;
import io.bellhop.uploads.store.FileUploadStore;
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
import java.security.MessageDigest;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/**
 * The session core against real PostgreSQL and the filesystem store (and, extended by {@link
 * UploadSessionsOnJetStreamIT}, the JetStream store). "Another node" and "after a crash" are new
 * {@link UploadSessions} over the same database and storage, with a new store instance: nothing
 * survives but what is durable.
 */
@MicronautTest(startApplication = false, transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class UploadSessionsIT extends RealServicesTest {
  private static final int CHUNK = 64 * 1024;
  private static final Path DIRECTORY = temporaryDirectory();

  @Inject Uploads uploads;
  @Inject UploadStore store;
  @Inject UploadSessionRepository rows;
  @Inject UploadsConfig config;
  @Inject TransactionOperations<Connection> transactions;
  @Inject DocumentJobs documents;
  @Inject ContentInspector inspector;

  @Override
  public Map<String, String> getProperties() {
    var properties = new HashMap<>(super.getProperties());
    properties.put("bellhop.uploads.storage.directory", DIRECTORY.toString());
    properties.put("bellhop.outbox.relay-enabled", "false");
    properties.put("bellhop.uploads.ocr.enabled", "false");
    return properties;
  }

  @Test
  void aResumeAfterACrashContinuesAtTheCommittedOffsetAndTheSha256CoversEveryByte()
      throws Exception {
    Principal ada = user();
    byte[] file = bytes(5 * CHUNK + 123, 1);
    UploadWriter first = uploads.open(ada, declared(file.length, sha256(file)));
    String id = first.uploadId();
    assertEquals(CHUNK, first.write(0, chunk(file, 0)));
    assertEquals(2 * CHUNK, first.write(CHUNK, chunk(file, CHUNK)));
    // The crash came after the store took the third chunk and before the session committed it.
    store.append(id, 2 * CHUNK, chunk(file, 2 * CHUNK));

    UploadSessions restarted = anotherNode(new MovableClock());
    UploadWriter resumed = restarted.resume(ada, id);
    assertEquals(2 * CHUNK, resumed.offset());
    assertEquals(2 * CHUNK, store.length(id), "the uncommitted chunk is cut off");
    for (long at = resumed.offset(); at < file.length; at += CHUNK) {
      assertEquals(Math.min(at + CHUNK, file.length), resumed.write(at, chunk(file, at)));
    }
    CompletedUpload done = resumed.complete();

    assertEquals(new CompletedUpload(id, sha256(file), file.length, "image/jpeg"), done);
    assertArrayEquals(file, readComplete(id));
    var progress = uploads.progress(ada, id);
    assertEquals(UploadState.COMPLETE, progress.state());
    assertEquals(file.length, progress.offset());
    assertEquals(sha256(file), rows.findById(id).orElseThrow().sha256());
  }

  @Test
  void aUserWithAsManyOpenUploadsAsAllowedIsRefusedTheNextUntilOneIsDeleted() throws Exception {
    Principal ada = user();
    var open = new java.util.ArrayList<UploadWriter>();
    for (int i = 0; i < config.getMaxOpenPerUser(); i++) {
      open.add(uploads.open(ada, declared(10, null)));
    }

    expect(UploadError.TOO_MANY_UPLOADS, () -> uploads.open(ada, declared(10, null)));
    uploads.open(user(), declared(10, null)); // another user is not counted with Ada

    uploads.delete(ada, open.get(0).uploadId());
    uploads.open(ada, declared(10, null));
  }

  @Test
  void aTakeoverOnThisNodeTellsTheOldWriterAtOnceAndItCanNeverWriteAgain() throws Exception {
    Principal ada = user();
    byte[] file = bytes(3 * CHUNK, 2);
    UploadWriter old = uploads.open(ada, declared(file.length, null));
    old.write(0, chunk(file, 0));
    AtomicInteger told = new AtomicInteger();
    old.whenTakenOver(told::incrementAndGet);

    UploadWriter newer = uploads.resume(ada, old.uploadId());

    assertEquals(1, told.get());
    assertTrue(old.takenOver());
    expect(UploadError.UPLOAD_TAKEN_OVER, () -> old.write(CHUNK, chunk(file, CHUNK)));
    assertEquals(CHUNK, store.length(old.uploadId()), "the fenced writer stored nothing");
    assertEquals(CHUNK, uploads.progress(ada, old.uploadId()).offset());
    assertEquals(1, told.get());
    newer.write(CHUNK, chunk(file, CHUNK));
    newer.write(2 * CHUNK, chunk(file, 2 * CHUNK));
    assertEquals(sha256(file), newer.complete().sha256());
  }

  @Test
  void aTakeoverFromAnotherNodeFencesTheOldWriterAtItsNextWrite() throws Exception {
    Principal ada = user();
    byte[] file = bytes(4 * CHUNK, 3);
    UploadWriter old = uploads.open(ada, declared(file.length, sha256(file)));
    String id = old.uploadId();
    old.write(0, chunk(file, 0));
    AtomicInteger told = new AtomicInteger();
    old.whenTakenOver(told::incrementAndGet);

    UploadWriter newer = anotherNode(new MovableClock()).resume(ada, id);
    assertEquals(CHUNK, newer.offset());
    assertEquals(0, told.get(), "the other node cannot know yet");

    expect(UploadError.UPLOAD_TAKEN_OVER, () -> old.write(CHUNK, chunk(file, CHUNK)));
    assertEquals(1, told.get());
    assertTrue(old.takenOver());
    assertEquals(CHUNK, rows.findById(id).orElseThrow().committed(), "the offset did not move");
    expect(UploadError.UPLOAD_TAKEN_OVER, () -> old.write(CHUNK, chunk(file, CHUNK)));
    expect(UploadError.UPLOAD_TAKEN_OVER, old::complete);

    // The fenced writer's append reached the store before its commit was refused; the new
    // writer cuts it off and continues.
    for (long at = CHUNK; at < file.length; at += CHUNK) {
      newer.write(at, chunk(file, at));
    }
    assertEquals(sha256(file), newer.complete().sha256());
    assertArrayEquals(file, readComplete(id));
  }

  @Test
  void aResumeOnTheNodeHoldingThePreviousWriterCopiesItsDigestInsteadOfReReadingTheBytes()
      throws Exception {
    Principal ada = user();
    byte[] file = bytes(4 * CHUNK + 9, 16);
    var reads = new AtomicInteger();
    UploadSessions node = anotherNode(new MovableClock(), reads);
    String id = node.open(ada, declared(file.length, sha256(file))).uploadId();
    // One resume per chunk, the way a tus client sends one PATCH per chunk.
    for (long at = 0; at < file.length; at += CHUNK) {
      UploadWriter writer = node.resume(ada, id);
      assertEquals(at, writer.offset());
      writer.write(at, chunk(file, at));
    }
    UploadWriter last = node.resume(ada, id);

    assertEquals(0, reads.get(), "no resume re-read the committed bytes");
    assertEquals(sha256(file), last.complete().sha256());
    assertArrayEquals(file, readComplete(id));
  }

  @Test
  void aResumeReReadsTheBytesWhenThePreviousWriterHereIsBehindTheCommittedOffset()
      throws Exception {
    Principal ada = user();
    byte[] file = bytes(3 * CHUNK, 17);
    var reads = new AtomicInteger();
    UploadSessions here = anotherNode(new MovableClock(), reads);
    UploadWriter behind = here.open(ada, declared(file.length, sha256(file)));
    String id = behind.uploadId();
    behind.write(0, chunk(file, 0));
    UploadWriter elsewhere = anotherNode(new MovableClock()).resume(ada, id);
    elsewhere.write(CHUNK, chunk(file, CHUNK));

    UploadWriter resumed = here.resume(ada, id);

    assertEquals(1, reads.get(), "the digest was rebuilt from the stored bytes");
    assertEquals(2 * CHUNK, resumed.offset());
    resumed.write(2 * CHUNK, chunk(file, 2 * CHUNK));
    assertEquals(sha256(file), resumed.complete().sha256());
  }

  @Test
  void bytesForAnyOffsetButTheCommittedOneAreRefusedAsOutOfOrder() throws Exception {
    Principal ada = user();
    byte[] file = bytes(3 * CHUNK, 4);
    UploadWriter writer = uploads.open(ada, declared(file.length, null));
    writer.write(0, chunk(file, 0));
    expect(UploadError.OUT_OF_ORDER, () -> writer.write(0, chunk(file, 0)));
    expect(UploadError.OUT_OF_ORDER, () -> writer.write(2 * CHUNK, chunk(file, 2 * CHUNK)));
    assertEquals(CHUNK, writer.offset());
    assertEquals(CHUNK, store.length(writer.uploadId()));
    assertEquals(2 * CHUNK, writer.write(CHUNK, chunk(file, CHUNK)));
  }

  @Test
  void noBytePastTheDeclaredSizeIsStoredAndNoDeclarationPastTheLimitIsOpened() throws Exception {
    Principal ada = user();
    UploadWriter writer = uploads.open(ada, declared(100, null));
    assertEquals(60, writer.write(0, ByteBuffer.wrap(bytes(60, 5))));
    expect(UploadError.SIZE_EXCEEDED, () -> writer.write(60, ByteBuffer.wrap(bytes(41, 6))));
    assertEquals(60, store.length(writer.uploadId()));
    assertEquals(60, uploads.progress(ada, writer.uploadId()).offset());
    assertEquals(100, writer.write(60, ByteBuffer.wrap(bytes(40, 6))));
    expect(UploadError.SIZE_EXCEEDED, () -> writer.write(100, ByteBuffer.wrap(new byte[1])));

    expect(
        UploadError.SIZE_EXCEEDED,
        () -> uploads.open(ada, declared(config.getMaxSize() + 1, null)));
    expect(UploadError.SIZE_EXCEEDED, () -> uploads.open(ada, declared(0, null)));
  }

  @Test
  void aChecksumMismatchFailsTheUploadAndKeepsNoByte() throws Exception {
    Principal ada = user();
    byte[] file = bytes(CHUNK + 10, 7);
    byte[] other = Arrays.copyOf(file, file.length);
    other[0] ^= 1;
    UploadWriter writer =
        uploads.open(ada, declared(file.length, sha256(other).toUpperCase(java.util.Locale.ROOT)));
    writer.write(0, chunk(file, 0));
    writer.write(CHUNK, chunk(file, CHUNK));

    expect(UploadError.CHECKSUM_MISMATCH, writer::complete);
    expect(UploadError.UPLOAD_CLOSED, writer::complete);

    String id = writer.uploadId();
    assertEquals(0, store.length(id));
    assertThrows(NoSuchFileException.class, () -> store.openComplete(id));
    assertEquals(UploadState.FAILED, uploads.progress(ada, id).state());
    assertNull(rows.findById(id).orElseThrow().sha256());
    expect(UploadError.UPLOAD_CLOSED, () -> uploads.resume(ada, id));
  }

  @Test
  void completingBeforeEveryDeclaredByteIsStoredIsRefused() throws Exception {
    UploadWriter writer = uploads.open(user(), declared(100, null));
    writer.write(0, ByteBuffer.wrap(bytes(99, 8)));
    expect(UploadError.UPLOAD_INCOMPLETE, writer::complete);
    assertThrows(NoSuchFileException.class, () -> store.openComplete(writer.uploadId()));
  }

  @Test
  void theSweeperExpiresOverdueSessionsDeletesTheirBytesAndLaterTheirRows() throws Exception {
    MovableClock clock = new MovableClock();
    UploadSessions node = anotherNode(clock);
    Principal ada = user();
    UploadWriter overdue = node.open(ada, declared(100, null));
    overdue.write(0, ByteBuffer.wrap(bytes(50, 9)));
    UploadWriter completed = node.open(ada, declared(10, null));
    completed.write(0, ByteBuffer.wrap(bytes(10, 10)));
    completed.complete();
    AtomicInteger told = new AtomicInteger();
    overdue.whenTakenOver(told::incrementAndGet);

    clock.advance(config.getExpiry());
    expect(UploadError.UPLOAD_EXPIRED, () -> overdue.write(50, ByteBuffer.wrap(bytes(50, 11))));
    assertEquals(UploadState.EXPIRED, node.progress(ada, overdue.uploadId()).state());
    assertTrue(node.sweep(clock.instant(), 100) >= 1);

    assertEquals(0, told.get(), "expiry is not a takeover");
    expect(UploadError.UPLOAD_EXPIRED, () -> overdue.write(50, ByteBuffer.wrap(bytes(50, 11))));
    assertEquals(0, store.length(overdue.uploadId()));
    assertEquals(UploadState.EXPIRED, rows.findById(overdue.uploadId()).orElseThrow().state());
    expect(UploadError.UPLOAD_EXPIRED, () -> node.resume(ada, overdue.uploadId()));
    assertEquals(UploadState.COMPLETE, node.progress(ada, completed.uploadId()).state());
    assertArrayEquals(bytes(10, 10), readComplete(completed.uploadId()));

    clock.advance(config.getEndedRetention().plusSeconds(1));
    node.sweep(clock.instant(), 100);
    assertFalse(rows.findById(overdue.uploadId()).isPresent());
    expect(UploadError.UPLOAD_NOT_FOUND, () -> node.resume(ada, overdue.uploadId()));
    assertEquals(UploadState.COMPLETE, node.progress(ada, completed.uploadId()).state());
  }

  @Test
  void anotherOrgOrUserIsToldTheUploadDoesNotExist() throws Exception {
    Principal ada = user();
    UploadWriter writer = uploads.open(ada, declared(100, null));
    String id = writer.uploadId();
    Principal otherOrg =
        new Principal(ada.userId(), "org-" + uid(), "", Set.of(Roles.ORG_ADMIN), Set.of(), null);
    Principal otherUser =
        new Principal("u-" + uid(), ada.orgId(), "", Set.of(Roles.ORG_ADMIN), Set.of(), null);
    for (Principal stranger : new Principal[] {otherOrg, otherUser}) {
      var resume = expect(UploadError.UPLOAD_NOT_FOUND, () -> uploads.resume(stranger, id));
      var progress = expect(UploadError.UPLOAD_NOT_FOUND, () -> uploads.progress(stranger, id));
      var delete = expect(UploadError.UPLOAD_NOT_FOUND, () -> uploads.delete(stranger, id));
      assertEquals("no such upload", resume.getMessage());
      assertEquals(resume.getMessage(), progress.getMessage());
      assertEquals(resume.getMessage(), delete.getMessage());
    }
    expect(UploadError.UPLOAD_NOT_FOUND, () -> uploads.resume(ada, "up_" + uid()));
    expect(UploadError.UPLOAD_NOT_FOUND, () -> uploads.resume(ada, "../" + id));
    assertFalse(writer.takenOver());
    assertEquals(100, writer.size());
    assertEquals(10, writer.write(0, ByteBuffer.wrap(bytes(10, 12))));
  }

  @Test
  void openRefusesServiceCredentialsForeignPropertiesAndUnsupportedTypes() {
    Principal publisher =
        new Principal("svc", "org-" + uid(), "", Set.of(Roles.PUBLISHER), Set.of(), null);
    expect(ErrorCode.FORBIDDEN, () -> uploads.open(publisher, declared(10, null)));
    Principal staff =
        new Principal("u-" + uid(), "org-" + uid(), "", Set.of("staff"), Set.of("p2"), null);
    expect(ErrorCode.FORBIDDEN, () -> uploads.open(staff, declared(10, null)));
    Principal ada = user();
    expect(
        UploadError.UNSUPPORTED_TYPE,
        () ->
            uploads.open(
                ada,
                new DeclaredUpload(
                    "a.exe", 10, "application/x-msdownload", "passport", "g1", "p1", null)));
    expect(
        UploadError.UNSUPPORTED_TYPE,
        () ->
            uploads.open(
                ada,
                new DeclaredUpload("a.jpg", 10, "image/jpeg", "tax_return", "g1", "p1", null)));
    expect(
        UploadError.UNSUPPORTED_TYPE,
        () ->
            uploads.open(
                ada,
                new DeclaredUpload("s.pdf", 10, "application/pdf", "statement", "g1", "p1", null)));
    expect(
        ErrorCode.BAD_REQUEST,
        () ->
            uploads.open(
                ada, new DeclaredUpload("a.jpg", 10, "image/jpeg", "passport", "g/1", "p1", null)));
    expect(
        ErrorCode.BAD_REQUEST,
        () ->
            uploads.open(
                ada,
                new DeclaredUpload("a\nb.jpg", 10, "image/jpeg", "passport", "g1", "p1", null)));
    expect(ErrorCode.BAD_REQUEST, () -> uploads.open(ada, declared(10, "abc")));
  }

  @Test
  void deleteRemovesTheSessionAndItsBytesAndFencesItsWriter() throws Exception {
    Principal ada = user();
    UploadWriter writer = uploads.open(ada, declared(100, null));
    writer.write(0, ByteBuffer.wrap(bytes(30, 13)));
    String id = writer.uploadId();

    uploads.delete(ada, id);

    assertFalse(writer.takenOver());
    assertEquals(0, store.length(id));
    assertFalse(rows.findById(id).isPresent());
    expect(UploadError.UPLOAD_NOT_FOUND, () -> uploads.progress(ada, id));
    expect(UploadError.UPLOAD_CLOSED, () -> writer.write(30, ByteBuffer.wrap(bytes(1, 14))));
    assertEquals(0, store.length(id), "the deleted upload's writer stored nothing");
  }

  @Test
  void theLastChunkMayBeShortAndAnEmptyWriteChangesNothing() throws Exception {
    UploadWriter writer = uploads.open(user(), declared(CHUNK + 1, null));
    assertEquals(0, writer.write(0, ByteBuffer.allocate(0)));
    assertEquals(CHUNK, writer.write(0, ByteBuffer.wrap(bytes(CHUNK, 15))));
    assertEquals(CHUNK + 1, writer.write(CHUNK, ByteBuffer.wrap(new byte[] {7})));
    assertEquals(CHUNK + 1, writer.complete().size());
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

  /** A new instance over this test's storage: another node's, or this one's after a crash. */
  UploadStore anotherStore() throws IOException {
    return new FileUploadStore(DIRECTORY);
  }

  private UploadSessions anotherNode(MovableClock clock) throws IOException {
    return new UploadSessions(
        rows, anotherStore(), config, transactions, documents, inspector, clock);
  }

  /** Another node whose store counts how often the committed bytes are read back. */
  private UploadSessions anotherNode(MovableClock clock, AtomicInteger reads) throws IOException {
    return new UploadSessions(
        rows,
        new ReadCountingStore(anotherStore(), reads),
        config,
        transactions,
        documents,
        inspector,
        clock);
  }

  /** The real store, counting how often bytes are read back from it. */
  private record ReadCountingStore(UploadStore store, AtomicInteger reads) implements UploadStore {
    @Override
    public long length(String uploadId) throws IOException {
      return store.length(uploadId);
    }

    @Override
    public long append(String uploadId, long offset, ByteBuffer bytes) throws IOException {
      return store.append(uploadId, offset, bytes);
    }

    @Override
    public void truncate(String uploadId, long length) throws IOException {
      store.truncate(uploadId, length);
    }

    @Override
    public InputStream read(String uploadId, long length) throws IOException {
      reads.incrementAndGet();
      return store.read(uploadId, length);
    }

    @Override
    public void complete(String uploadId, long length) throws IOException {
      store.complete(uploadId, length);
    }

    @Override
    public InputStream openComplete(String uploadId) throws IOException {
      return store.openComplete(uploadId);
    }

    @Override
    public void delete(String uploadId) throws IOException {
      store.delete(uploadId);
    }
  }

  private byte[] readComplete(String id) throws IOException {
    try (InputStream in = anotherStore().openComplete(id)) {
      return in.readAllBytes();
    }
  }

  private static UploadException expect(WireErrorCode code, Executable call) {
    UploadException e = assertThrows(UploadException.class, call);
    assertEquals(code, e.code(), e.getMessage());
    return e;
  }

  private static Principal user() {
    return new Principal(
        "u-" + uid(),
        "org-" + uid(),
        "Ada",
        Set.of("staff"),
        Set.of("p1"),
        Instant.now().plus(Duration.ofHours(1)));
  }

  private static DeclaredUpload declared(long size, String sha256) {
    return new DeclaredUpload("passport.jpg", size, "image/jpeg", "passport", "g1", "p1", sha256);
  }

  private static ByteBuffer chunk(byte[] file, long at) {
    int from = (int) at;
    return ByteBuffer.wrap(file, from, Math.min(CHUNK, file.length - from));
  }

  /** Random bytes after a JPEG signature: the sessions sniff the type of what they store. */
  private static byte[] bytes(int n, long seed) {
    return SampleFiles.jpegSignedNoise(n, seed);
  }

  private static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  private static String uid() {
    return UUID.randomUUID().toString().substring(0, 8);
  }

  private static Path temporaryDirectory() {
    try {
      return Files.createTempDirectory("bellhop-uploads-it");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
