package io.bellhop.uploads.stream;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.bellhop.platform.CloseCode;
import io.bellhop.platform.ErrorCode;
import io.bellhop.platform.Principal;
import io.bellhop.platform.WireErrorCode;
import io.bellhop.realtime.RealtimeSocket;
import io.bellhop.realtime.Refusal;
import io.bellhop.realtime.SocketHandler;
import io.bellhop.uploads.CompletedUpload;
import io.bellhop.uploads.UploadCloseCode;
import io.bellhop.uploads.UploadError;
import io.bellhop.uploads.UploadException;
import io.bellhop.uploads.UploadProgress;
import io.bellhop.uploads.UploadWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.ArrayDeque;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One upload socket: handshake, then the client's bytes into the session's writer, acknowledged
 * with {@code progress} as they become durable, then {@code complete}.
 *
 * <p><b>The invariant.</b> The bytes this socket holds — received, not yet stored — are at most
 * {@code window} plus one message: past it the socket stops reading, and TCP pushes back on the
 * client, until a commit has made room. So a client that ignores its window costs the node no more
 * memory than one that keeps it, and a crash loses at most that much, which the client re-sends
 * from the durable offset {@code ready} announces. Across sockets the node's budget ({@code
 * max-buffered-bytes}) bounds the sum the same way: a socket that receives while the node is over
 * it stops reading until {@link UploadStreams} says there is room.
 *
 * <p>Threads: frames arrive on the socket's event loop; opening, storing and completing block
 * (PostgreSQL, fsync) and run on the writer pool, at most one task per socket at a time ({@code
 * committing}), in order. Both sides meet under this object's lock, which is never held while
 * blocking.
 */
final class UploadSocket implements SocketHandler {
  private static final Logger LOG = LoggerFactory.getLogger(UploadSocket.class);

  private enum Phase {
    HANDSHAKE,
    OPENING,
    STREAMING,
    COMPLETING,
    ENDED
  }

  private final RealtimeSocket socket;
  private final UploadStreams streams;
  private final int window;
  private final int commitBytes;

  private Phase phase = Phase.HANDSHAKE;
  private UploadWriter writer;
  private Principal principal;
  private final ArrayDeque<ByteBuf> received = new ArrayDeque<>();
  private long receivedBytes;

  /** The offset right after the last byte received: where the client's next byte goes. */
  private long receivedTo;

  private long nextChunkSeq;
  private boolean committing;
  private boolean readingPaused;
  private boolean waitingForNode;
  private long startOffset;
  private long startNanos;

  UploadSocket(RealtimeSocket socket, UploadStreams streams) {
    this.socket = socket;
    this.streams = streams;
    this.window = streams.limits.getWindow();
    this.commitBytes = streams.limits.getCommitBytes();
  }

  @Override
  public void onText(String text) {
    Phase now;
    synchronized (this) {
      now = phase;
      if (now == Phase.HANDSHAKE) {
        phase = Phase.OPENING;
      }
    }
    switch (now) {
      case HANDSHAKE -> {
        UploadHandshake h = UploadHandshake.parse(text);
        socket.authenticate(h.token(), p -> streams.writers.execute(() -> start(p, h)));
      }
      case STREAMING -> {
        JsonChunk chunk = JsonChunk.parse(text);
        synchronized (this) {
          if (chunk.seq() != nextChunkSeq) {
            fail(
                new UploadException(
                    UploadError.OUT_OF_ORDER,
                    "chunk " + chunk.seq() + " arrived, expected " + nextChunkSeq));
            return;
          }
          nextChunkSeq++;
        }
        onBinary(Unpooled.wrappedBuffer(chunk.data()));
      }
      case OPENING ->
          throw new Refusal(
              CloseCode.BAD_HANDSHAKE,
              ErrorCode.BAD_REQUEST,
              "send nothing between the handshake and \"ready\"");
      default -> {} // completing or ended: nothing more is read
    }
  }

  /** Opens or resumes the session, on the writer pool. */
  private void start(Principal p, UploadHandshake h) {
    UploadWriter w;
    try {
      w =
          h.resumes()
              ? streams.uploads.resume(p, h.uploadId())
              : streams.uploads.open(p, h.declared());
    } catch (UploadException e) {
      if (h.resumes()
          && e.code() == UploadError.UPLOAD_CLOSED
          && alreadyComplete(p, h.uploadId())) {
        return;
      }
      fail(e);
      return;
    } catch (RuntimeException e) {
      fail(unexpected(e));
      return;
    }
    synchronized (this) {
      if (phase == Phase.ENDED) {
        w.close();
        return;
      }
      principal = p;
      writer = w;
      phase = Phase.STREAMING;
      receivedTo = w.offset();
      startOffset = w.offset();
      startNanos = System.nanoTime();
    }
    w.whenTakenOver(
        () ->
            fail(
                new UploadException(
                    UploadError.UPLOAD_TAKEN_OVER, "a newer connection resumed this upload")));
    socket.sendText(ready(w));
    socket.logOpen(
        "upload="
            + w.uploadId()
            + " offset="
            + w.offset()
            + " size="
            + w.size()
            + " resumed="
            + h.resumes());
    if (w.offset() == w.size()) {
      // Every byte was stored before, by a socket that ended before completing.
      synchronized (this) {
        committing = true;
      }
      store();
    }
  }

