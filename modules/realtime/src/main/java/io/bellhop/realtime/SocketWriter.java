package io.bellhop.realtime;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtension;
import io.netty.util.concurrent.Future;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only way bytes reach one client's socket. Hot: called once per batch per session.
 *
 * <p>Every write is queued and drained on the channel's event loop, even when sent from the event
 * loop itself, so frames leave in exactly the order {@code send} was called (callers order their
 * calls under the session lock), a burst of them with one flush. Every byte handed over but not yet
 * written to the kernel is counted — events, acks, pings, errors, pongs alike; past {@code
 * maxQueuedBytes} a send refuses and the session is cut as a slow consumer, so a client that does
 * not read never grows memory beyond that bound, whatever it makes the server answer.
 */
final class SocketWriter {
  private static final Logger LOG = LoggerFactory.getLogger(SocketWriter.class);

  /** Told when a frame of events has been written to the kernel. */
  @FunctionalInterface
  interface Delivered {
    /**
     * Called once a frame carrying {@code events} events has been written to the socket.
     *
     * @param appendedAtMicros when the log accepted the frame's events, 0 for a replayed frame
     */
    void written(int events, long appendedAtMicros);
  }

  private final Channel channel;
  private final long maxQueuedBytes;
  private final Delivered delivered;
  private final boolean deflate;
  private final AtomicLong queued = new AtomicLong();
  private final AtomicBoolean pongPending = new AtomicBoolean();
  private final ConcurrentLinkedQueue<Unwritten> unwritten = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean drainScheduled = new AtomicBoolean();
  private volatile Thread waiter;
  private volatile boolean closing;

  /**
   * @param deflate whether the socket negotiated permessage-deflate (frames arrive compressed)
   */
  SocketWriter(Channel channel, long maxQueuedBytes, boolean deflate, Delivered delivered) {
    this.channel = channel;
    this.deflate = deflate;
    this.maxQueuedBytes = maxQueuedBytes;
    this.delivered = delivered;
  }

  /**
   * Queues an event frame — already compressed if this socket negotiated permessage-deflate. Takes
   * ownership of {@code frame}. Returns false, releasing it, when the frame would put more than
   * {@code maxQueuedBytes} between the client and its socket.
   */
  boolean sendEvents(ByteBuf frame, int events, long appendedAtMicros) {
    int size = frame.readableBytes();
    // One frame is always accepted, however large: the bound is on a backlog, not a frame size.
    if (closing || !fits(size)) {
      frame.release();
      return false;
    }
    write(
        textFrame(frame),
        size,
        f -> {
          if (f.isSuccess()) {
            delivered.written(events, appendedAtMicros);
          } else {
            dropAfterFailedWrite(f.cause());
          }
        });
    return true;
  }

