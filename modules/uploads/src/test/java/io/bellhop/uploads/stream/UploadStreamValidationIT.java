package io.bellhop.uploads.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellhop.testing.RealServicesTest;
import io.bellhop.testing.SocketClient;
import io.bellhop.testing.TestTokens;
import io.bellhop.uploads.inspect.SampleFiles;
import io.bellhop.uploads.store.UploadStore;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
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
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Validation seen by a WebSocket client: a refused file is an error frame with its code and the
 * durable offset, then 4751 {@code UPLOAD_REJECTED}, and nothing of it stays.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class UploadStreamValidationIT extends RealServicesTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final int CHUNK = 64 * 1024;
  private static final Path DIRECTORY = temporaryDirectory();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Inject EmbeddedServer server;
  @Inject UploadStore store;

  @Override
  public Map<String, String> getProperties() {
    var properties = new HashMap<>(super.getProperties());
    properties.putAll(APP_SETTINGS);
    properties.put("bellhop.outbox.relay-enabled", "false");
    properties.put("bellhop.uploads.storage.directory", DIRECTORY.toString());
    return properties;
  }

  @Test
  void aRenamedExecutableIsRejectedAtItsFirstBytesWith4751AndNothingIsKept() throws Exception {
    byte[] elf = SampleFiles.elf(1024 * 1024);
    String token = token();
    try (SocketClient c = connect()) {
      c.send(handshake(token, "holiday.png", elf.length, "image/png", "photo"));
      String id = (String) c.next("ready", WAIT).get("uploadId");
      c.sendBinary(ByteBuffer.wrap(elf, 0, CHUNK));

      Map<String, Object> error = c.next("error", WAIT);
      assertEquals("UNSUPPORTED_TYPE", error.get("code"));
      assertTrue(((String) error.get("message")).contains("application/x-executable"));
      assertEquals(0L, ((Number) error.get("offset")).longValue());
      assertEquals(4751, c.awaitClose(WAIT));
      assertEquals(0, store.length(id));
      assertTrue(progress(token, id).body().contains("\"state\":\"failed\""));
    }
  }

  @Test
  void aZipBombDeclaredAsAStatementIsRejectedWhenItsLastByteArrives() throws Exception {
    byte[] bomb = SampleFiles.zipBomb(64 * 1024 * 1024);
    String token = token();
    try (SocketClient c = connect()) {
      c.send(
          handshake(
              token,
              "march.xlsx",
              bomb.length,
              "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
              "statement"));
      String id = (String) c.next("ready", WAIT).get("uploadId");
      for (int at = 0; at < bomb.length; at += CHUNK) {
        c.sendBinary(ByteBuffer.wrap(bomb, at, Math.min(CHUNK, bomb.length - at)));
      }

      Map<String, Object> error = c.next("error", WAIT);
      assertEquals("UNSUPPORTED_TYPE", error.get("code"));
      assertTrue(((String) error.get("message")).contains("ZIP bomb"));
      assertEquals(4751, c.awaitClose(WAIT));
      assertEquals(0, store.length(id));
    }
  }

  @AfterAll
  void removeDirectory() throws IOException {
    try (var files = Files.walk(DIRECTORY)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private SocketClient connect() {
    return SocketClient.connect(
        URI.create("ws://127.0.0.1:" + server.getPort() + "/v2/documents/upload/stream"));
  }

  private static String handshake(
      String token, String filename, long size, String mimetype, String documentType) {
    return "{\"token\":\""
        + token
        + "\",\"filename\":\""
        + filename
        + "\",\"filesize\":"
        + size
        + ",\"mimetype\":\""
        + mimetype
        + "\",\"documentType\":\""
        + documentType
        + "\",\"guestId\":\"g_1\",\"propertyId\":\"p_1\"}";
  }

  private HttpResponse<String> progress(String token, String id) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(
                URI.create(
                    "http://127.0.0.1:"
                        + server.getPort()
                        + "/v2/documents/upload/"
                        + id
                        + "/progress"))
            .header("Authorization", "Bearer " + token)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String token() {
    return TestTokens.withProperties(
        "org-" + UUID.randomUUID().toString().substring(0, 8), List.of("p_1"));
  }

  private static Path temporaryDirectory() {
    try {
      return Files.createTempDirectory("bellhop-upload-validation-ws");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
