package io.bellhop.uploads.store;

import io.bellhop.platform.Ids;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Uploads as files in one directory: {@code partial/<uploadId>} while bytes arrive, renamed to
 * {@code complete/<uploadId>} on completion (same filesystem, so the rename is atomic and a
 * complete file is never half-written). Every append is fsynced before it returns; a new file's
 * directory entry too. Only upload ids (id grammar) become file names.
 *
 * <p>The offset check and the append are atomic within this JVM (a lock per file, shared by every
 * instance). One process per directory: for several nodes use {@link JetStreamUploadStore}.
 */
public final class FileUploadStore implements UploadStore {
  private static final Object[] LOCKS = new Object[64];

  static {
    for (int i = 0; i < LOCKS.length; i++) {
      LOCKS[i] = new Object();
    }
  }

  private final Path partialDir;
  private final Path completeDir;

  public FileUploadStore(Path directory) throws IOException {
    Path root = directory.toAbsolutePath().normalize();
    this.partialDir = Files.createDirectories(root.resolve("partial"));
    this.completeDir = Files.createDirectories(root.resolve("complete"));
  }

  @Override
  public long length(String uploadId) throws IOException {
    Path complete = completeFile(uploadId);
    if (Files.exists(complete)) {
      return Files.size(complete);
    }
    Path partial = partialFile(uploadId);
    try {
      return Files.size(partial);
    } catch (NoSuchFileException e) {
      return Files.exists(complete) ? Files.size(complete) : 0;
    }
  }

  @Override
  public long append(String uploadId, long offset, ByteBuffer bytes) throws IOException {
    Path partial = partialFile(uploadId);
    synchronized (lockFor(partial)) {
      if (Files.exists(completeFile(uploadId))) {
        throw new IOException("upload " + uploadId + " is complete");
      }
      boolean created = !Files.exists(partial);
      if (created && offset != 0) {
        // No file for a write that is not the first: refuse without leaving an empty one behind.
        throw new WrongOffsetException(uploadId, offset, 0);
      }
      try (FileChannel ch =
          FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
        long stored = ch.size();
        if (stored != offset) {
          throw new WrongOffsetException(uploadId, offset, stored);
        }
        long position = offset;
        while (bytes.hasRemaining()) {
          position += ch.write(bytes, position);
        }
        // fdatasync: the data and the size that reaches it; timestamps need not be durable.
        ch.force(false);
        if (created) {
          fsyncDirectory(partialDir);
        }
        return position;
      }
    }
  }

  @Override
  public void truncate(String uploadId, long length) throws IOException {
    Path partial = partialFile(uploadId);
    synchronized (lockFor(partial)) {
      if (Files.exists(completeFile(uploadId))) {
        throw new IOException("upload " + uploadId + " is complete");
      }
      if (length == 0 && !Files.exists(partial)) {
        return;
      }
      try (FileChannel ch = FileChannel.open(partial, StandardOpenOption.WRITE)) {
        if (ch.size() < length) {
          throw new IOException(
              "upload " + uploadId + ": " + ch.size() + " bytes stored, cannot keep " + length);
        }
        ch.truncate(length);
        ch.force(true);
      }
    }
  }

  @Override
  public InputStream read(String uploadId, long length) throws IOException {
    Path partial = partialFile(uploadId);
    synchronized (lockFor(partial)) {
      Path file = Files.exists(partial) ? partial : completeFile(uploadId);
      if (length == 0 && !Files.exists(file)) {
        return InputStream.nullInputStream();
      }
      FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
      if (ch.size() < length) {
        long size = ch.size();
        ch.close();
        throw new IOException("upload " + uploadId + ": " + size + " bytes stored, not " + length);
      }
      return new BoundedInputStream(Channels.newInputStream(ch), length);
    }
  }

  @Override
  public void complete(String uploadId, long length) throws IOException {
    Path partial = partialFile(uploadId);
    synchronized (lockFor(partial)) {
      Path complete = completeFile(uploadId);
      if (Files.exists(complete)) {
        long size = Files.size(complete);
        if (size != length) {
          throw new WrongOffsetException(uploadId, length, size);
        }
        return;
      }
      if (length == 0 && !Files.exists(partial)) {
        Files.createFile(partial);
      }
      try (FileChannel ch = FileChannel.open(partial, StandardOpenOption.WRITE)) {
        if (ch.size() != length) {
          throw new WrongOffsetException(uploadId, length, ch.size());
        }
        ch.force(true);
      }
      Files.move(partial, complete, StandardCopyOption.ATOMIC_MOVE);
      fsyncDirectory(completeDir);
      fsyncDirectory(partialDir);
    }
  }

  @Override
  public InputStream openComplete(String uploadId) throws IOException {
    return Files.newInputStream(completeFile(uploadId));
  }

  @Override
  public void delete(String uploadId) throws IOException {
    Path partial = partialFile(uploadId);
    synchronized (lockFor(partial)) {
      Files.deleteIfExists(partial);
      Files.deleteIfExists(completeFile(uploadId));
    }
  }

  private Path partialFile(String uploadId) {
    return partialDir.resolve(Ids.require("uploadId", uploadId));
  }

  private Path completeFile(String uploadId) {
    return completeDir.resolve(Ids.require("uploadId", uploadId));
  }

  private static Object lockFor(Path file) {
    return LOCKS[Math.floorMod(file.hashCode(), LOCKS.length)];
  }

  /** Makes a created, renamed or removed entry durable (Linux: fsync on the directory). */
  private static void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }
}
