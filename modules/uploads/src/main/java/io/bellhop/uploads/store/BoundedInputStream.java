package io.bellhop.uploads.store;

import java.io.IOException;
import java.io.InputStream;

/** The first {@code limit} bytes of a stream; fails if the stream ends before them. */
final class BoundedInputStream extends InputStream {
  private final InputStream in;
  private long remaining;

  BoundedInputStream(InputStream in, long limit) {
    this.in = in;
    this.remaining = limit;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (remaining == 0) {
      return -1;
    }
    if (len == 0) {
      return 0;
    }
    int n = in.read(b, off, (int) Math.min(len, remaining));
    if (n < 0) {
      throw new IOException("the stored upload ended " + remaining + " bytes early");
    }
    remaining -= n;
    return n;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
