package io.bellhop.events.stream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SessionWriterTest {

  @Test
  void aFrameThatFailsToReachTheSocketClosesTheConnectionSoTheClientResumes() {
    var channel =
        new EmbeddedChannel(
            new ChannelOutboundHandlerAdapter() {
              @Override
              public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                ReferenceCountUtil.release(msg);
                promise.setFailure(new OutOfMemoryError("no direct memory left"));
              }
            });
    var writer =
        new SessionWriter(channel, 1 << 20, new StreamMetrics(new SimpleMeterRegistry()), false);

    assertTrue(
        writer.sendEvents(
            Unpooled.wrappedBuffer("{\"type\":\"event\"}".getBytes(StandardCharsets.UTF_8)), 1, 0));
    channel.runPendingTasks();

    assertFalse(channel.isActive());
  }
}
