package io.bellhop.uploads.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link UploadStore} must have. Extended once per implementation. {@link
 * #store()} is this node; {@link #anotherNode()} is a new instance over the same backing: another
 * node, or this one after a crash.
 */
abstract class UploadStoreContract {

  abstract UploadStore store();

  abstract UploadStore anotherNode() throws IOException;

  static String newUpload() {
    return "up_" + UUID.randomUUID().toString().replace("-", "");
  }

  static byte[] bytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  static byte[] readAll(InputStream in) throws IOException {
    try (in) {
      return in.readAllBytes();
    }
  }

  static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Test
  void anUnknownUploadHasNoBytes() throws Exception {
    assertEquals(0, store().length(newUpload()));
  }

  @Test
  void appendedBytesReadBackInOrder() throws Exception {
    String id = newUpload();
    byte[] first = bytes(1000, 1);
    byte[] second = bytes(70_000, 2);
    assertEquals(1000, store().append(id, 0, ByteBuffer.wrap(first)));
    assertEquals(71_000, store().append(id, 1000, ByteBuffer.wrap(second)));
    assertEquals(71_000, store().length(id));
    assertArrayEquals(concat(first, second), readAll(store().read(id, 71_000)));
    assertArrayEquals(first, readAll(store().read(id, 1000)));
  }

  @Test
  void anAppendConsumesTheBuffer() throws Exception {
    ByteBuffer buffer = ByteBuffer.wrap(bytes(100, 3));
    store().append(newUpload(), 0, buffer);
    assertEquals(0, buffer.remaining());
  }

  @Test
  void theLengthSurvivesACrashAndAnotherInstanceSeesTheSameBytes() throws Exception {
    String id = newUpload();
    byte[] data = bytes(200_000, 4);
    store().append(id, 0, ByteBuffer.wrap(data));
    UploadStore restarted = anotherNode();
    assertEquals(200_000, restarted.length(id));
    assertArrayEquals(data, readAll(restarted.read(id, 200_000)));
  }

  @Test
  void anAppendAtAWrongOffsetIsRefusedAndStoresNothing() throws Exception {
    String id = newUpload();
    store().append(id, 0, ByteBuffer.wrap(bytes(100, 5)));
    var behind =
        assertThrows(
            WrongOffsetException.class,
            () -> store().append(id, 50, ByteBuffer.wrap(bytes(10, 6))));
    assertEquals(100, behind.stored());
    var ahead =
        assertThrows(
            WrongOffsetException.class,
            () -> store().append(id, 101, ByteBuffer.wrap(bytes(10, 6))));
    assertEquals(100, ahead.stored());
    assertThrows(
        WrongOffsetException.class,
        () -> store().append(newUpload(), 1, ByteBuffer.wrap(bytes(10, 6))));
    assertEquals(100, store().length(id));
    assertArrayEquals(bytes(100, 5), readAll(store().read(id, 100)));
  }

  @Test
  void ofTwoNodesAppendingAtTheSameOffsetTheSecondIsRefused() throws Exception {
    String id = newUpload();
    UploadStore other = anotherNode();
    store().append(id, 0, ByteBuffer.wrap(bytes(10, 7)));
    assertThrows(
        WrongOffsetException.class, () -> other.append(id, 0, ByteBuffer.wrap(bytes(10, 8))));
    assertArrayEquals(bytes(10, 7), readAll(other.read(id, 10)));
  }

  @Test
  void truncateDropsTheBytesAfterACommitPointAndAppendingContinuesThere() throws Exception {
    String id = newUpload();
    byte[] kept = bytes(5000, 9);
    store().append(id, 0, ByteBuffer.wrap(kept));
    store().append(id, 5000, ByteBuffer.wrap(bytes(150_000, 10)));
    store().truncate(id, 5000);
    assertEquals(5000, anotherNode().length(id));
    byte[] next = bytes(300, 11);
    assertEquals(5300, store().append(id, 5000, ByteBuffer.wrap(next)));
    assertArrayEquals(concat(kept, next), readAll(store().read(id, 5300)));
  }

  @Test
  void anotherNodeContinuesAnUpload() throws Exception {
    String id = newUpload();
    byte[] first = bytes(100_000, 12);
    byte[] second = bytes(100_000, 13);
    store().append(id, 0, ByteBuffer.wrap(first));
    UploadStore other = anotherNode();
    assertEquals(200_000, other.append(id, other.length(id), ByteBuffer.wrap(second)));
    other.complete(id, 200_000);
    assertArrayEquals(concat(first, second), readAll(store().openComplete(id)));
  }

  @Test
  void completeExposesTheWholeFileOnceWithItsSha256() throws Exception {
    String id = newUpload();
    byte[] data = bytes(150_000, 14);
    store().append(id, 0, ByteBuffer.wrap(data));
    assertThrows(NoSuchFileException.class, () -> store().openComplete(id));
    store().complete(id, 150_000);
    store().complete(id, 150_000);
    byte[] read = readAll(anotherNode().openComplete(id));
    assertEquals(150_000, read.length);
    assertEquals(sha256(data), sha256(read));
    assertEquals(150_000, store().length(id));
  }

  @Test
  void completeAtALengthOtherThanTheStoredOneIsRefusedAndExposesNothing() throws Exception {
    String id = newUpload();
    store().append(id, 0, ByteBuffer.wrap(bytes(100, 15)));
    var refused = assertThrows(WrongOffsetException.class, () -> store().complete(id, 101));
    assertEquals(100, refused.stored());
    assertThrows(NoSuchFileException.class, () -> store().openComplete(id));
  }

  @Test
  void aCompleteUploadTakesNoMoreBytes() throws Exception {
    String id = newUpload();
    store().append(id, 0, ByteBuffer.wrap(bytes(100, 16)));
    store().complete(id, 100);
    assertThrows(IOException.class, () -> store().append(id, 100, ByteBuffer.wrap(bytes(1, 17))));
    assertThrows(IOException.class, () -> store().truncate(id, 50));
    assertArrayEquals(bytes(100, 16), readAll(store().openComplete(id)));
  }

  @Test
  void deleteRemovesEverythingPartialOrComplete() throws Exception {
    String partial = newUpload();
    String complete = newUpload();
    store().append(partial, 0, ByteBuffer.wrap(bytes(100, 18)));
    store().append(complete, 0, ByteBuffer.wrap(bytes(100, 19)));
    store().complete(complete, 100);
    store().delete(partial);
    store().delete(complete);
    store().delete(newUpload());
    UploadStore other = anotherNode();
    assertEquals(0, other.length(partial));
    assertEquals(0, other.length(complete));
    assertThrows(NoSuchFileException.class, () -> other.openComplete(complete));
    assertEquals(10, store().append(partial, 0, ByteBuffer.wrap(bytes(10, 20))));
  }

  @Test
  void readingFewerBytesThanStoredIsRefused() throws Exception {
    String id = newUpload();
    store().append(id, 0, ByteBuffer.wrap(bytes(100, 21)));
    assertThrows(IOException.class, () -> readAll(store().read(id, 101)));
  }

  /**
   * 20 MiB in 64 KiB chunks in, streamed out: measured after a full collection, halfway through the
   * read and after the writes, the heap never holds more than a fraction of the file.
   */
  @Test
  void aLargeUploadIsStreamedInAndOutWithoutHoldingIt() throws Exception {
    String id = newUpload();
    int chunk = 64 * 1024;
    int chunks = 320;
    long fileSize = (long) chunk * chunks;
    byte[] piece = new byte[chunk];
    MessageDigest sent = MessageDigest.getInstance("SHA-256");
    long baseline = heapAfterCollection();
    Random random = new Random(22);
    long offset = 0;
    for (int i = 0; i < chunks; i++) {
      random.nextBytes(piece);
      sent.update(piece);
      offset = store().append(id, offset, ByteBuffer.wrap(piece));
    }
    long afterWrites = heapAfterCollection() - baseline;
    store().complete(id, offset);
    MessageDigest read = MessageDigest.getInstance("SHA-256");
    byte[] buffer = new byte[chunk];
    long total = 0;
    long midRead = 0;
    try (InputStream in = store().openComplete(id)) {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        read.update(buffer, 0, n);
        total += n;
        if (total == fileSize / 2) {
          midRead = heapAfterCollection() - baseline;
        }
      }
    }
    assertEquals(fileSize, total);
    assertArrayEquals(sent.digest(), read.digest());
    assertTrue(afterWrites < fileSize / 4, "heap grew by " + afterWrites + " bytes after writing");
    assertTrue(
        midRead < fileSize / 4, "heap grew by " + midRead + " bytes halfway through reading");
  }

  private static long heapAfterCollection() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
