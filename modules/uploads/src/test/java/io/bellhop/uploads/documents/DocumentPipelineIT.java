package io.bellhop.uploads.documents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellhop.events.EventEnvelope;
import io.bellhop.events.EventLog;
import io.bellhop.events.Service;
import io.bellhop.platform.Principal;
import io.bellhop.testing.RealServicesTest;
import io.bellhop.testing.TestTokens;
import io.bellhop.uploads.DeclaredUpload;
import io.bellhop.uploads.Uploads;
import io.bellhop.uploads.documents.Specimens.Specimen;
import io.bellhop.uploads.documents.Specimens.Variant;
import io.bellhop.uploads.store.UploadStore;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The OCR pipeline end to end, against real PostgreSQL, NATS (the event log, through the outbox)
 * and tesseract: an upload completed through {@link Uploads} becomes a document whose fields are
 * stored, published as {@code guest}/{@code document.ocr.completed} and served by {@code GET
 * /v2/documents/{fileId}}. Jobs a "dead node" held are written as that node left them: claimed,
 * with a lease.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(180)
class DocumentPipelineIT extends RealServicesTest {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final int CHUNK = 64 * 1024;

  @Inject Uploads uploads;
  @Inject DocumentJobs jobs;
  @Inject DocumentRepository documents;
  @Inject UploadStore store;
  @Inject EventLog log;
  @Inject EmbeddedServer server;
  @Inject JsonMapper json;
  @Inject OcrConfig config;
  @Inject TransactionOperations<Connection> transactions;

  private final HttpClient http = HttpClient.newHttpClient();

  @Override
  public Map<String, String> getProperties() {
    var properties = new HashMap<>(super.getProperties());
    properties.putAll(APP_SETTINGS);
    properties.put("bellhop.uploads.storage.directory", temporaryDirectory().toString());
    properties.put("bellhop.uploads.ocr.workers", "1");
    properties.put("bellhop.uploads.ocr.poll-interval", "200ms");
    return properties;
  }

  @BeforeAll
  static void needsTesseractPdftoppmAndAFont() {
    // infra/deps.sh installs them: a machine without them fails here rather than skipping.
    assertTrue(onPath("tesseract"), "tesseract is not installed (infra/deps.sh: tesseract-ocr)");
    assertTrue(onPath("pdftoppm"), "pdftoppm is not installed (infra/deps.sh: poppler-utils)");
    Specimens.font();
  }

  @Test
  void aCompletedPassportUploadIsReadStoredPublishedAndServedToItsOrgOnly() throws Exception {
    String org = newOrg();
    Specimen specimen = Specimens.td3Specimen();
    byte[] png = Specimens.image(specimen, Variant.CLEAN);

    String fileId = upload(staff(org, "p1"), "passport", "passport.png", "image/png", png);

    DocumentRow recorded = documents.findById(fileId).orElseThrow();
    assertEquals(
        List.of(org, "g1", "p1", "passport", "image/png", (long) png.length, sha256(png)),
        List.of(
            recorded.orgId(),
            recorded.guestId(),
            recorded.propertyId(),
            recorded.documentType(),
            recorded.mimetype(),
            recorded.size(),
            recorded.sha256()));
    DocumentRow done = awaitFinished(fileId);
    assertEquals(OcrStatus.DONE, done.ocrStatus(), () -> "error: " + done.ocrError());
    assertEquals(1, done.pages());
    Map<String, Object> stored = object(done.ocrResult());
    assertFields(specimen, map(stored.get("fields")));
    assertEquals("valid", map(map(stored.get("fields")).get("documentNumber")).get("checksum"));

    EventEnvelope event = awaitEvent(org, fileId);
    assertEquals(Service.GUEST, event.service());
    assertEquals(DocumentJobs.COMPLETED, event.type());
    assertEquals("p1", event.propertyId());
    Map<String, Object> payload = object(event.payload());
    assertEquals(fileId, payload.get("fileId"));
    assertEquals(fileId, payload.get("uploadId"));
    assertEquals("g1", payload.get("guestId"));
    assertEquals("p1", payload.get("propertyId"));
    assertEquals("passport", payload.get("documentType"));
    assertEquals("done", payload.get("status"));
    assertFields(specimen, map(payload.get("fields")));

    HttpResponse<String> mine = get(fileId, TestTokens.withProperties(org, List.of("p1")));
    assertEquals(200, mine.statusCode(), mine.body());
    Map<String, Object> body = object(mine.body());
    assertEquals(fileId, body.get("fileId"));
    assertEquals("passport.png", body.get("filename"));
    Map<String, Object> ocr = map(body.get("ocr"));
    assertEquals("done", ocr.get("status"));
    assertFields(specimen, map(ocr.get("fields")));
    assertEquals(200, get(fileId, TestTokens.user(org, "org_admin")).statusCode());

    for (String stranger :
        List.of(
            TestTokens.user(newOrg(), "org_admin"),
            TestTokens.withProperties(org, List.of("p2")))) {
      HttpResponse<String> refused = get(fileId, stranger);
      assertEquals(404, refused.statusCode());
      assertEquals("DOCUMENT_NOT_FOUND", object(refused.body()).get("code"));
      assertEquals(refused.body(), get("up_" + uid(), stranger).body(), "unknown looks the same");
    }
    assertEquals(403, get(fileId, TestTokens.publisher()).statusCode());
  }

