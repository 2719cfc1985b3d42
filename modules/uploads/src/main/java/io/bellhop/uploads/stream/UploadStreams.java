package io.bellhop.uploads.stream;

import io.bellhop.realtime.RealtimeSocket;
import io.bellhop.realtime.SocketSpec;
import io.bellhop.uploads.Uploads;
import io.bellhop.uploads.session.UploadsConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** The node's side of {@code WS /v2/documents/upload/stream}: what its sockets share. */
@Singleton
final class UploadStreams {
  static final String ENDPOINT = "uploads";

  final Uploads uploads;
  final UploadsConfig limits;
  final ExecutorService writers;
  final Counter bytesStored;
  final Counter completed;
  private final UploadStreamConfig config;

  /**
   * Bytes every socket holds received and not yet stored; at most the budget plus a message each.
   */
  private final AtomicLong buffered = new AtomicLong();

  private final ConcurrentLinkedQueue<UploadSocket> waitingForRoom = new ConcurrentLinkedQueue<>();

  UploadStreams(
      Uploads uploads, UploadsConfig limits, UploadStreamConfig config, MeterRegistry registry) {
    this.uploads = uploads;
    this.limits = limits;
    this.config = config;
    var threads = new AtomicInteger();
    this.writers =
        Executors.newFixedThreadPool(
            config.writerThreads,
            r -> {
              Thread t = new Thread(r, "upload-writer-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.bytesStored =
        Counter.builder("bellhop_upload_stream_bytes_stored")
            .description("bytes the upload socket stored durably (committed)")
            .baseUnit("bytes")
            .register(registry);
    this.completed =
        Counter.builder("bellhop_upload_stream_completed")
            .description("uploads completed over the upload socket")
            .register(registry);
    Gauge.builder("bellhop_upload_stream_buffered_bytes", buffered, AtomicLong::get)
        .description("bytes upload sockets hold received and not yet stored")
        .baseUnit("bytes")
        .register(registry);
  }

  /** Counts {@code n} bytes a socket received; false when the node is now over its budget. */
  boolean hold(long n) {
    return buffered.addAndGet(n) <= config.maxBufferedBytes;
  }

  /** {@code n} held bytes were stored or dropped; sockets waiting for room may read again. */
  void release(long n) {
    if (buffered.addAndGet(-n) <= config.maxBufferedBytes) {
      wakeWaiting();
    }
  }

  /** {@code socket} stopped reading for the node's budget: tell it once there is room. */
  void waitForRoom(UploadSocket socket) {
    waitingForRoom.add(socket);
    if (buffered.get() <= config.maxBufferedBytes) {
      wakeWaiting(); // the room came between its hold() and here
    }
  }

  void forget(UploadSocket socket) {
    waitingForRoom.remove(socket);
  }

  private void wakeWaiting() {
    UploadSocket next;
    while (buffered.get() <= config.maxBufferedBytes && (next = waitingForRoom.poll()) != null) {
      next.roomOnNode();
    }
  }

  UploadSocket newSocket(RealtimeSocket socket) {
    return new UploadSocket(socket, this);
  }

  /**
   * A text message carries a handshake or a base64 chunk of at most {@code chunk-size} bytes; a
   * binary message is one chunk.
   */
  SocketSpec socketSpec() {
    return new SocketSpec(
        ENDPOINT,
        maxTextBytes(limits.getChunkSize()),
        256 * 1024,
        config.handshakeTimeout,
        config.closeGrace,
        config.expiryGrace,
        config.framesPerSecond,
        config.frameBurst,
        limits.getChunkSize());
  }

  /** Room for a chunk's base64 and the JSON around it. */
  static int maxTextBytes(int chunkSize) {
    return 4 * ((chunkSize + 2) / 3) + 1024;
  }

  @PreDestroy
  void stop() {
    writers.shutdownNow();
  }
}
