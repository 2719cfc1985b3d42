package io.bellhop.events.stream;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Parsing a client's first frame ({@code Handshake.parse}, a typical resume handshake carrying a
 * 400-character JWT, three services, a property filter and a cursor) and a later token refresh
 * ({@code ClientMessage.parse}). Both run on the Netty event loop, the one place where nothing slow
 * may happen, and a reconnect storm after a deploy puts thousands of handshakes there at once.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
@Fork(1)
@State(Scope.Thread)
public class HandshakeParseBenchmark {

  /** An HS256 token of a staff user, 400 characters: the size of a real Bellhop access token. */
  static final String JWT =
      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
          + ".eyJzdWIiOiJ1LTQ4MjEzIiwib3JnSWQiOiJ0b3l4N2IiLCJuYW1lIjoiTWFydGEgRmVybmFuZGV6Iiwicm9s"
          + "ZXMiOlsic3RhZmYiXSwicHJvcGVydHlJZHMiOlsiNyIsIjEyIiwiMzEiXSwiaXNzIjoiaHR0cHM6Ly9hdXRoLmJl"
          + "bGxob3AuZXhhbXBsZSIsImF1ZCI6ImJlbGxob3AiLCJpYXQiOjE3OTU5Nzc2MDAsImV4cCI6MTc5NTk4MTIwMCwi"
          + "anRpIjoiOWYxYzJiN2UtNWEwZC00YzhlLWIzZjYtMmQ3MWE5NGMwZTU4In0"
          + "._ZWC8_vb7Npt4X_lHBGpKzWMVuzP07KQLzez_RkuZY4";

  static final String HANDSHAKE =
      "{\"token\":\""
          + JWT
          + "\",\"services\":[\"finance\",\"guest\",\"staff\"],\"filters\":{\"propertyId\":\"7\"},"
          + "\"lastSeq\":123456,\"epoch\":\"toyx7b.abc\",\"version\":1}";

  static final String REFRESH = "{\"type\":\"refresh\",\"token\":\"" + JWT + "\"}";

  // Non-final fields: the JIT must not treat the input as a constant.
  private String handshake = HANDSHAKE;
  private String refresh = REFRESH;

  /** The first frame of every connection: {@code StreamSession.onText} in state HANDSHAKING. */
  @Benchmark
  public void handshake(Blackhole bh) {
    bh.consume(Handshake.parse(handshake));
  }

  /** A frame on a live connection: {@code {"type":"refresh","token":..}}. */
  @Benchmark
  public void clientMessage(Blackhole bh) {
    bh.consume(ClientMessage.parse(refresh));
  }
}
