package io.bellhop.events.stream;

import io.bellhop.events.EventEnvelope;
import io.bellhop.events.replay.Frames;
import io.bellhop.realtime.Deflate;
import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Encoding one event frame of {@code events} events with a 256-byte payload each ({@code
 * Frames.events}, into a pooled Netty buffer), and compressing that same frame for
 * permessage-deflate ({@code Deflate.compress}). The fan-out does each at most once per run of
 * events and filter group, never per socket, so these two costs times the number of filter groups
 * are the per-batch CPU that does not shrink with sharing.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
@Fork(1)
@State(Scope.Thread)
public class FrameEncodeBenchmark {

  /** Events in the frame. */
  @Param({"1", "10", "100"})
  public int events;

  private List<EventEnvelope> run;
  private ByteBuf frame;

  @Setup
  public void setUp() {
    run = BenchEvents.run(events);
    frame = Frames.events(run, 0, run.size());
  }

  @TearDown
  public void tearDown() {
    frame.release();
  }

  /** {@code Frames.events}: JSON of the whole run, then the buffer is released as a batch does. */
  @Benchmark
  public void encode(Blackhole bh) {
    ByteBuf encoded = Frames.events(run, 0, run.size());
    bh.consume(encoded.readableBytes());
    encoded.release();
  }

  /** {@code Deflate.compress} of the frame {@link #encode} produces. */
  @Benchmark
  public void deflate(Blackhole bh) {
    ByteBuf deflated = Deflate.compress(frame);
    bh.consume(deflated.readableBytes());
    deflated.release();
  }

  /** Sizes of the fixture's frame, plain and deflated, for reports. */
  int[] frameSizes() {
    ByteBuf deflated = Deflate.compress(frame);
    try {
      return new int[] {frame.readableBytes(), deflated.readableBytes()};
    } finally {
      deflated.release();
    }
  }
}