  @Test
  void anAadhaarCardKeepsOnlyItsLastFourDigitsInTheRowAndTheEvent() throws Exception {
    String org = newOrg();
    Specimen card = Specimens.aadhaar("aadhaar", "2341 2341 2346", "Anita Devi");
    String fileId =
        upload(
            staff(org, "p1"),
            "aadhaar",
            "card.png",
            "image/png",
            Specimens.image(card, Variant.CLEAN));

    DocumentRow done = awaitFinished(fileId);
    assertEquals(OcrStatus.DONE, done.ocrStatus(), () -> "error: " + done.ocrError());
    EventEnvelope event = awaitEvent(org, fileId);
    String page = get(fileId, TestTokens.withProperties(org, List.of("p1"))).body();
    for (String text : List.of(done.ocrResult(), event.payload(), page)) {
      assertFalse(text.replaceAll("[^0-9]", "").contains("234123412346"), text);
      assertFalse(text.contains("2341 2341"), text);
    }
    assertEquals(
        "XXXX XXXX 2346",
        map(map(object(done.ocrResult()).get("fields")).get("documentNumber")).get("value"));
    assertEquals(
        "XXXX XXXX 2346",
        map(map(object(event.payload()).get("fields")).get("documentNumber")).get("value"));
  }

  @Test
  void aScannedPdfIsRenderedWithPdftoppmAndRead() throws Exception {
    String org = newOrg();
    Specimen specimen = Specimens.td3Specimen();
    byte[] pdf = Specimens.pdf(Specimens.render(specimen.lines(), 0));

    String fileId = upload(staff(org, "p1"), "passport", "scan.pdf", "application/pdf", pdf);

    DocumentRow done = awaitFinished(fileId);
    assertEquals(OcrStatus.DONE, done.ocrStatus(), () -> "error: " + done.ocrError());
    assertEquals(1, done.pages());
    assertFields(specimen, map(object(done.ocrResult()).get("fields")));
  }

  /** WebP goes to tesseract as it is: its leptonica must have been built with libwebp. */
  @Test
  void tesseractHereReadsWebpWithoutConversion() throws Exception {
    Process version =
        new ProcessBuilder("tesseract", "--version").redirectErrorStream(true).start();
    String text =
        new String(
            version.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(version.waitFor(10, java.util.concurrent.TimeUnit.SECONDS));
    assertTrue(text.contains("libwebp"), text);
  }

  @Test
  void aCsvStatementIsReadIntoItsRowCountHeaderAndFormulaCellsAndPublished() throws Exception {
    String org = newOrg();
    byte[] csv =
        "date,amount,note\n2026-11-30,12.50,ok\n2026-11-30,-3.00,=1+2\n"
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);

    String fileId = upload(staff(org, "p1"), "statement", "march.csv", "text/csv", csv);

    DocumentRow done = awaitFinished(fileId);
    assertEquals(OcrStatus.DONE, done.ocrStatus(), done.ocrError());
    Map<String, Object> fields = map(object(done.ocrResult()).get("fields"));
    assertEquals("2", map(fields.get("rows")).get("value"));
    assertEquals("date, amount, note", map(fields.get("header")).get("value"));
    assertEquals("1", map(fields.get("flaggedCells")).get("value"));
    assertEquals(true, map(fields.get("flaggedCells")).get("needsReview"));
    Map<String, Object> payload = object(awaitEvent(org, fileId).payload());
    assertEquals("done", payload.get("status"));
    assertEquals("2", map(map(payload.get("fields")).get("rows")).get("value"));
  }

