package io.bellhop.uploads.tus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellhop.testing.RealServicesTest;
import io.bellhop.testing.TestTokens;
import io.bellhop.uploads.inspect.SampleFiles;
import io.bellhop.uploads.store.UploadStore;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The tus front end on a running server against real PostgreSQL and NATS, over real HTTP: every
 * extension Bellhop advertises and every refusal a client can cause.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class TusIT extends RealServicesTest {
  /** {@code commit-bytes}: the bytes of one durable write. */
  private static final int BATCH = 256 * 1024;

  private static final String ALLOWED_ORIGIN = "http://app.example";
  private static final Duration WAIT = Duration.ofSeconds(20);

  @Inject EmbeddedServer server;
  @Inject UploadStore store;

  private final HttpClient http = HttpClient.newHttpClient();

  @Override
  public Map<String, String> getProperties() {
    var properties = new HashMap<>(super.getProperties());
    properties.put("bellhop.uploads.storage.directory", temporaryDirectory().toString());
    properties.put("bellhop.uploads.commit-bytes", Integer.toString(BATCH));
    properties.put("bellhop.outbox.relay-enabled", "false");
    properties.put("bellhop.allowed-origins", ALLOWED_ORIGIN);
    properties.putAll(APP_SETTINGS);
    // As in app/'s application.yml: streamed bodies (tus PATCH) up to 1 GB, buffered ones 16 MB.
    properties.put("micronaut.server.max-request-size", "1GB");
    properties.put("micronaut.server.max-request-buffer-size", "16MB");
    return properties;
  }

  @Test
  void optionsTellsTheVersionExtensionsLimitAndChecksumAlgorithmWithoutAToken() throws Exception {
    for (String path : List.of("/v2/documents/tus/", "/v2/documents/tus/up_anything")) {
      var response = send(request(path).method("OPTIONS", BodyPublishers.noBody()));
      assertEquals(204, response.statusCode(), path);
      assertEquals("1.0.0", header(response, "Tus-Version"));
      assertEquals("1.0.0", header(response, "Tus-Resumable"));
      assertEquals(
          "creation,creation-with-upload,expiration,checksum,termination",
          header(response, "Tus-Extension"));
      assertEquals(Long.toString(100L * 1024 * 1024), header(response, "Tus-Max-Size"));
      assertEquals("sha256", header(response, "Tus-Checksum-Algorithm"));
    }
  }

  @Test
  void anUploadCreatedThenPatchedInPartsIsStoredWholeAndHeadTellsItsOffsetAndMetadata()
      throws Exception {
    String token = TestTokens.user(newOrg(), "org_admin");
    byte[] file = bytes(3 * BATCH + 1234, 1);
    var created = create(token, file.length, sha256Hex(file));
    assertEquals(201, created.statusCode(), created.body());
    String location = header(created, "Location");
    assertTrue(location.startsWith("/v2/documents/tus/up_"), location);
    assertTrue(header(created, "Upload-Expires").endsWith(" GMT"));
    assertEquals("1.0.0", header(created, "Tus-Resumable"));

    var head = head(token, location);
    assertEquals(200, head.statusCode());
    assertEquals("0", header(head, "Upload-Offset"));
    assertEquals(Integer.toString(file.length), header(head, "Upload-Length"));
    assertEquals("no-store", header(head, "Cache-Control"));
    Map<String, String> metadata = TusMetadata.parse(header(head, "Upload-Metadata"));
    assertEquals("passport.jpg", metadata.get("filename"));
    assertEquals("image/jpeg", metadata.get("filetype"));
    assertEquals("passport", metadata.get("documentType"));
    assertEquals(sha256Hex(file), metadata.get("sha256"));

    int half = file.length / 2;
    var first = patch(token, location, 0, Arrays.copyOfRange(file, 0, half), null);
    assertEquals(204, first.statusCode(), first.body());
    assertEquals(Integer.toString(half), header(first, "Upload-Offset"));
    var second = patch(token, location, half, Arrays.copyOfRange(file, half, file.length), null);
    assertEquals(204, second.statusCode(), second.body());
    assertEquals(Integer.toString(file.length), header(second, "Upload-Offset"));

    head = head(token, location);
    assertEquals(Integer.toString(file.length), header(head, "Upload-Offset"));
    assertEquals(null, header(head, "Upload-Expires"), "a complete upload no longer expires");
    assertArrayEquals(file, stored(location));
  }

  @Test
  void aBodyOfManyWindowsInOnePatchIsStreamedLargerThanAnyBufferedBody() throws Exception {
    String token = TestTokens.user(newOrg(), "org_admin");
    byte[] file = bytes(24 * 1024 * 1024, 2); // over max-request-buffer-size
    String location = header(create(token, file.length, sha256Hex(file)), "Location");

    var response = patch(token, location, 0, file, null);

    assertEquals(204, response.statusCode(), response.body());
    assertArrayEquals(file, stored(location));
  }

  @Test
  void creationWithUploadStoresTheFirstBytesAndAnswersTheirOffset() throws Exception {
    String token = TestTokens.user(newOrg(), "org_admin");
    byte[] file = bytes(BATCH + 10, 3);
    var created =
        send(
            creation(token, file.length, null)
                .header("Content-Type", "application/offset+octet-stream")
                .POST(BodyPublishers.ofByteArray(Arrays.copyOf(file, 1000))));
    assertEquals(201, created.statusCode(), created.body());
    assertEquals("1000", header(created, "Upload-Offset"));
    String location = header(created, "Location");

    var rest = patch(token, location, 1000, Arrays.copyOfRange(file, 1000, file.length), null);
    assertEquals(204, rest.statusCode(), rest.body());
    assertArrayEquals(file, stored(location));
  }

  @Test
  void aPatchWhoseBodyFailsItsChecksumIs460AndNothingOfItIsStored() throws Exception {
    String token = TestTokens.user(newOrg(), "org_admin");
    byte[] file = bytes(2 * BATCH + 5, 4);
    String location = header(create(token, file.length, null), "Location");
    byte[] body = Arrays.copyOf(file, BATCH + 3);

    var wrong = patch(token, location, 0, body, "sha256 " + base64Sha256(bytes(10, 99)));
    assertEquals(460, wrong.statusCode());
    assertError(wrong, "CHECKSUM_MISMATCH");
    assertEquals("0", header(head(token, location), "Upload-Offset"));

    var md5 = patch(token, location, 0, body, "md5 " + base64Sha256(body));
    assertEquals(400, md5.statusCode());
    assertError(md5, "BAD_REQUEST");

    var right = patch(token, location, 0, body, "sha256 " + base64Sha256(body));
    assertEquals(204, right.statusCode(), right.body());
    assertEquals(Integer.toString(body.length), header(right, "Upload-Offset"));
  }

  @Test
  void aFileWhoseWholeSha256DiffersFromTheDeclaredOneIs460AndGone() throws Exception {
    String token = TestTokens.user(newOrg(), "org_admin");
    byte[] file = bytes(1000, 5);
    String location = header(create(token, file.length, sha256Hex(bytes(1000, 6))), "Location");

    var last = patch(token, location, 0, file, null);

    assertEquals(460, last.statusCode());
    assertError(last, "CHECKSUM_MISMATCH");
    assertEquals(410, head(token, location).statusCode());
  }

  @Test
  void aPatchAtAnyOffsetButTheUploadsIs409WithTheRightOffset() throws Exception {
    String token = TestTokens.user(newOrg(), "org_admin");
    byte[] file = bytes(5000, 7);
    String location = header(create(token, file.length, null), "Location");
    patch(token, location, 0, Arrays.copyOf(file, 100), null);

    var response = patch(token, location, 50, Arrays.copyOfRange(file, 50, 200), null);

    assertEquals(409, response.statusCode());
    assertError(response, "OUT_OF_ORDER");
    assertEquals("100", header(response, "Upload-Offset"));
  }

  @Test
  void anExpiredUploadIs410() throws Exception {
    String token = TestTokens.user(newOrg(), "org_admin");
    String location = header(create(token, 100, null), "Location");
    Map<String, String> db = services().properties();
    try (var connection =
            DriverManager.getConnection(
                db.get("datasources.default.url"),
                db.get("datasources.default.username"),
                db.get("datasources.default.password"));
        var update =
            connection.prepareStatement(
                "UPDATE uploads.upload_sessions SET expires_at = now() - interval '1 minute'"
                    + " WHERE id = ?")) {
      update.setString(1, uploadId(location));
      assertEquals(1, update.executeUpdate());
    }

    assertEquals(410, head(token, location).statusCode());
    var patch = patch(token, location, 0, bytes(100, 8), null);
    assertEquals(410, patch.statusCode());
    assertError(patch, "UPLOAD_EXPIRED");
  }

  @Test
  void anotherUsersUploadIs404ToEveryMethod() throws Exception {
    String org = newOrg();
    String owner = TestTokens.user(org, "org_admin");
    String location = header(create(owner, 100, null), "Location");
    for (String stranger :
        List.of(TestTokens.userAs("someone-else", org), TestTokens.user(newOrg()))) {
      assertEquals(404, head(stranger, location).statusCode());
      var patch = patch(stranger, location, 0, bytes(100, 9), null);
      assertEquals(404, patch.statusCode());
      assertError(patch, "UPLOAD_NOT_FOUND");
      var delete = send(request(location).header("Tus-Resumable", "1.0.0").DELETE(), stranger);
      assertEquals(404, delete.statusCode());
    }
    assertEquals(200, head(owner, location).statusCode());
  }

  @Test
  void terminationDeletesTheUploadAndItsBytes() throws Exception {
    String token = TestTokens.user(newOrg(), "org_admin");
    String location = header(create(token, 5000, null), "Location");
    patch(token, location, 0, bytes(1000, 10), null);

    var delete = send(request(location).header("Tus-Resumable", "1.0.0").DELETE(), token);

    assertEquals(204, delete.statusCode());
    assertEquals(404, head(token, location).statusCode());
    assertEquals(0, store.length(uploadId(location)));
  }

  @Test
  void requestsWithoutTusResumableAreRefusedWith412AndTheSupportedVersion() throws Exception {
    String token = TestTokens.user(newOrg(), "org_admin");
    String location = header(create(token, 100, null), "Location");

    var response =
        send(
            request(location)
                .header("Upload-Offset", "0")
                .header("Content-Type", "application/offset+octet-stream")
                .method("PATCH", BodyPublishers.ofByteArray(bytes(100, 11))),
            token);

    assertEquals(412, response.statusCode());
    assertEquals("1.0.0", header(response, "Tus-Version"));
    assertError(response, "BAD_REQUEST");
  }

  @Test
  void badRequestsGetTheirDocumentedStatusAndCode() throws Exception {
    String token = TestTokens.user(newOrg(), "org_admin");
    String location = header(create(token, 100, null), "Location");

    var wrongType =
        send(
            request(location)
                .header("Tus-Resumable", "1.0.0")
                .header("Upload-Offset", "0")
                .header("Content-Type", "application/json")
                .method("PATCH", BodyPublishers.ofByteArray(bytes(10, 12))),
            token);
    assertEquals(415, wrongType.statusCode());
    assertError(wrongType, "BAD_REQUEST");

    var tooLong = patch(token, location, 0, bytes(150, 13), null);
    assertEquals(413, tooLong.statusCode());
    assertError(tooLong, "SIZE_EXCEEDED");
    assertEquals(
        404, head(token, location).statusCode(), "not the file declared: nothing of it is kept");

    var overLimit = create(token, 100L * 1024 * 1024 + 1, null);
    assertEquals(413, overLimit.statusCode());
    assertError(overLimit, "SIZE_EXCEEDED");

    var noMetadata =
        send(
            request("/v2/documents/tus/")
                .header("Tus-Resumable", "1.0.0")
                .header("Upload-Length", "10")
                .POST(BodyPublishers.noBody()),
            token);
    assertEquals(400, noMetadata.statusCode());
    assertError(noMetadata, "BAD_REQUEST");

    String foreignProperty = TestTokens.withProperties(newOrg(), List.of("p-other"));
    var forbidden = create(foreignProperty, 10, null);
    assertEquals(403, forbidden.statusCode());
    assertError(forbidden, "FORBIDDEN");

    var noToken =
        send(
            request(location)
                .header("Tus-Resumable", "1.0.0")
                .method("HEAD", BodyPublishers.noBody()));
    assertEquals(401, noToken.statusCode());
  }

  @Test
  void aClientKilledMidPatchKeepsWhatArrivedAndANewPatchTakesOverARunningOne() throws Exception {
    String token = TestTokens.user(newOrg(), "org_admin");
    byte[] file = bytes(8 * BATCH, 14);
    String location = header(create(token, file.length, sha256Hex(file)), "Location");

    // A PATCH announcing the whole file that stops sending after 2.5 batches and never returns.
    int sent = 5 * BATCH / 2;
    try (Socket stalled = rawPatch(token, location, 0, file, sent)) {
      await("two batches are committed", () -> offset(token, location) >= 2L * BATCH);
      // The client restarts while its first PATCH still holds the upload: never "locked".
      long from = offset(token, location);
      var takeover =
          patch(token, location, from, Arrays.copyOfRange(file, (int) from, 4 * BATCH), null);
      assertEquals(204, takeover.statusCode(), takeover.body());
      stalled.getOutputStream().write(file, sent, BATCH); // the old PATCH can no longer commit
    }
    await("the old PATCH is over", () -> offset(token, location) == 4L * BATCH);

    // A client killed mid-PATCH: the bytes that arrived are kept.
    int killedAt = 5 * BATCH + 777;
    try (Socket killed = rawPatch(token, location, 4 * BATCH, file, killedAt)) {
      await("the first whole batch is committed", () -> offset(token, location) >= 5L * BATCH);
    }
    await("what arrived is committed", () -> offset(token, location) == killedAt);

    var rest =
        patch(token, location, killedAt, Arrays.copyOfRange(file, killedAt, file.length), null);
    assertEquals(204, rest.statusCode(), rest.body());
    assertArrayEquals(file, stored(location));
  }

  @Test
  void aPageOfAnAllowedOriginMayPreflightTusRequestsAndReadTheTusHeaders() throws Exception {
    String requested =
        "authorization,content-type,tus-resumable,upload-length,upload-metadata,upload-offset,"
            + "upload-checksum";
    var preflight =
        send(
            request("/v2/documents/tus/")
                .header("Origin", ALLOWED_ORIGIN)
                .header("Access-Control-Request-Method", "PATCH")
                .header("Access-Control-Request-Headers", requested)
                .method("OPTIONS", BodyPublishers.noBody()));
    assertEquals(204, preflight.statusCode());
    assertEquals(ALLOWED_ORIGIN, header(preflight, "Access-Control-Allow-Origin"));
    assertEquals("PATCH", header(preflight, "Access-Control-Allow-Methods"));
    assertEquals(requested, header(preflight, "Access-Control-Allow-Headers"));

    String token = TestTokens.user(newOrg(), "org_admin");
    var created =
        send(
            creation(token, 10, null)
                .header("Origin", ALLOWED_ORIGIN)
                .POST(BodyPublishers.noBody()));
    assertEquals(201, created.statusCode(), created.body());
    assertEquals(ALLOWED_ORIGIN, header(created, "Access-Control-Allow-Origin"));
    List<String> exposed =
        Arrays.stream(header(created, "Access-Control-Expose-Headers").split(","))
            .map(String::trim)
            .toList();
    assertTrue(exposed.containsAll(TusHeaders.EXPOSED), exposed.toString());

    var foreign =
        send(
            creation(token, 10, null)
                .header("Origin", "http://evil.example")
                .POST(BodyPublishers.noBody()));
    assertEquals(403, foreign.statusCode());
  }

  // ------------------------------------------------------------------ helpers

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getPort() + path))
        .timeout(WAIT);
  }

  private HttpRequest.Builder creation(String token, long length, String sha256) {
    String metadata =
        "filename "
            + b64("passport.jpg")
            + ",filetype "
            + b64("image/jpeg")
            + ",documentType "
            + b64("passport")
            + ",guestId "
            + b64("g1")
            + ",propertyId "
            + b64("p1")
            + ",name "
            + b64("ignored by Bellhop")
            + (sha256 == null ? "" : ",sha256 " + b64(sha256));
    return request("/v2/documents/tus/")
        .header("Authorization", "Bearer " + token)
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", Long.toString(length))
        .header("Upload-Metadata", metadata);
  }

  private HttpResponse<String> create(String token, long length, String sha256) throws Exception {
    return send(creation(token, length, sha256).POST(BodyPublishers.noBody()));
  }

  private HttpResponse<String> head(String token, String location) throws Exception {
    return send(
        request(location).header("Tus-Resumable", "1.0.0").method("HEAD", BodyPublishers.noBody()),
        token);
  }

  private long offset(String token, String location) throws Exception {
    return Long.parseLong(header(head(token, location), "Upload-Offset"));
  }

  private HttpResponse<String> patch(
      String token, String location, long offset, byte[] body, String checksum) throws Exception {
    var builder =
        request(location)
            .header("Tus-Resumable", "1.0.0")
            .header("Upload-Offset", Long.toString(offset))
            .header("Content-Type", "application/offset+octet-stream");
    if (checksum != null) {
      builder.header("Upload-Checksum", checksum);
    }
    return send(builder.method("PATCH", BodyPublishers.ofByteArray(body)), token);
  }

  /**
   * A PATCH of {@code file} from {@code offset} to its end, of which only up to {@code upTo} is
   * sent.
   */
  private Socket rawPatch(String token, String location, int offset, byte[] file, int upTo)
      throws IOException {
    Socket socket = new Socket("127.0.0.1", server.getPort());
    OutputStream out = socket.getOutputStream();
    String head =
        "PATCH "
            + location
            + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
            + token
            + "\r\nTus-Resumable: 1.0.0\r\nUpload-Offset: "
            + offset
            + "\r\nContent-Type: application/offset+octet-stream\r\nContent-Length: "
            + (file.length - offset)
            + "\r\n\r\n";
    out.write(head.getBytes(StandardCharsets.US_ASCII));
    out.write(file, offset, upTo - offset);
    out.flush();
    return socket;
  }

  private HttpResponse<String> send(HttpRequest.Builder builder, String token) throws Exception {
    return send(builder.header("Authorization", "Bearer " + token));
  }

  private HttpResponse<String> send(HttpRequest.Builder builder) throws Exception {
    return http.send(builder.build(), BodyHandlers.ofString());
  }

  private static String header(HttpResponse<?> response, String name) {
    return response.headers().firstValue(name).orElse(null);
  }

  private static void assertError(HttpResponse<String> response, String code) {
    assertTrue(
        response.body().contains("\"code\":\"" + code + "\""),
        response.statusCode() + " " + response.body());
    assertTrue(response.body().contains("\"message\":\""), response.body());
  }

  private byte[] stored(String location) throws IOException {
    try (InputStream in = store.openComplete(uploadId(location))) {
      return in.readAllBytes();
    }
  }

  private static String uploadId(String location) {
    return location.substring(location.lastIndexOf('/') + 1);
  }

  private interface Condition {
    boolean holds() throws Exception;
  }

  private static void await(String what, Condition condition) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.holds()) {
      assertFalse(System.nanoTime() > deadline, what + " (waited " + WAIT.toSeconds() + " s)");
      LockSupport.parkNanos(20_000_000L);
    }
  }

  private static String newOrg() {
    return "org-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  /** Random bytes after a JPEG signature: the sessions sniff the type of what they store. */
  private static byte[] bytes(int n, long seed) {
    return SampleFiles.jpegSignedNoise(n, seed);
  }

  private static String sha256Hex(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  private static String base64Sha256(byte[] b) throws Exception {
    return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(b));
  }

  private static Path temporaryDirectory() {
    try {
      return Files.createTempDirectory("bellhop-tus-it");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
