package io.bellhop.bench;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.netty.buffer.ByteBuf;
import java.io.IOException;

/**
 * Streaming parse of one received text frame (no object tree, one pass) for both wire formats.
 *
 * <ul>
 *   <li>Bellhop: {@code {"type":"event","events":[envelope...],"seq":..}}, {@code ack}, {@code
 *       ping}, {@code error} frames.
 *   <li>Baseline and Node {@code ws} peer: a raw envelope or an array of envelopes.
 *   <li>Socket.IO peer: {@code ["event",envelope]} (after the packet-type prefix).
 * </ul>
 *
 * Every envelope with a {@code payload.t} is handed to the {@link EventSink}; top-level control
 * fields land in the reusable {@link Frame}.
 */
final class FrameParser {
  private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[8192]);

  private FrameParser() {}

  /** Receives each envelope found in a frame. {@code n} and {@code seq} are -1 when absent. */
  interface EventSink {
    void event(String orgId, long t, long n, long seq);
  }

  /** Top-level control fields of the last parsed frame. */
  static final class Frame {
    String type;
    long seq;
    String epoch;
    Boolean recovered;
    String code;
    String message;
    int events;

    void reset() {
      type = null;
      seq = -1;
      epoch = null;
      recovered = null;
      code = null;
      message = null;
      events = 0;
    }
  }

  static void parse(ByteBuf content, Frame frame, EventSink sink) throws IOException {
    int len = content.readableBytes();
    byte[] bytes;
    int off;
    if (content.hasArray()) {
      bytes = content.array();
      off = content.arrayOffset() + content.readerIndex();
    } else {
      bytes = SCRATCH.get();
      if (bytes.length < len) {
        bytes = new byte[Math.max(len, bytes.length * 2)];
        SCRATCH.set(bytes);
      }
      content.getBytes(content.readerIndex(), bytes, 0, len);
      off = 0;
    }
    frame.reset();
    try (JsonParser p = Json.FACTORY.createParser(bytes, off, len)) {
      JsonToken tok = p.nextToken();
      if (tok == JsonToken.START_ARRAY) {
        // Envelopes; other elements (Socket.IO's leading event name) are skipped.
        for (tok = p.nextToken(); tok != null && tok != JsonToken.END_ARRAY; tok = p.nextToken()) {
          if (tok == JsonToken.START_OBJECT) {
            readObject(p, null, sink);
          } else {
            p.skipChildren();
          }
        }
      } else if (tok == JsonToken.START_OBJECT) {
        readObject(p, frame, sink);
      }
    }
  }

  /** Reads an envelope or a wrapper frame; {@code frame} is null below the top level. */
  private static void readObject(JsonParser p, Frame frame, EventSink sink) throws IOException {
    String orgId = null;
    long t = Long.MIN_VALUE;
    long n = -1;
    long seq = -1;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken v = p.nextToken();
      switch (name) {
        case "events" -> {
          if (v == JsonToken.START_ARRAY) {
            while (p.nextToken() == JsonToken.START_OBJECT) {
              readObject(p, null, sink);
              if (frame != null) {
                frame.events++;
              }
            }
          } else {
            p.skipChildren();
          }
        }
        case "payload" -> {
          if (v == JsonToken.START_OBJECT) {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String f = p.currentName();
              JsonToken pv = p.nextToken();
              if ("t".equals(f) && pv == JsonToken.VALUE_NUMBER_INT) {
                t = p.getLongValue();
              } else if ("n".equals(f) && pv == JsonToken.VALUE_NUMBER_INT) {
                n = p.getLongValue();
              } else {
                p.skipChildren();
              }
            }
          } else {
            p.skipChildren();
          }
        }
        case "orgId" -> orgId = p.getValueAsString();
        case "seq" -> seq = p.getValueAsLong(-1);
        default -> {
          if (frame != null) {
            readControl(p, name, frame);
          } else {
            p.skipChildren();
          }
        }
      }
    }
    if (frame != null) {
      frame.seq = seq;
    }
    if (t != Long.MIN_VALUE) {
      sink.event(orgId, t, n, seq);
      if (frame != null && frame.events == 0) {
        frame.events = 1;
      }
    }
  }

  private static void readControl(JsonParser p, String name, Frame frame) throws IOException {
    switch (name) {
      case "type" -> frame.type = p.getValueAsString();
      case "epoch" -> frame.epoch = p.getValueAsString();
      case "recovered" -> frame.recovered = p.getValueAsBoolean();
      case "code" -> frame.code = p.getValueAsString();
      case "message" -> frame.message = p.getValueAsString();
      default -> p.skipChildren();
    }
  }
}