  /**
   * A resume of an upload that completed while its client was away (the answer was lost with the
   * connection): the client gets {@code complete} now instead of starting the file over.
   */
  private boolean alreadyComplete(Principal p, String uploadId) {
    CompletedUpload done;
    try {
      done = streams.uploads.completed(p, uploadId);
    } catch (UploadException e) {
      return false;
    }
    synchronized (this) {
      phase = Phase.COMPLETING;
    }
    socket.sendText(completeFrame(done));
    socket.close(CloseCode.NORMAL, "complete");
    return true;
  }

  @Override
  public void onBinary(ByteBuf bytes) {
    boolean startStoring;
    boolean waitForNode = false;
    synchronized (this) {
      if (phase != Phase.STREAMING) {
        bytes.release();
        if (phase == Phase.HANDSHAKE || phase == Phase.OPENING) {
          throw new Refusal(
              CloseCode.BAD_HANDSHAKE, ErrorCode.BAD_REQUEST, "send bytes only after \"ready\"");
        }
        return; // completing or ended: the client sent past the end; the outcome is decided
      }
      int n = bytes.readableBytes();
      if (receivedTo + n > writer.size()) {
        bytes.release();
        rejectOversize(receivedTo + n);
        return;
      }
      receivedTo += n;
      received.add(bytes);
      receivedBytes += n;
      if (!streams.hold(n) && !waitingForNode) {
        waitingForNode = waitForNode = true;
      }
      if ((receivedBytes >= window || waitingForNode) && !readingPaused) {
        readingPaused = true;
        socket.pauseReading();
      }
      startStoring = !committing;
      committing = true;
    }
    if (waitForNode) {
      streams.waitForRoom(this);
    }
    if (startStoring) {
      streams.writers.execute(this::store);
    }
  }

  /** The node is under its budget again. */
  synchronized void roomOnNode() {
    waitingForNode = false;
    resumeIfRoom();
  }

  /** Reads again once this socket and the node both have room; the caller holds the lock. */
  private void resumeIfRoom() {
    if (readingPaused && !waitingForNode && receivedBytes < window && phase == Phase.STREAMING) {
      readingPaused = false;
      socket.resumeReading();
    }
  }

  /**
   * Stores what was received, batch by batch, acknowledging each; completes once every declared
   * byte is stored. Runs on the writer pool; {@code committing} keeps it the only such task.
   */
  private void store() {
    while (true) {
      ByteBuf batch;
      synchronized (this) {
        if (phase != Phase.STREAMING) {
          committing = false;
          return;
        }
        if (received.isEmpty()) {
          if (writer.offset() < writer.size()) {
            committing = false;
            return;
          }
          phase = Phase.COMPLETING;
          break;
        }
        batch = takeBatch();
        resumeIfRoom();
      }
      int n = batch.readableBytes();
      long offset;
      try {
        offset = writer.write(writer.offset(), batch.nioBuffer());
      } catch (UploadException | RuntimeException e) {
        synchronized (this) {
          if (phase != Phase.STREAMING) {
            committing = false;
            return; // ended, or refused meanwhile for a reason of its own
          }
        }
        fail(e instanceof UploadException refusal ? refusal : unexpected((RuntimeException) e));
        return;
      } finally {
        batch.release();
        streams.release(n);
      }
      streams.bytesStored.increment(n);
      socket.sendText(progress(offset));
    }
    complete();
  }

  /** Up to {@code commitBytes} received bytes as one buffer; the caller holds the lock. */
  private ByteBuf takeBatch() {
    ByteBuf first = received.peek();
    if (first.readableBytes() >= commitBytes || received.size() == 1) {
      received.poll();
      receivedBytes -= first.readableBytes();
      return first;
    }
    int n = (int) Math.min(commitBytes, receivedBytes);
    ByteBuf batch = PooledByteBufAllocator.DEFAULT.directBuffer(n, n);
    while (batch.isWritable()) {
      ByteBuf next = received.peek();
      int take = Math.min(next.readableBytes(), batch.writableBytes());
      batch.writeBytes(next, take);
      if (!next.isReadable()) {
        received.poll().release();
      }
    }
    receivedBytes -= n;
    return batch;
  }