  @Test
  void aJobWhoseNodeDiedIsTakenAgainWhenItsLeaseRunsOutAndItsLateResultIsRefused()
      throws Exception {
    String org = newOrg();
    Specimen specimen = Specimens.td3Specimen();
    String fileId = storedFile(Specimens.image(specimen, Variant.CLEAN));
    recordClaimed(org, fileId, "passport", 1, Instant.now().plusSeconds(1));
    DocumentRow held = documents.findById(fileId).orElseThrow();
    assertEquals(OcrStatus.RUNNING, held.ocrStatus());
    assertEquals("dead-node", held.claimedBy());

    DocumentRow done = awaitFinished(fileId);

    assertEquals(OcrStatus.DONE, done.ocrStatus(), () -> "error: " + done.ocrError());
    assertEquals(2, done.attempts());
    assertNull(done.claimedBy());
    assertFields(specimen, map(object(done.ocrResult()).get("fields")));
    awaitEvent(org, fileId);
    // The dead node was only slow: its result for attempt 1 is refused and publishes nothing.
    assertFalse(jobs.finish(new DocumentJobs.Claim(held, 1), Reading.failed("late", 0)));
    assertEquals(done, documents.findById(fileId).orElseThrow());
    assertEquals(1, eventsFor(org, fileId).size());
  }

  @Test
  void aJobClaimedMaxAttemptsTimesFailsWithItsReason() throws Exception {
    String org = newOrg();
    String fileId = storedFile(Specimens.image(Specimens.td3Specimen(), Variant.CLEAN));

    recordClaimed(org, fileId, "passport", config.getMaxAttempts(), Instant.now().minusSeconds(1));

    DocumentRow failed = awaitFinished(fileId);
    assertEquals(OcrStatus.FAILED, failed.ocrStatus());
    assertEquals(
        "OCR did not finish in 3 attempts; the last: the node reading it stopped before it"
            + " finished",
        failed.ocrError());
    Map<String, Object> payload = object(awaitEvent(org, fileId).payload());
    assertEquals("failed", payload.get("status"));
    assertEquals(failed.ocrError(), payload.get("error"));
  }