  /**
   * Queues a control message (ack, ping, error, refreshed), counted against the bound like events.
   * Returns false when it does not fit: the caller cuts the session. Once closing, drops it.
   */
  boolean sendText(String text) {
    if (closing) {
      return true;
    }
    ByteBuf bytes = Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.UTF_8));
    ByteBuf payload = deflate ? Deflate.compress(bytes) : bytes;
    int size = payload.readableBytes();
    if (!fits(size)) {
      payload.release();
      return false;
    }
    write(textFrame(payload), size, f -> {});
    return true;
  }

  /**
   * Answers a client's ping, taking ownership of {@code payload}. While one pong is still unwritten
   * later pings share it (RFC 6455 §5.5.3 allows answering only one of several), so a ping flood
   * queues at most one pong. Returns false when even that one does not fit under the bound.
   */
  boolean sendPong(ByteBuf payload) {
    if (closing || !pongPending.compareAndSet(false, true)) {
      payload.release();
      return true;
    }
    int size = payload.readableBytes();
    if (!fits(size)) {
      pongPending.set(false);
      payload.release();
      return false;
    }
    write(new PongWebSocketFrame(payload), size, f -> pongPending.set(false));
    return true;
  }

  /**
   * Counts {@code size} bytes as queued and queues {@code frame} for the event loop; once written
   * (or failed) the bytes leave the count and {@code then} runs. Every frame goes through here, so
   * frames leave in the order they were queued. Frames queued while a drain is pending go out with
   * it, one flush for all: a socket that many messages reach at once (a busy chat room) costs one
   * task and one system call per burst, not per message, and the busier the event loop the larger
   * the bursts.
   */
  private void write(WebSocketFrame frame, int size, Consumer<Future<?>> then) {
    queued.addAndGet(size);
    unwritten.add(new Unwritten(frame, size, then));
    if (drainScheduled.compareAndSet(false, true)) {
      channel.eventLoop().execute(this::drain);
    }
  }

  private record Unwritten(WebSocketFrame frame, int size, Consumer<Future<?>> then) {}

  /** On the event loop: writes every queued frame, then flushes once. */
  private void drain() {
    drainScheduled.set(false); // before polling: a frame queued from now on schedules a new drain
    boolean wrote = false;
    Unwritten u;
    while ((u = unwritten.poll()) != null) {
      Unwritten w = u;
      channel
          .write(w.frame())
          .addListener(
              f -> {
                w.then().accept(f);
                written(w.size());
              });
      wrote = true;
    }
    if (wrote) {
      channel.flush();
    }
  }

  Channel channel() {
    return channel;
  }

  /** Bytes handed to the channel and not yet written to the kernel. */
  long queuedBytes() {
    return queued.get();
  }

  /** RSV1 marks a compressed message; Netty's own deflate encoder passes such frames through. */
  private TextWebSocketFrame textFrame(ByteBuf payload) {
    return deflate
        ? new TextWebSocketFrame(true, WebSocketExtension.RSV1, payload)
        : new TextWebSocketFrame(payload);
  }

  /**
   * Sends the close frame after everything already queued, then closes the socket once it is
   * written — or after {@code grace} if the client never reads that far.
   */
  void close(int code, String reason, Duration grace) {
    close(code, reason, grace, false);
  }

  /**
   * Like {@link #close(int, String, Duration)}, for a client that may still be sending: once the
   * close frame is written only the output is shut down, and the socket closes when the client
   * closes its side or after {@code grace}. Closed outright with unread input, a socket is reset,
   * and the client would lose the close frame that says why.
   */
  void closeWhileClientSends(int code, String reason, Duration grace) {
    close(code, reason, grace, true);
  }

  private void close(int code, String reason, Duration grace, boolean halfClose) {
    if (closing) {
      return;
    }
    closing = true;
    channel
        .eventLoop()
        .execute(
            () -> {
              drain(); // what was queued before the close goes first
              if (!channel.isActive()) {
                return;
              }
              channel
                  .writeAndFlush(new CloseWebSocketFrame(code, truncate(reason)))
                  .addListener(
                      halfClose && channel instanceof DuplexChannel duplex
                          ? f -> duplex.shutdownOutput()
                          : ChannelFutureListener.CLOSE);
              channel
                  .eventLoop()
                  .schedule(() -> channel.close(), grace.toMillis(), TimeUnit.MILLISECONDS);
            });
    wake();
  }

  boolean isClosing() {
    return closing;
  }

  /**
   * Blocks (never on an event loop) until a frame of {@code size} bytes fits under the bound, or
   * the timeout passes; false on timeout or once closing.
   */
  boolean awaitRoomFor(int size, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    waiter = Thread.currentThread();
    try {
      while (!fits(size) && !closing) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        LockSupport.parkNanos(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
      }
      return !closing;
    } finally {
      waiter = null;
    }
  }

  private boolean fits(int size) {
    long now = queued.get();
    return now == 0 || now + size <= maxQueuedBytes;
  }

  /**
   * A frame that did not reach the socket must not be skipped silently: the session's cursor has
   * moved past it. Closing makes the client resume from the last seq it really got.
   */
  private void dropAfterFailedWrite(Throwable cause) {
    if (channel.isActive()) {
      LOG.warn(
          "write to {} failed; closing so the client resumes: {}",
          channel.remoteAddress(),
          cause.toString());
      channel.close();
    }
  }

  private void written(int size) {
    queued.addAndGet(-size);
    wake();
  }

  private void wake() {
    Thread t = waiter;
    if (t != null) {
      LockSupport.unpark(t);
    }
  }

  /** A close reason is at most 123 bytes of UTF-8. */
  private static String truncate(String reason) {
    byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
    return bytes.length <= 123 ? reason : new String(bytes, 0, 123, StandardCharsets.UTF_8);
  }
}
