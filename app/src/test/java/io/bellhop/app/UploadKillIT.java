package io.bellhop.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellhop.testing.SocketClient;
import io.bellhop.testing.TestTokens;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node SIGKILLed in the middle of an upload over the socket: the client resumes on another node
 * (same PostgreSQL and upload directory), re-sends at most one window, and the file completes with
 * the right SHA-256.
 */
@Timeout(180)
class UploadKillIT {
  private static final Logger LOG = LoggerFactory.getLogger(UploadKillIT.class);
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final int CHUNK = 64 * 1024;
  private static final int WINDOW = 512 * 1024;

  private AppProcess first;
  private AppProcess second;
  private int port;

  @AfterEach
  void kill() {
    for (AppProcess app : new AppProcess[] {first, second}) {
      if (app != null) {
        app.close();
      }
    }
  }

  @Test
  void afterASigkillMidUploadTheClientResumesOnAnotherNodeAndResendsAtMostOneWindow()
      throws Exception {
    Path directory = Files.createTempDirectory("bellhop-upload-kill");
    byte[] png = png(1000);
    String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(png));
    String token = TestTokens.withProperties("org-upload-kill", List.of("p_1"));
    first = node(directory);
    URI firstUri = uploadUri();

    String id;
    long sent = 0;
    try (SocketClient c = SocketClient.connect(firstUri)) {
      c.send(
          "{\"token\":\""
              + token
              + "\",\"filename\":\"scan.png\",\"filesize\":"
              + png.length
              + ",\"mimetype\":\"image/png\",\"documentType\":\"photo\",\"guestId\":\"g_1\","
              + "\"propertyId\":\"p_1\",\"sha256\":\""
              + sha256
              + "\"}");
      Map<String, Object> ready = c.next("ready", WAIT);
      id = (String) ready.get("uploadId");
      assertEquals((long) WINDOW, ((Number) ready.get("window")).longValue());
      long acked = 0;
      while (sent < png.length / 2) {
        if (sent - acked + CHUNK > WINDOW) {
          acked = ((Number) c.next("progress", WAIT).get("offset")).longValue();
          continue;
        }
        c.sendBinary(ByteBuffer.wrap(png, (int) sent, CHUNK));
        sent += CHUNK;
      }
      first.close(); // SIGKILL, with up to a window of bytes in flight
      c.awaitClose(WAIT);
    }

    second = node(directory);
    try (SocketClient c = SocketClient.connect(uploadUri())) {
      c.send("{\"token\":\"" + token + "\",\"uploadId\":\"" + id + "\"}");
      long offset = ((Number) c.next("ready", WAIT).get("offset")).longValue();
      long resent = sent - offset;
      LOG.info("upload-kill sent={} durable={} resent={} window={}", sent, offset, resent, WINDOW);
      assertTrue(
          offset > 0 && offset <= sent, "durable offset " + offset + " of " + sent + " sent");
      assertTrue(resent <= WINDOW, "re-sends " + resent + " bytes, more than a window");
      long acked = offset;
      for (long at = offset; at < png.length; ) {
        if (at - acked + CHUNK > WINDOW) {
          acked = ((Number) c.next("progress", WAIT).get("offset")).longValue();
          continue;
        }
        int n = (int) Math.min(CHUNK, png.length - at);
        c.sendBinary(ByteBuffer.wrap(png, (int) at, n));
        at += n;
      }
      Map<String, Object> complete = c.next("complete", WAIT);
      assertEquals(sha256, complete.get("sha256"));
      assertEquals(1000, c.awaitClose(WAIT));
    }
    try (InputStream in = Files.newInputStream(completeFile(directory, id))) {
      assertEquals(
          sha256,
          HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(in.readAllBytes())));
    }
  }

  /** A node on a fresh port (kept in {@link #port}), on the shared PostgreSQL and directory. */
  private AppProcess node(Path directory) throws Exception {
    try (var s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    AppProcess app =
        AppProcess.start(
            port,
            env -> {
              env.put("BELLHOP_UPLOADS_STORAGE_DIRECTORY", directory.toString());
              env.put("BELLHOP_UPLOADS_WINDOW", Integer.toString(WINDOW));
              env.put("BELLHOP_UPLOADS_COMMIT_BYTES", Integer.toString(128 * 1024));
            });
    app.output().await("Server Running", Duration.ofSeconds(60));
    return app;
  }

  private URI uploadUri() {
    return URI.create("ws://127.0.0.1:" + port + "/v2/documents/upload/stream");
  }

  /** Where the filesystem store exposes a complete upload (see FileUploadStore). */
  private static Path completeFile(Path directory, String id) {
    return directory.resolve("complete").resolve(id);
  }

  /** A real PNG of noise, about 3 MB: incompressible, and accepted as a {@code photo}. */
  private static byte[] png(int side) throws Exception {
    var image = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
    var random = new Random(42);
    for (int y = 0; y < side; y++) {
      for (int x = 0; x < side; x++) {
        image.setRGB(x, y, random.nextInt(1 << 24));
      }
    }
    var out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }
}
