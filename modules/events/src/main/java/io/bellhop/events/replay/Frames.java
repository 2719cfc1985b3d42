package io.bellhop.events.replay;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import io.bellhop.events.EventEnvelope;
import io.bellhop.events.log.EnvelopeCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;

/** Encodes the server's text frames. Hot: runs once per batch and filter, not per socket. */
public final class Frames {
  private Frames() {}

  /**
   * {@code {"type":"event","service":..,"events":[..],"seq":<last>,"timestamp":..}} for a run of
   * events of one service, in seq order. The caller owns the returned buffer.
   */
  public static ByteBuf events(List<EventEnvelope> run, int from, int to) {
    ByteBuf buf = ByteBufAllocator.DEFAULT.buffer(256 * (to - from) + 128);
    try (JsonGenerator g = generator(buf)) {
      g.writeStartObject();
      g.writeStringField("type", "event");
      g.writeStringField("service", run.get(from).service().wireName());
      g.writeArrayFieldStart("events");
      for (int i = from; i < to; i++) {
        EnvelopeCodec.writeWire(g, run.get(i));
      }
      g.writeEndArray();
      g.writeNumberField("seq", run.get(to - 1).seq());
      g.writeStringField("timestamp", Instant.now().toString());
      g.writeEndObject();
    } catch (IOException e) {
      buf.release();
      throw new UncheckedIOException(e);
    }
    return buf;
  }

  /** Receives one run, {@code [from, to)}; returns false to stop. */
  @FunctionalInterface
  public interface RunSink {
    boolean accept(int from, int to);
  }

  /**
   * Cuts events (in seq order) into runs of one service of at most {@code max} events, the unit of
   * one event frame, keeping seq order across frames. Returns false if the sink stopped early.
   */
  public static boolean forEachRun(List<EventEnvelope> events, int max, RunSink sink) {
    int start = 0;
    for (int i = 1; i <= events.size(); i++) {
      if (i == events.size()
          || i - start == max
          || events.get(i).service() != events.get(start).service()) {
        if (!sink.accept(start, i)) {
          return false;
        }
        start = i;
      }
    }
    return true;
  }

  /**
   * The long-poll answer: {@code {"type":"poll","seq":..,"epoch":..,"recovered":..,"events":[..]}}
   * with every event's wire envelope, in seq order.
   */
  public static byte[] poll(List<EventEnvelope> events, long seq, String epoch, boolean recovered) {
    var out = new java.io.ByteArrayOutputStream(256 + 300 * events.size());
    try (JsonGenerator g = EnvelopeCodec.JSON.createGenerator(out, JsonEncoding.UTF8)) {
      g.writeStartObject();
      g.writeStringField("type", "poll");
      g.writeNumberField("seq", seq);
      g.writeStringField("epoch", epoch);
      g.writeBooleanField("recovered", recovered);
      g.writeArrayFieldStart("events");
      for (EventEnvelope e : events) {
        EnvelopeCodec.writeWire(g, e);
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  public static String ack(
      long seq, String epoch, boolean recovered, String sessionId, long heartbeatMs) {
    return "{\"type\":\"ack\",\"seq\":"
        + seq
        + ",\"epoch\":\""
        + epoch
        + "\",\"recovered\":"
        + recovered
        + ",\"sessionId\":\""
        + sessionId
        + "\",\"heartbeatMs\":"
        + heartbeatMs
        + "}";
  }

  public static String ping(long seq) {
    return "{\"type\":\"ping\",\"seq\":" + seq + ",\"timestamp\":\"" + Instant.now() + "\"}";
  }

  private static JsonGenerator generator(ByteBuf buf) throws IOException {
    return EnvelopeCodec.JSON.createGenerator(
        (java.io.OutputStream) new ByteBufOutputStream(buf), JsonEncoding.UTF8);
  }
}
