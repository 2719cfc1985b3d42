package io.bellhop.realtime;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * permessage-deflate decompression of client messages that stops at a byte limit. Netty's decoder
 * inflates each frame in full whatever its size (Micronaut installs it with no cap), so a 16 KiB
 * frame could become gigabytes; here inflation writes at most one byte past the limit and stops.
 *
 * <p>One inflater lives as long as the connection: its window is the client's compression context
 * (context takeover, what browsers use). A client that resets its context per message produces no
 * back-references into older messages, so the same inflater serves both. zlib's native state is
 * allocated on the first compressed frame only: most clients send one or two frames in all.
 */
final class BoundedInflater {
  enum Result {
    OK,
    TOO_BIG,
    CORRUPT
  }

  /** RFC 7692 §7.2.2: the sender removes this empty stored block; the receiver puts it back. */
  private static final byte[] TAIL = {0, 0, (byte) 0xff, (byte) 0xff};

  private Inflater inflater;

  /**
   * Inflates {@code in} (left untouched) onto {@code out}, which must hold at least {@code limit +
   * 1} bytes of capacity. {@code endOfMessage} appends the tail that ends a message. Returns {@code
   * TOO_BIG} as soon as {@code out} holds more than {@code limit} bytes.
   */
  Result inflate(ByteBuf in, boolean endOfMessage, ByteBuf out, int limit) {
    if (inflater == null) {
      inflater = new Inflater(true);
    }
    try {
      Result r = feed(in.nioBuffer(), out, limit);
      if (r == Result.OK && endOfMessage) {
        r = feed(ByteBuffer.wrap(TAIL), out, limit);
      }
      return r;
    } catch (DataFormatException e) {
      return Result.CORRUPT;
    }
  }

  private Result feed(ByteBuffer input, ByteBuf out, int limit) throws DataFormatException {
    inflater.setInput(input);
    while (true) {
      int room = limit + 1 - out.readableBytes();
      if (room <= 0) {
        return Result.TOO_BIG;
      }
      out.ensureWritable(Math.min(room, 4096));
      ByteBuffer dst = out.nioBuffer(out.writerIndex(), Math.min(room, out.writableBytes()));
      int unread = input.remaining();
      int n = inflater.inflate(dst);
      out.writerIndex(out.writerIndex() + n);
      if (out.readableBytes() > limit) {
        return Result.TOO_BIG;
      }
      if (inflater.needsDictionary()) {
        return Result.CORRUPT;
      }
      if (inflater.finished()) {
        // A block with BFINAL set ends the deflate stream; what follows starts a new one.
        inflater.reset();
        if (!input.hasRemaining()) {
          return Result.OK;
        }
        inflater.setInput(input);
      } else if (n == 0 && inflater.needsInput()) {
        return Result.OK;
      } else if (n == 0 && input.remaining() == unread) {
        return Result.CORRUPT; // no progress either way: never spin on the event loop
      }
    }
  }

  /** Frees zlib's native memory; the inflater must not be used afterwards. */
  void end() {
    if (inflater != null) {
      inflater.end();
      inflater = null;
    }
  }
}
