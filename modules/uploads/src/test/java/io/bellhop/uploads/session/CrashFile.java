package io.bellhop.uploads.session;

import java.util.Random;

/** The crash test's file: deterministic 64 KiB chunks, so both JVMs produce the same bytes. */
final class CrashFile {
  static final int CHUNK = 64 * 1024;

  private final Random random = new Random(42);
  private long remaining;

  CrashFile(long size) {
    this.remaining = size;
  }

  /** The next chunk; the last one may be short. */
  byte[] next() {
    byte[] chunk = new byte[(int) Math.min(CHUNK, remaining)];
    random.nextBytes(chunk);
    remaining -= chunk.length;
    return chunk;
  }
}
