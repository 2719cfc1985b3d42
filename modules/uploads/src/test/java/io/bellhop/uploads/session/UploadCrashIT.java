package io.bellhop.uploads.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellhop.platform.Principal;
import io.bellhop.testing.ChildJvm;
import io.bellhop.testing.ProcessOutput;
import io.bellhop.testing.TestServices;
import io.bellhop.uploads.CompletedUpload;
import io.bellhop.uploads.UploadWriter;
import io.bellhop.uploads.Uploads;
import io.micronaut.context.ApplicationContext;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A real crash: a child JVM uploads until SIGKILL, wherever it is; then this JVM, a fresh context
 * over the same PostgreSQL and directory, resumes. Every offset the child printed (acknowledged) is
 * kept, and the finished file has the declared SHA-256.
 */
@Timeout(120)
class UploadCrashIT {
  private static final Pattern COMMITTED = Pattern.compile("committed=(\\d+)");

  @Test
  void aResumeAfterSigkillKeepsEveryAcknowledgedByteAndTheSha256IsRight() throws Exception {
    long size = 64L << 20;
    String sha256 = sha256Of(size);
    String org = "org-" + UUID.randomUUID().toString().substring(0, 8);
    String user = "u-" + UUID.randomUUID().toString().substring(0, 8);
    Path directory = Files.createTempDirectory("bellhop-uploads-crash");
    Map<String, String> properties = new HashMap<>(TestServices.get().properties());
    properties.put("bellhop.uploads.storage.directory", directory.toString());
    properties.put("bellhop.outbox.relay-enabled", "false");
    properties.put("bellhop.uploads.ocr.enabled", "false");
    try {
      Process child = startChild(properties, org, user, size, sha256);
      ProcessOutput output = new ProcessOutput(child);
      try {
        output.await("committed=" + (16 * CrashFile.CHUNK), Duration.ofSeconds(60));
      } finally {
        child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      String id = field(output.text(), Pattern.compile("upload-id=(\\S+)"));
      long acknowledged = lastAcknowledged(output.text());

      try (ApplicationContext context = ApplicationContext.run(new HashMap<>(properties))) {
        Uploads uploads = context.getBean(Uploads.class);
        Principal principal = new Principal(user, org, "", Set.of("staff"), Set.of("p1"), null);
        UploadWriter writer = uploads.resume(principal, id);
        long offset = writer.offset();
        assertTrue(
            offset >= acknowledged,
            "resumed at " + offset + ", but " + acknowledged + " bytes were acknowledged");
        assertEquals(0, offset % CrashFile.CHUNK, "resumed at a chunk boundary");

        CrashFile file = new CrashFile(size);
        for (long skipped = 0; skipped < offset; skipped += CrashFile.CHUNK) {
          file.next();
        }
        while (offset < size) {
          offset = writer.write(offset, ByteBuffer.wrap(file.next()));
        }
        CompletedUpload done = writer.complete();

        assertEquals(new CompletedUpload(id, sha256, size, "application/pdf"), done);
        assertEquals(sha256, sha256Of(directory.resolve("complete").resolve(id)));
      }
    } finally {
      try (Stream<Path> files = Files.walk(directory)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  private static Process startChild(
      Map<String, String> properties, String org, String user, long size, String sha256)
      throws Exception {
    List<String> options = new ArrayList<>(List.of("-Xmx256m"));
    properties.forEach((k, v) -> options.add("-D" + k + "=" + v));
    List<String> command =
        ChildJvm.command(options, UploadCrashChild.class, org, user, Long.toString(size), sha256);
    return new ProcessBuilder(command).redirectErrorStream(true).start();
  }

  private static long lastAcknowledged(String output) {
    Matcher m = COMMITTED.matcher(output);
    long last = 0;
    while (m.find()) {
      last = Long.parseLong(m.group(1));
    }
    return last;
  }

  private static String field(String output, Pattern pattern) {
    Matcher m = pattern.matcher(output);
    if (!m.find()) {
      throw new AssertionError("no " + pattern + " in the child's output:\n" + output);
    }
    return m.group(1);
  }

  private static String sha256Of(long size) throws Exception {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    CrashFile file = new CrashFile(size);
    for (long done = 0; done < size; done += CrashFile.CHUNK) {
      digest.update(file.next());
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static String sha256Of(Path file) throws Exception {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[64 * 1024];
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        digest.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
