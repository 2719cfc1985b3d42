package io.bellhop.uploads.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellhop.testing.RealServicesTest;
import io.bellhop.testing.SocketClient;
import io.bellhop.testing.TestTokens;
import io.bellhop.uploads.store.UploadStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * {@code WS /v2/documents/upload/stream} end to end: a running node against real PostgreSQL and
 * nats-server, real sockets, a real PNG. Small chunk, commit and window sizes make every upload
 * cross many commits and fill its window.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class UploadStreamIT extends RealServicesTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final int CHUNK = 16 * 1024;
  private static final int WINDOW = 128 * 1024;

  /** The node's budget of unstored bytes: less than two sockets' windows. */
  private static final int BUDGET = 160 * 1024;

  private static final Path DIRECTORY = temporaryDirectory();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Inject EmbeddedServer server;
  @Inject UploadStore store;
  @Inject MeterRegistry meters;

  @Override
  public Map<String, String> getProperties() {
    var properties = new HashMap<>(super.getProperties());
    properties.putAll(APP_SETTINGS);
    properties.put("bellhop.outbox.relay-enabled", "false");
    properties.put("bellhop.uploads.storage.directory", DIRECTORY.toString());
    properties.put("bellhop.uploads.chunk-size", Integer.toString(CHUNK));
    properties.put("bellhop.uploads.window", Integer.toString(WINDOW));
    properties.put("bellhop.uploads.commit-bytes", Integer.toString(32 * 1024));
    properties.put("bellhop.uploads.stream.max-buffered-bytes", Integer.toString(BUDGET));
    return properties;
  }

  @Test
  void aFileSentAsBinaryFramesIsAcknowledgedAsItBecomesDurableAndCompletesWithItsSha256()
      throws Exception {
    byte[] png = png(450, 1);
    String token = token();
    try (SocketClient c = connect()) {
      c.send(newUpload(token, png.length, sha256(png)));
      Map<String, Object> ready = c.next("ready", WAIT);
      String id = (String) ready.get("uploadId");
      assertEquals(0L, number(ready, "offset"));
      assertEquals((long) png.length, number(ready, "size"));
      assertEquals((long) CHUNK, number(ready, "chunkSize"));
      assertEquals((long) WINDOW, number(ready, "window"));

      sendWithinWindow(c, png, 0);

      Map<String, Object> complete = c.next("complete", WAIT);
      assertEquals(id, complete.get("fileId"));
      assertEquals(sha256(png), complete.get("sha256"));
      assertEquals((long) png.length, number(complete, "size"));
      assertEquals("/v2/documents/" + id, complete.get("url"));
      assertEquals(Map.of("status", "pending"), complete.get("ocr"));
      assertEquals(1000, c.awaitClose(WAIT));
      assertArrayEquals(png, stored(id));
      assertEquals("complete", progressOf(token, id).get("state"));
    }
  }

  @Test
  void aClientThatReconnectsAfterItsUploadCompletedIsToldCompleteAgainNotToStartOver()
      throws Exception {
    byte[] png = png(130, 8);
    String token = token();
    String id;
    try (SocketClient c = connect()) {
      c.send(newUpload(token, png.length, sha256(png)));
      id = (String) c.next("ready", WAIT).get("uploadId");
      sendWithinWindow(c, png, 0);
      c.next("complete", WAIT);
    }
    try (SocketClient again = connect()) {
      again.send("{\"token\":\"" + token + "\",\"uploadId\":\"" + id + "\"}");
      Map<String, Object> complete = again.next("complete", WAIT);
      assertEquals(id, complete.get("fileId"));
      assertEquals(sha256(png), complete.get("sha256"));
      assertEquals("image/png", complete.get("mimetype"));
      assertEquals(1000, again.awaitClose(WAIT));
    }
  }

  @Test
  void aClientThatDropsMidwayResumesOnANewSocketFromTheDurableOffsetAndNoAckedByteIsLost()
      throws Exception {
    byte[] png = png(450, 2);
    String token = token();
    String id;
    long acked;
    try (SocketClient first = connect()) {
      first.send(newUpload(token, png.length, sha256(png)));
      id = (String) first.next("ready", WAIT).get("uploadId");
      int half = png.length / 2;
      for (int at = 0; at < half; at += CHUNK) {
        first.sendBinary(ByteBuffer.wrap(png, at, Math.min(CHUNK, half - at)));
      }
      acked = awaitOffsetAtLeast(first, 4 * CHUNK);
      first.abort();
    }

    try (SocketClient second = connect()) {
      second.send("{\"token\":\"" + token + "\",\"uploadId\":\"" + id + "\"}");
      Map<String, Object> ready = second.next("ready", WAIT);
      long offset = number(ready, "offset");
      assertTrue(offset >= acked, "resumes at or past every acknowledged byte: " + offset);
      sendWithinWindow(second, png, offset);
      assertEquals(sha256(png), second.next("complete", WAIT).get("sha256"));
    }
    assertArrayEquals(png, stored(id));
  }

  @Test
  void clientsThatIgnoreTheirWindowOverTheNodesBudgetAreSlowedNotRefusedAndAllComplete()
      throws Exception {
    String token = token();
    List<byte[]> files = List.of(png(300, 11), png(300, 12), png(300, 13));
    var uploads = new ArrayList<CompletableFuture<Map<String, Object>>>();
    for (byte[] file : files) {
      uploads.add(
          CompletableFuture.supplyAsync(
              () -> {
                try (SocketClient c = connect()) {
                  c.send(newUpload(token, file.length, sha256(file)));
                  c.next("ready", WAIT);
                  for (int at = 0; at < file.length; at += CHUNK) {
                    c.sendBinary(ByteBuffer.wrap(file, at, Math.min(CHUNK, file.length - at)));
                  }
                  return c.next("complete", WAIT);
                }
              }));
    }
    for (int i = 0; i < files.size(); i++) {
      assertEquals(sha256(files.get(i)), uploads.get(i).get(60, TimeUnit.SECONDS).get("sha256"));
    }
    Gauge buffered = meters.get("bellhop_upload_stream_buffered_bytes").gauge();
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (buffered.value() != 0 && System.nanoTime() < deadline) {
      LockSupport.parkNanos(20_000_000L);
    }
    assertEquals(0, buffered.value(), "every byte held is released once stored");
  }

  @Test
  void aResumeWhileTheOldSocketStillHoldsTheUploadTakesItOverAndTheOldOneIsClosedWith4750()
      throws Exception {
    byte[] png = png(200, 3);
    String token = token();
    try (SocketClient old = connect();
        SocketClient newer = connect()) {
      old.send(newUpload(token, png.length, null));
      String id = (String) old.next("ready", WAIT).get("uploadId");
      old.sendBinary(ByteBuffer.wrap(png, 0, CHUNK));
      old.next("progress", WAIT);

      newer.send("{\"token\":\"" + token + "\",\"uploadId\":\"" + id + "\"}");
      long offset = number(newer.next("ready", WAIT), "offset");

      assertEquals(4750, old.awaitClose(WAIT));
      assertEquals(CHUNK, offset);
      sendWithinWindow(newer, png, offset);
      assertEquals(sha256(png), newer.next("complete", WAIT).get("sha256"));
    }
  }

  @Test
  void bytesPastTheDeclaredSizeAreNeverStoredAndTheUploadIsDiscardedWith4751() throws Exception {
    byte[] png = png(130, 4);
    String token = token();
    try (SocketClient c = connect()) {
      c.send(newUpload(token, CHUNK + 10, null));
      String id = (String) c.next("ready", WAIT).get("uploadId");
      c.sendBinary(ByteBuffer.wrap(png, 0, CHUNK));
      c.sendBinary(ByteBuffer.wrap(png, CHUNK, 11));

      Map<String, Object> error = c.next("error", WAIT);
      assertEquals("SIZE_EXCEEDED", error.get("code"));
      assertEquals(4751, c.awaitClose(WAIT));
      assertEquals(404, progress(token, id).statusCode(), "nothing is kept");
    }
  }

  @Test
  void anOldClientsJsonChunksAreStoredInSequenceAndAGapIsRefusedWith4701AtTheDurableOffset()
      throws Exception {
    byte[] png = png(130, 5);
    String token = token();
    try (SocketClient c = connect()) {
      c.send(newUpload(token, png.length, sha256(png)));
      c.next("ready", WAIT);
      int seq = 0;
      for (int at = 0; at < png.length; at += CHUNK, seq++) {
        c.send(jsonChunk(seq, png, at));
      }
      assertEquals(sha256(png), c.next("complete", WAIT).get("sha256"));
    }
    try (SocketClient c = connect()) {
      c.send(newUpload(token, png.length, null));
      c.next("ready", WAIT);
      c.send(jsonChunk(0, png, 0));
      c.next("progress", WAIT);
      c.send(jsonChunk(2, png, 2 * CHUNK));

      Map<String, Object> error = c.next("error", WAIT);
      assertEquals("OUT_OF_ORDER", error.get("code"));
      assertEquals((long) CHUNK, number(error, "offset"));
      assertEquals(4701, c.awaitClose(WAIT));
    }
  }

  @Test
  void anotherUsersUploadDoesNotExistOnTheSocketOrOverHttp() throws Exception {
    byte[] png = png(130, 6);
    String ada = token();
    String bob = token();
    try (SocketClient c = connect()) {
      c.send(newUpload(ada, png.length, null));
      String id = (String) c.next("ready", WAIT).get("uploadId");

      try (SocketClient thief = connect()) {
        thief.send("{\"token\":\"" + bob + "\",\"uploadId\":\"" + id + "\"}");
        assertEquals("UPLOAD_NOT_FOUND", thief.next("error", WAIT).get("code"));
        assertEquals(4752, thief.awaitClose(WAIT));
      }
      assertEquals(404, progress(bob, id).statusCode());
      assertEquals(404, delete(bob, id).statusCode());
      assertEquals(200, progress(ada, id).statusCode(), "still Ada's, untouched");
    }
  }

  @Test
  void deletingAnUploadOverHttpClosesTheSocketWritingItWith4752AndForgetsIt() throws Exception {
    byte[] png = png(130, 7);
    String token = token();
    try (SocketClient c = connect()) {
      c.send(newUpload(token, png.length, null));
      String id = (String) c.next("ready", WAIT).get("uploadId");
      c.sendBinary(ByteBuffer.wrap(png, 0, CHUNK));
      c.next("progress", WAIT);

      assertEquals(204, delete(token, id).statusCode());
      c.sendBinary(ByteBuffer.wrap(png, CHUNK, CHUNK));

      assertEquals("UPLOAD_CLOSED", c.next("error", WAIT).get("code"));
      assertEquals(4752, c.awaitClose(WAIT));
      assertEquals(404, progress(token, id).statusCode());
    }
  }

  @Test
  void aPropertyOutsideTheTokenIs4003AndBytesBeforeReadyAre4400AndNoTokenIs4001() {
    try (SocketClient c = connect()) {
      c.send(newUpload(TestTokens.withProperties(org(), List.of("p_other")), 100, null));
      assertEquals("FORBIDDEN", c.next("error", WAIT).get("code"));
      assertEquals(4003, c.awaitClose(WAIT));
    }
    try (SocketClient c = connect()) {
      c.sendBinary(ByteBuffer.wrap(new byte[10]));
      assertEquals(4400, c.awaitClose(WAIT));
    }
    try (SocketClient c = connect()) {
      c.send(newUpload(null, 100, null));
      assertEquals(4001, c.awaitClose(WAIT));
    }
  }

  /**
   * Sends {@code file} from {@code offset}, keeping at most a window unacknowledged, as the
   * protocol asks; returns once everything is sent.
   */
  private static void sendWithinWindow(SocketClient c, byte[] file, long offset) {
    long acked = offset;
    for (long at = offset; at < file.length; ) {
      if (at - acked + CHUNK > WINDOW) {
        acked = number(c.next("progress", WAIT), "offset");
        continue;
      }
      int n = (int) Math.min(CHUNK, file.length - at);
      c.sendBinary(ByteBuffer.wrap(file, (int) at, n));
      at += n;
    }
  }

  private static long awaitOffsetAtLeast(SocketClient c, long offset) {
    while (true) {
      long at = number(c.next("progress", WAIT), "offset");
      if (at >= offset) {
        return at;
      }
    }
  }

  private SocketClient connect() {
    return SocketClient.connect(
        URI.create("ws://127.0.0.1:" + server.getPort() + "/v2/documents/upload/stream"));
  }

  private static String newUpload(String token, long size, String sha256) {
    return "{"
        + (token == null ? "" : "\"token\":\"" + token + "\",")
        + "\"filename\":\"scan.png\",\"filesize\":"
        + size
        + ",\"mimetype\":\"image/png\",\"documentType\":\"photo\",\"guestId\":\"g_1\","
        + "\"propertyId\":\"p_1\""
        + (sha256 == null ? "" : ",\"sha256\":\"" + sha256 + "\"")
        + "}";
  }

  private static String jsonChunk(int seq, byte[] file, int at) {
    int n = Math.min(CHUNK, file.length - at);
    return "{\"type\":\"chunk\",\"seq\":"
        + seq
        + ",\"data\":\""
        + java.util.Base64.getEncoder()
            .encodeToString(java.util.Arrays.copyOfRange(file, at, at + n))
        + "\",\"final\":"
        + (at + n == file.length)
        + "}";
  }

  private static String org() {
    return "org-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** A user of a fresh org whose token allows property {@code p_1}. */
  private static String token() {
    return TestTokens.withProperties(org(), List.of("p_1"));
  }

  private HttpResponse<String> progress(String token, String id) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(http("/v2/documents/upload/" + id + "/progress"))
            .header("Authorization", "Bearer " + token)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private Map<String, Object> progressOf(String token, String id) throws Exception {
    HttpResponse<String> r = progress(token, id);
    assertEquals(200, r.statusCode(), r.body());
    return SocketClient.parse(r.body());
  }

  private HttpResponse<String> delete(String token, String id) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(http("/v2/documents/upload/" + id))
            .header("Authorization", "Bearer " + token)
            .DELETE()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private URI http(String path) {
    return URI.create("http://127.0.0.1:" + server.getPort() + path);
  }

  private byte[] stored(String id) throws IOException {
    try (InputStream in = store.openComplete(id)) {
      return in.readAllBytes();
    }
  }

  private static long number(Map<String, Object> m, String field) {
    return ((Number) m.get(field)).longValue();
  }

  /** A real PNG of noise, {@code side} pixels square: about 3 bytes a pixel, incompressible. */
  static byte[] png(int side, long seed) throws IOException {
    var image = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
    var random = new Random(seed);
    for (int y = 0; y < side; y++) {
      for (int x = 0; x < side; x++) {
        image.setRGB(x, y, random.nextInt(1 << 24));
      }
    }
    var out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Path temporaryDirectory() {
    try {
      return Files.createTempDirectory("bellhop-upload-stream-it");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
