package io.bellhop.uploads.inspect;

import io.bellhop.uploads.DocumentType;
import io.bellhop.uploads.UploadException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * Sniffs one upload's content type from its first bytes before they are stored, so a file of the
 * wrong type is refused at its first write rather than after it was all uploaded. It keeps the head
 * — the first {@code sniff-bytes}, or the whole file when it is smaller — and decides when the
 * bytes of a write complete it; a first write shorter than that waits for the next. One per writer;
 * not thread-safe (a writer is used by one thread at a time).
 */
public final class HeadSniffer {
  private final DocumentType type;
  private final int length;
  private byte[] head;

  HeadSniffer(DocumentType type, long size, int sniffBytes) {
    this.type = type;
    this.length = (int) Math.min(sniffBytes, size);
  }

  /** Whether a session with {@code committed} bytes stored still needs its head checked. */
  public boolean pending(long committed) {
    return committed < length;
  }

  /**
   * Checks {@code bytes}, about to be stored at {@code offset} (the committed offset), without
   * consuming them. Writes past the head pass untouched; the write that completes the head is
   * refused when the head is not of a type the document type accepts. A refused write must not be
   * stored, and the bytes before it must be discarded.
   *
   * @throws UploadException {@code UNSUPPORTED_TYPE}
   */
  public void check(long offset, ByteBuffer bytes) throws UploadException {
    if (offset >= length) {
      return;
    }
    int n = (int) Math.min(bytes.remaining(), length - offset);
    // Indexed by offset, not appended: a write that failed to store is simply written over by
    // its retry at the same offset.
    bytes.duplicate().get(head(), (int) offset, n);
    if (offset + n == length) {
      TypeSniffer.accepted(type, head, length);
    }
  }

  /** Reloads the first {@code committed} (fewer than the head's) bytes after a resume. */
  public void restore(InputStream stored, long committed) throws IOException {
    int n = (int) Math.min(committed, length);
    if (stored.readNBytes(head(), 0, n) != n) {
      throw new IOException("the store holds fewer than the " + n + " committed bytes");
    }
  }

  private byte[] head() {
    if (head == null) {
      head = new byte[length];
    }
    return head;
  }
}
