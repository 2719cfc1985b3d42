package io.bellhop.realtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SocketWriterTest {

  /** A client that never reads: the channel takes every write, none ever completes. */
  private static final class StalledPeer extends ChannelOutboundHandlerAdapter {
    final List<Object> held = new ArrayList<>();

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      held.add(msg);
    }

    void release() {
      held.forEach(ReferenceCountUtil::release);
    }
  }

  private static SocketWriter writer(EmbeddedChannel channel, long maxQueuedBytes) {
    return new SocketWriter(channel, maxQueuedBytes, false, (events, appendedAtMicros) -> {});
  }

  @Test
  void controlMessagesForAClientThatDoesNotReadCountAgainstItsBound() {
    var peer = new StalledPeer();
    var channel = new EmbeddedChannel(peer);
    SocketWriter writer = writer(channel, 4096);
    String error =
        "{\"type\":\"error\",\"code\":\"UNKNOWN_MESSAGE\",\"message\":\"" + "m".repeat(150) + "\"}";
    int accepted = 0;
    while (writer.sendText(error)) {
      accepted++;
      assertTrue(accepted < 1_000, "the bound never refused a control message");
    }
    channel.runPendingTasks();
    assertTrue(writer.queuedBytes() <= 4096, "queued " + writer.queuedBytes());
    assertEquals(accepted, peer.held.size());
    peer.release();
  }

  @Test
  void aPingFloodQueuesOnePongForAClientThatDoesNotRead() {
    var peer = new StalledPeer();
    var channel = new EmbeddedChannel(peer);
    SocketWriter writer = writer(channel, 4096);
    for (int i = 0; i < 10_000; i++) {
      assertTrue(writer.sendPong(Unpooled.wrappedBuffer(new byte[125])));
      channel.runPendingTasks();
    }
    assertEquals(1, peer.held.size());
    assertInstanceOf(PongWebSocketFrame.class, peer.held.get(0));
    assertEquals(125, writer.queuedBytes());
    peer.release();
  }

  @Test
  void writtenControlMessagesAndPongsLeaveTheCount() {
    var channel = new EmbeddedChannel();
    SocketWriter writer = writer(channel, 4096);
    assertTrue(writer.sendText("{\"type\":\"ping\"}"));
    assertTrue(writer.sendPong(Unpooled.wrappedBuffer(new byte[10])));
    channel.runPendingTasks();
    assertEquals(0, writer.queuedBytes());
    assertTrue(writer.sendPong(Unpooled.wrappedBuffer(new byte[10])));
    channel.runPendingTasks();
    assertEquals(
        2,
        channel.outboundMessages().stream().filter(PongWebSocketFrame.class::isInstance).count());
    channel.finishAndReleaseAll();
  }

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
    var writer = new SocketWriter(channel, 1 << 20, false, (events, appendedAtMicros) -> {});

    assertTrue(
        writer.sendEvents(
            Unpooled.wrappedBuffer("{\"type\":\"event\"}".getBytes(StandardCharsets.UTF_8)), 1, 0));
    channel.runPendingTasks();

    assertFalse(channel.isActive());
  }
}