  @Test
  void aTesseractTimeoutEndsFailedWithTheReason() throws Exception {
    String org = newOrg();
    // A page three times the size: far more than tesseract can read in the time allowed.
    var big = Specimens.render(Specimens.td3Specimen().lines(), 0);
    var scaled =
        new java.awt.image.BufferedImage(
            big.getWidth() * 3, big.getHeight() * 3, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
    var g = scaled.createGraphics();
    g.drawImage(big, 0, 0, scaled.getWidth(), scaled.getHeight(), null);
    g.dispose();
    String fileId = storedFile(Specimens.png(scaled));
    // Held by this test's own worker, with a lease no other worker will see run out.
    recordClaimed(org, fileId, "passport", 1, Instant.now().plus(Duration.ofMinutes(10)));
    OcrConfig quick = new OcrConfig();
    quick.setDocumentTimeout(Duration.ofMillis(300));
    DocumentWorker worker =
        new DocumentWorker(jobs, store, quick, List.of(new OcrDocumentReader(quick)));

    Reading reading =
        worker.process(new DocumentJobs.Claim(documents.findById(fileId).orElseThrow(), 1));

    assertEquals(OcrStatus.FAILED, reading.status());
    DocumentRow failed = documents.findById(fileId).orElseThrow();
    assertEquals(OcrStatus.FAILED, failed.ocrStatus());
    assertTrue(failed.ocrError().contains("took longer than"), failed.ocrError());
    assertNull(failed.ocrResult());
    Map<String, Object> payload = object(awaitEvent(org, fileId).payload());
    assertEquals("failed", payload.get("status"));
    assertEquals(failed.ocrError(), payload.get("error"));
  }

  // ------------------------------------------------------------------ helpers

  private String upload(
      Principal principal, String type, String filename, String mimetype, byte[] bytes)
      throws Exception {
    var writer =
        uploads.open(
            principal,
            new DeclaredUpload(filename, bytes.length, mimetype, type, "g1", "p1", sha256(bytes)));
    for (int at = 0; at < bytes.length; at += CHUNK) {
      writer.write(at, ByteBuffer.wrap(bytes, at, Math.min(CHUNK, bytes.length - at)));
    }
    return writer.complete().fileId();
  }

  /** Bytes in the store as a completed upload would leave them, with no session. */
  private String storedFile(byte[] bytes) throws IOException {
    String id = "up_" + uid();
    store.append(id, 0, ByteBuffer.wrap(bytes));
    store.complete(id, bytes.length);
    return id;
  }

  /** Records the document and claims it {@code claims} times for a node, the last until then. */
  private void recordClaimed(String org, String fileId, String type, int claims, Instant until) {
    transactions.executeWrite(
        status -> {
          jobs.created(
              new NewDocument(fileId, org, "u1", "g1", "p1", type, "f.png", "image/png", 1, "00"));
          Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
          for (int i = 0; i < claims; i++) {
            documents.claim(fileId, "dead-node", until, now);
          }
          return null;
        });
  }

  private DocumentRow awaitFinished(String fileId) {
    return await(
        "the OCR of " + fileId + " to finish",
        () -> {
          DocumentRow row = documents.findById(fileId).orElseThrow();
          return row.ocrStatus().finished() ? row : null;
        });
  }

  private EventEnvelope awaitEvent(String org, String fileId) {
    return await(
        "the event for " + fileId,
        () -> {
          List<EventEnvelope> events = eventsFor(org, fileId);
          return events.isEmpty() ? null : events.get(0);
        });
  }

  private List<EventEnvelope> eventsFor(String org, String fileId) {
    List<EventEnvelope> found = new ArrayList<>();
    try (var replay = log.replay(org, 0)) {
      for (List<EventEnvelope> page = replay.next(100); !page.isEmpty(); page = replay.next(100)) {
        for (EventEnvelope e : page) {
          if (e.type().equals(DocumentJobs.COMPLETED) && e.payload().contains(fileId)) {
            found.add(e);
          }
        }
      }
    }
    return found;
  }

  private static <T> T await(String what, Supplier<T> probe) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    for (T value = probe.get(); ; value = probe.get()) {
      if (value != null) {
        return value;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + " (waited " + WAIT.toSeconds() + " s)");
      }
      LockSupport.parkNanos(50_000_000L);
    }
  }

  private static void assertFields(Specimen specimen, Map<String, Object> fields) {
    specimen
        .expected()
        .forEach(
            (name, value) -> {
              assertNotNull(fields.get(name), name + " in " + fields);
              assertEquals(value, map(fields.get(name)).get("value"), name + " in " + fields);
            });
  }

  private HttpResponse<String> get(String fileId, String token) throws Exception {
    return http.send(
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.getPort() + "/v2/documents/" + fileId))
            .header("Authorization", "Bearer " + token)
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private Map<String, Object> object(String text) {
    try {
      return json.readValue(text, Argument.mapOf(String.class, Object.class));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value) {
    return (Map<String, Object>) value;
  }

  private static Principal staff(String org, String property) {
    return new Principal(
        "user-" + org, org, "", Set.of("staff"), Set.of(property), Instant.now().plusSeconds(3600));
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  private static boolean onPath(String command) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":", -1)) {
      if (Files.isExecutable(Path.of(dir, command))) {
        return true;
      }
    }
    return false;
  }

  private static Path temporaryDirectory() {
    try {
      return Files.createTempDirectory("bellhop-documents-it");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String newOrg() {
    return "org-" + uid();
  }

  private static String uid() {
    return UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }
}
