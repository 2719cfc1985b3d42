package io.bellhop.uploads.store;

import io.bellhop.platform.Ids;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.PublishOptions;
import io.nats.client.PurgeOptions;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Uploads as a JetStream stream of chunks that every node shares: one subject per upload, {@code
 * <prefix>.<uploadId>}, each message a chunk of at most {@code chunk-bytes} bytes with its offset
 * in a header, and a final empty marker message whose header holds the complete length.
 *
 * <p>Appends are compare-and-set: each chunk is published with the expected last sequence of the
 * upload's subject, so two writers (on any nodes) can never interleave chunks; the loser gets
 * {@link WrongOffsetException}. Completion publishes the marker the same way, so a reader sees the
 * file only when the marker is there, with every chunk before it. A chunk is durable when JetStream
 * acknowledged it (file storage; with replicas, on a majority).
 *
 * <p>The subject is append-only: truncation publishes a <em>cut</em> marker ({@code Bellhop-Cut:
 * <length>}) that hides every earlier chunk ending past it, rather than deleting messages
 * (nats-server 2.9 does not update a subject's last sequence when its last message is deleted, so
 * the next compare-and-set append would fail). Every message names the latest cut before it ({@code
 * Bellhop-Last-Cut}) and every cut the one before it, so a reader finds all cuts from the tail in
 * one request per cut (one per crash or takeover). Hidden chunks stay until the upload is deleted.
 */
public final class JetStreamUploadStore implements UploadStore {
  private static final String OFFSET = "Bellhop-Offset";
  private static final String COMPLETE = "Bellhop-Complete";
  private static final String CUT = "Bellhop-Cut";
  private static final String LAST_CUT = "Bellhop-Last-Cut";
  private static final int NO_MESSAGE_FOUND = 10037;
  private static final int WRONG_LAST_SEQUENCE = 10071;
  private static final int STREAM_NOT_FOUND = 10059;
  private static final int STREAM_NAME_IN_USE = 10058;
  private static final byte[] EMPTY = new byte[0];

  private final JetStream js;
  private final JetStreamManagement jsm;
  private final String stream;
  private final String prefix;
  private final int chunkBytes;

  public JetStreamUploadStore(Connection nats, StorageConfig config) throws IOException {
    this.js = nats.jetStream();
    this.jsm = nats.jetStreamManagement();
    this.stream = config.getStreamName();
    this.prefix = config.getSubjectPrefix();
    this.chunkBytes = config.getChunkBytes();
    ensureStream(config);
  }

  private void ensureStream(StorageConfig config) throws IOException {
    StreamConfiguration wanted =
        StreamConfiguration.builder()
            .name(stream)
            .subjects(prefix + ".*")
            .storageType(
                "memory".equals(config.getJetstreamStorage())
                    ? StorageType.Memory
                    : StorageType.File)
            .replicas(config.getReplicas())
            .build();
    try {
      try {
        jsm.getStreamInfo(stream);
      } catch (JetStreamApiException e) {
        if (e.getApiErrorCode() != STREAM_NOT_FOUND) {
          throw e;
        }
        addStream(wanted);
      }
    } catch (JetStreamApiException e) {
      throw new IOException("cannot create JetStream stream " + stream, e);
    }
  }

