package io.bellhop.uploads.session;

import io.bellhop.platform.Principal;
import io.bellhop.uploads.DeclaredUpload;
import io.bellhop.uploads.UploadWriter;
import io.bellhop.uploads.Uploads;
import io.micronaut.context.ApplicationContext;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * Run by {@link UploadCrashIT} in a JVM of its own: opens an upload and writes it chunk by chunk,
 * printing each acknowledged offset, until the test kills it with SIGKILL. Configuration comes from
 * system properties.
 *
 * <p>Arguments: {@code <orgId> <userId> <size> <sha256>}.
 */
public final class UploadCrashChild {
  private UploadCrashChild() {}

  public static void main(String[] args) throws Exception {
    Principal principal = new Principal(args[1], args[0], "", Set.of("staff"), Set.of("p1"), null);
    long size = Long.parseLong(args[2]);
    try (ApplicationContext context = ApplicationContext.run()) {
      Uploads uploads = context.getBean(Uploads.class);
      UploadWriter writer =
          uploads.open(
              principal,
              new DeclaredUpload(
                  "scan.pdf", size, "application/pdf", "passport", "g1", "p1", args[3]));
      System.out.println("upload-id=" + writer.uploadId());
      CrashFile file = new CrashFile(size);
      for (long offset = 0; offset < size; ) {
        offset = writer.write(offset, ByteBuffer.wrap(file.next()));
        System.out.println("committed=" + offset);
      }
      System.out.println("all-written");
      new CountDownLatch(1).await(); // until the test kills this process
    }
  }
}
