package io.bellhop.uploads.session;

import java.nio.charset.StandardCharsets;
import java.util.Random;

/** The crash test's file: deterministic 64 KiB chunks, so both JVMs produce the same bytes. */
final class CrashFile {
  static final int CHUNK = 64 * 1024;

  private final Random random = new Random(42);
  private long remaining;
  private boolean first = true;

  CrashFile(long size) {
    this.remaining = size;
  }

  /** The next chunk; the last one may be short. */
  byte[] next() {
    byte[] chunk = new byte[(int) Math.min(CHUNK, remaining)];
    random.nextBytes(chunk);
    if (first) {
      // The upload is declared a PDF, and the sessions sniff the type of what they store.
      byte[] pdf = "%PDF-1.7\n".getBytes(StandardCharsets.US_ASCII);
      System.arraycopy(pdf, 0, chunk, 0, Math.min(pdf.length, chunk.length));
      first = false;
    }
    remaining -= chunk.length;
    return chunk;
  }
}