  /** Adds the stream; another node adding it at the same moment is fine. */
  private void addStream(StreamConfiguration wanted) throws IOException, JetStreamApiException {
    try {
      jsm.addStream(wanted);
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() != STREAM_NAME_IN_USE) {
        throw e;
      }
    }
  }

  /** One upload's view: its last message (a chunk or the marker), if any. */
  private record Tail(long seq, long length, boolean complete, long lastCut) {
    static final Tail EMPTY = new Tail(0, 0, false, 0);
  }

  private Tail tail(String uploadId) throws IOException {
    MessageInfo last;
    try {
      last = jsm.getLastMessage(stream, subject(uploadId));
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() == NO_MESSAGE_FOUND) {
        return Tail.EMPTY;
      }
      throw new IOException(e);
    }
    long lastCut = isCut(last) ? last.getSeq() : header(last, LAST_CUT);
    return new Tail(last.getSeq(), end(last), isMarker(last), lastCut);
  }

  private static boolean isMarker(MessageInfo m) {
    return m.getHeaders() != null && m.getHeaders().getFirst(COMPLETE) != null;
  }

  private static boolean isCut(MessageInfo m) {
    return m.getHeaders() != null && m.getHeaders().getFirst(CUT) != null;
  }

  private static long header(MessageInfo m, String name) {
    return Long.parseLong(m.getHeaders().getFirst(name));
  }

  private static long start(MessageInfo m) {
    return header(m, OFFSET);
  }

  /** The upload's length right after {@code m}. */
  private static long end(MessageInfo m) {
    if (isMarker(m)) {
      return header(m, COMPLETE);
    }
    return isCut(m) ? header(m, CUT) : start(m) + m.getData().length;
  }

  @Override
  public long length(String uploadId) throws IOException {
    return tail(uploadId).length();
  }

  @Override
  public long append(String uploadId, long offset, ByteBuffer bytes) throws IOException {
    Tail tail = tail(uploadId);
    if (tail.complete()) {
      throw new IOException("upload " + uploadId + " is complete");
    }
    if (tail.length() != offset) {
      throw new WrongOffsetException(uploadId, offset, tail.length());
    }
    long expectedSeq = tail.seq();
    long position = offset;
    while (bytes.hasRemaining()) {
      byte[] chunk = new byte[Math.min(chunkBytes, bytes.remaining())];
      bytes.get(chunk);
      Headers headers =
          new Headers()
              .put(OFFSET, Long.toString(position))
              .put(LAST_CUT, Long.toString(tail.lastCut()));
      expectedSeq = publish(uploadId, headers, chunk, expectedSeq, position);
      position += chunk.length;
    }
    return position;
  }

  /** Publishes if the upload's subject still ends at {@code expectedSeq}; returns the new seq. */
  private long publish(String uploadId, Headers headers, byte[] data, long expectedSeq, long at)
      throws IOException {
    try {
      PublishAck ack =
          js.publish(
              subject(uploadId),
              headers,
              data,
              PublishOptions.builder().expectedLastSubjectSequence(expectedSeq).build());
      return ack.getSeqno();
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() == WRONG_LAST_SEQUENCE) {
        throw new WrongOffsetException(uploadId, at, length(uploadId));
      }
      throw new IOException(e);
    }
  }

  @Override
  public void truncate(String uploadId, long length) throws IOException {
    while (true) {
      Tail tail = tail(uploadId);
      if (tail.complete()) {
        throw new IOException("upload " + uploadId + " is complete");
      }
      if (tail.length() == length) {
        return;
      }
      if (tail.length() < length) {
        throw new IOException(
            "upload " + uploadId + ": cannot keep " + length + " bytes, stored " + tail.length());
      }
      Headers cut =
          new Headers()
              .put(CUT, Long.toString(length))
              .put(LAST_CUT, Long.toString(tail.lastCut()));
      try {
        publish(uploadId, cut, EMPTY, tail.seq(), length);
        return;
      } catch (WrongOffsetException e) {
        // A fenced writer's append landed meanwhile: cut again, past it.
      }
    }
  }

  /** The upload's cuts, newest first, as (seq, length) pairs. */
  private List<long[]> cuts(Tail tail) throws IOException {
    var cuts = new ArrayList<long[]>();
    for (long seq = tail.lastCut(); seq != 0; ) {
      MessageInfo cut;
      try {
        cut = jsm.getMessage(stream, seq);
      } catch (JetStreamApiException e) {
        throw new IOException(e);
      }
      cuts.add(new long[] {seq, header(cut, CUT)});
      seq = header(cut, LAST_CUT);
    }
    return cuts;
  }

  @Override
  public InputStream read(String uploadId, long length) throws IOException {
    Tail tail = tail(uploadId);
    if (length > tail.length()) {
      throw new IOException("upload " + uploadId + ": fewer than " + length + " bytes stored");
    }
    return new BoundedInputStream(new ChunkStream(uploadId, cuts(tail)), length);
  }

  @Override
  public void complete(String uploadId, long length) throws IOException {
    Tail tail = tail(uploadId);
    if (tail.length() != length) {
      throw new WrongOffsetException(uploadId, length, tail.length());
    }
    if (tail.complete()) {
      return;
    }
    Headers marker =
        new Headers()
            .put(COMPLETE, Long.toString(length))
            .put(LAST_CUT, Long.toString(tail.lastCut()));
    publish(uploadId, marker, EMPTY, tail.seq(), length);
  }

  @Override
  public InputStream openComplete(String uploadId) throws IOException {
    Tail tail = tail(uploadId);
    if (!tail.complete()) {
      throw new NoSuchFileException(uploadId);
    }
    return new BoundedInputStream(new ChunkStream(uploadId, cuts(tail)), tail.length());
  }

  @Override
  public void delete(String uploadId) throws IOException {
    try {
      jsm.purgeStream(stream, PurgeOptions.subject(subject(uploadId)));
    } catch (JetStreamApiException e) {
      throw new IOException(e);
    }
  }

  private String subject(String uploadId) {
    return prefix + "." + Ids.require("uploadId", uploadId);
  }

  /**
   * The upload's visible chunks in order, fetched one message at a time (no consumer, no
   * buffering). A chunk is hidden when a later cut ends at or before its start.
   */
  private final class ChunkStream extends InputStream {
    private final String subject;
    private final List<long[]> cuts;
    private long nextSeq = 1;
    private long expectedOffset = 0;
    private byte[] chunk = EMPTY;
    private int pos;

    ChunkStream(String uploadId, List<long[]> cuts) {
      this.subject = subject(uploadId);
      this.cuts = cuts;
    }

    private boolean hidden(MessageInfo chunk) {
      for (long[] cut : cuts) {
        if (cut[0] > chunk.getSeq() && cut[1] <= start(chunk)) {
          return true;
        }
      }
      return false;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      while (pos == chunk.length) {
        Optional<MessageInfo> next = next();
        if (next.isEmpty() || isMarker(next.get())) {
          return -1;
        }
        MessageInfo m = next.get();
        if (isCut(m) || hidden(m)) {
          continue;
        }
        if (start(m) != expectedOffset) {
          throw new IOException(
              subject + ": chunk at " + start(m) + ", expected " + expectedOffset);
        }
        chunk = m.getData();
        pos = 0;
        expectedOffset += chunk.length;
      }
      int n = Math.min(len, chunk.length - pos);
      System.arraycopy(chunk, pos, b, off, n);
      pos += n;
      if (pos == chunk.length) {
        chunk = EMPTY;
        pos = 0;
      }
      return n;
    }

    private Optional<MessageInfo> next() throws IOException {
      try {
        MessageInfo m = jsm.getNextMessage(stream, nextSeq, subject);
        nextSeq = m.getSeq() + 1;
        return Optional.of(m);
      } catch (JetStreamApiException e) {
        if (e.getApiErrorCode() == NO_MESSAGE_FOUND) {
          return Optional.empty();
        }
        throw new IOException(e);
      }
    }
  }
}