  private void complete() {
    CompletedUpload done;
    try {
      done = writer.complete();
    } catch (UploadException e) {
      fail(e);
      return;
    } catch (RuntimeException e) {
      fail(unexpected(e));
      return;
    }
    streams.completed.increment();
    socket.sendText(completeFrame(done));
    socket.close(CloseCode.NORMAL, "complete");
  }

  /** The client sent past its declared size: nothing past it is stored, and the upload goes. */
  private void rejectOversize(long wouldEnd) {
    UploadWriter w = writer;
    Principal p = principal;
    phase = Phase.COMPLETING;
    streams.writers.execute(
        () -> {
          try {
            streams.uploads.delete(p, w.uploadId());
          } catch (UploadException e) {
            LOG.debug("uploads.oversize upload={} already gone: {}", w.uploadId(), e.getMessage());
          }
          fail(
              new UploadException(
                  UploadError.SIZE_EXCEEDED,
                  "bytes up to offset "
                      + wouldEnd
                      + " sent, past the declared size "
                      + w.size()
                      + "; the upload was discarded"));
        });
  }

  /**
   * A failure that is not a refusal (PostgreSQL unreachable, a bug): the socket must still end,
   * never wait for ever, and the client may resume from the durable offset (4700).
   */
  private UploadException unexpected(RuntimeException e) {
    UploadWriter w;
    synchronized (this) {
      w = writer;
    }
    LOG.warn(
        "uploads.socket-failure upload={} {}", w == null ? null : w.uploadId(), e.toString(), e);
    return new UploadException(
        UploadError.STORAGE_UNAVAILABLE,
        "the upload could not be stored just now; resume from the offset");
  }

  /** Ends the socket with {@code e}'s error frame (and the durable offset) and close code. */
  private void fail(UploadException e) {
    WireErrorCode code = e.code();
    long offset;
    synchronized (this) {
      offset = writer == null ? -1 : writer.offset();
    }
    socket.refuse(
        new Refusal(UploadCloseCode.closing(code), code, e.getMessage()),
        errorFrame(code, e.getMessage(), offset));
  }

  @Override
  public void ended() {
    UploadWriter w;
    long dropped;
    synchronized (this) {
      phase = Phase.ENDED;
      w = writer;
      received.forEach(ByteBuf::release);
      received.clear();
      dropped = receivedBytes;
      receivedBytes = 0;
    }
    streams.forget(this);
    streams.release(dropped);
    if (w != null) {
      w.close();
    }
  }

  @Override
  public String closeLogFields() {
    synchronized (this) {
      return writer == null
          ? ""
          : "upload=" + writer.uploadId() + " offset=" + writer.offset() + " size=" + writer.size();
    }
  }

  private String ready(UploadWriter w) {
    return "{\"type\":\"ready\",\"uploadId\":\""
        + w.uploadId()
        + "\",\"offset\":"
        + w.offset()
        + ",\"size\":"
        + w.size()
        + ",\"chunkSize\":"
        + streams.limits.getChunkSize()
        + ",\"window\":"
        + window
        + ",\"expiresAt\":\""
        + w.expiresAt()
        + "\"}";
  }

  private String progress(long offset) {
    long size = writer.size();
    double percent = UploadProgress.percentOf(offset, size);
    long elapsed = Math.max(1, System.nanoTime() - startNanos);
    long bytesPerSec = (long) ((offset - startOffset) * 1e9 / elapsed);
    return "{\"type\":\"progress\",\"offset\":"
        + offset
        + ",\"percent\":"
        + String.format(Locale.ROOT, "%.1f", percent)
        + ",\"bytesPerSec\":"
        + bytesPerSec
        + "}";
  }

  private static String completeFrame(CompletedUpload done) {
    return "{\"type\":\"complete\",\"fileId\":\""
        + done.fileId()
        + "\",\"sha256\":\""
        + done.sha256()
        + "\",\"size\":"
        + done.size()
        + ",\"mimetype\":\""
        + quote(done.mimetype())
        + "\",\"url\":\"/v2/documents/"
        + done.fileId()
        + "\",\"ocr\":{\"status\":\"pending\"}}";
  }

  private static String errorFrame(WireErrorCode code, String message, long offset) {
    return "{\"type\":\"error\",\"code\":\""
        + code.name()
        + "\",\"message\":\""
        + quote(message)
        + "\""
        + (offset >= 0 ? ",\"offset\":" + offset : "")
        + "}";
  }

  private static String quote(String s) {
    return new String(JsonStringEncoder.getInstance().quoteAsString(s));
  }
}
