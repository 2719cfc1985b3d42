package io.bellhop.uploads.tus;

import io.bellhop.platform.ErrorCode;
import io.bellhop.uploads.UploadError;
import io.bellhop.uploads.UploadException;
import io.bellhop.uploads.UploadWriter;
import io.micronaut.core.annotation.Nullable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The hot path of a PATCH: moves its body into the upload's writer in batches of at most {@code
 * commit-bytes}, each one durable step (append, fsync, commit). Memory per request is two batches,
 * whatever the body's size; the request's InputStream reads from Netty with back-pressure, so a
 * client can never get more than the socket buffers ahead of the disk.
 *
 * <p>Runs on a blocking thread, never the event loop.
 */
final class PatchStreamer {
  private static final int STAGING_BUFFER = 64 * 1024;

  private final int batchBytes;
  private final Executor storing;

  PatchStreamer(int batchBytes, Executor storing) {
    this.batchBytes = batchBytes;
    this.storing = storing;
  }

  /**
   * Writes {@code body} from the writer's offset and returns the new durable offset. A body that
   * breaks off (client killed, network gone) keeps what arrived: it is committed before the
   * refusal.
   *
   * <p>Reading and storing overlap: while one batch is being stored (append, fsync, commit) on
   * {@code storing}, the next is read into a second buffer. The writer still sees one write at a
   * time, in order.
   *
   * @throws UploadException the writer's refusals; {@link UploadError#SIZE_EXCEEDED} when the body
   *     goes past the declared length (every byte within it is kept); {@code BAD_REQUEST} when the
   *     body broke off
   */
  long stream(UploadWriter writer, InputStream body) throws UploadException {
    long handed = writer.offset(); // the end of the bytes handed to writes
    long end = writer.size();
    byte[] batch = new byte[(int) Math.min(batchBytes, end - handed)];
    byte[] spare = null;
    CompletableFuture<Long> storing = null;
    int filled = 0;
    for (; ; ) {
      int limit = (int) Math.min(batch.length, end - handed);
      if (filled == limit) {
        if (filled == 0) {
          break;
        }
        awaitStored(storing);
        storing = store(writer, handed, batch, filled);
        handed += filled;
        filled = 0;
        byte[] free = spare == null ? new byte[batch.length] : spare;
        spare = batch;
        batch = free;
        continue;
      }
      int n;
      try {
        n = body.read(batch, filled, limit - filled);
      } catch (IOException | RuntimeException broken) {
        awaitStored(storing);
        long durable =
            filled > 0 ? writer.write(handed, ByteBuffer.wrap(batch, 0, filled)) : handed;
        throw brokeOff(durable, broken);
      }
      if (n < 0) {
        awaitStored(storing);
        return filled > 0 ? writer.write(handed, ByteBuffer.wrap(batch, 0, filled)) : handed;
      }
      filled += n;
    }
    awaitStored(storing);
    if (readsMore(body)) {
      throw new UploadException(
          UploadError.SIZE_EXCEEDED,
          "the request body goes past the upload's length; the bytes up to it are stored");
    }
    return handed;
  }

  private CompletableFuture<Long> store(UploadWriter writer, long offset, byte[] batch, int n) {
    var stored = new CompletableFuture<Long>();
    try {
      storing.execute(
          () -> {
            try {
              stored.complete(writer.write(offset, ByteBuffer.wrap(batch, 0, n)));
            } catch (UploadException | RuntimeException e) {
              stored.completeExceptionally(e);
            }
          });
    } catch (RejectedExecutionException e) {
      stored.completeExceptionally(e);
    }
    return stored;
  }

  /** Waits for the batch being stored, if any; its refusal is this request's. */
  private static void awaitStored(@Nullable CompletableFuture<Long> stored) throws UploadException {
    if (stored == null) {
      return;
    }
    try {
      stored.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof UploadException refused) {
        throw refused;
      }
      throw new UploadException(ErrorCode.INTERNAL, "storing a batch failed", e.getCause());
    }
  }

  /**
   * Like {@link #stream}, but for a body with an {@code Upload-Checksum}: the body is staged in a
   * private temporary file while its SHA-256 is computed, and only a body with the declared SHA-256
   * reaches the writer. On a mismatch, or a body that broke off, nothing of it is stored.
   *
   * @throws UploadException {@link UploadError#CHECKSUM_MISMATCH} (status 460), {@link
   *     UploadError#SIZE_EXCEEDED} (nothing stored), {@code BAD_REQUEST} (broke off, nothing
   *     stored), and the writer's refusals
   */
  long streamVerified(UploadWriter writer, InputStream body, byte[] expectedSha256)
      throws UploadException {
    Path staged = null;
    try {
      staged = Files.createTempFile("bellhop-tus-", ".part");
      try (FileChannel file =
          FileChannel.open(staged, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
        byte[] actual = stage(body, file, writer.size() - writer.offset(), writer.offset());
        if (!MessageDigest.isEqual(actual, expectedSha256)) {
          throw new UploadException(
              UploadError.CHECKSUM_MISMATCH,
              "the request body does not have the SHA-256 of its Upload-Checksum;"
                  + " nothing of it was stored");
        }
        file.position(0);
        return stream(writer, Channels.newInputStream(file));
      }
    } catch (IOException e) {
      throw new UploadException(
          UploadError.STORAGE_UNAVAILABLE,
          "the body could not be staged; retry from the offset",
          e);
    } finally {
      deleteQuietly(staged);
    }
  }

  /** Copies at most {@code room} bytes of {@code body} to {@code file}; returns their SHA-256. */
  private static byte[] stage(InputStream body, FileChannel file, long room, long offset)
      throws UploadException, IOException {
    MessageDigest sha256 = sha256();
    byte[] buffer = new byte[STAGING_BUFFER];
    long total = 0;
    for (; ; ) {
      int n;
      try {
        n = body.read(buffer, 0, (int) Math.min(buffer.length, room - total + 1));
      } catch (IOException | RuntimeException broken) {
        throw brokeOff(offset, broken);
      }
      if (n < 0) {
        return sha256.digest();
      }
      total += n;
      if (total > room) {
        throw new UploadException(
            UploadError.SIZE_EXCEEDED,
            "the request body goes past the upload's length; nothing of it was stored");
      }
      sha256.update(buffer, 0, n);
      ByteBuffer bytes = ByteBuffer.wrap(buffer, 0, n);
      while (bytes.hasRemaining()) {
        file.write(bytes);
      }
    }
  }

  private static boolean readsMore(InputStream body) throws UploadException {
    try {
      return body.read() >= 0;
    } catch (IOException | RuntimeException broken) {
      return false; // the client went away after its last byte that fits: nothing lost
    }
  }

  private static UploadException brokeOff(long offset, Exception cause) {
    return new UploadException(
        ErrorCode.BAD_REQUEST,
        "the request body broke off; the upload's offset is " + offset + " (HEAD tells it again)",
        cause);
  }

  private static void deleteQuietly(@Nullable Path path) {
    if (path != null) {
      try {
        Files.deleteIfExists(path);
      } catch (IOException e) {
        path.toFile().deleteOnExit();
      }
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
