package io.bellhop.realtime;

import io.bellhop.platform.ConnectionGuard;
import io.bellhop.platform.HttpLimits;
import io.bellhop.platform.QueryTokenReader;
import io.bellhop.platform.TokenVerifier;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import java.util.List;
import java.util.function.Function;

/**
 * Test and benchmark fixture: the real kernel over Netty's {@link EmbeddedChannel}, so a module's
 * socket handler runs through the real admission, authentication, writer and close path without a
 * server. The test drives the event loop ({@code channel.runPendingTasks()}, {@code
 * runScheduledPendingTasks()}) and reads what reached the wire from {@code outboundMessages()}.
 */
public final class EmbeddedSockets {
  private final RealtimeSockets node;

  /** A kernel with node caps lifted and the per-user/per-org caps at their defaults. */
  public EmbeddedSockets(TokenVerifier verifier) {
    this(verifier, new RealtimeConfig());
  }

  /** A kernel with every connection cap lifted: thousands of sockets of one user (benchmarks). */
  public static EmbeddedSockets uncapped(TokenVerifier verifier) {
    var config = new RealtimeConfig();
    config.maxConnectionsPerUser = 0;
    config.maxConnectionsPerOrg = 0;
    return new EmbeddedSockets(verifier, config);
  }

  private EmbeddedSockets(TokenVerifier verifier, RealtimeConfig config) {
    config.maxConnections = Integer.MAX_VALUE;
    config.acceptPerSecond = Integer.MAX_VALUE;
    this.node =
        new RealtimeSockets(
            verifier,
            new ConnectionGuard(new HttpLimits()),
            new QueryTokenReader(List.of()),
            config,
            new SimpleMeterRegistry());
  }

  /**
   * A channel shaped like an upgraded socket (a WebSocket frame decoder in its pipeline), then
   * {@code handlers}: add Netty's permessage-deflate encoder to look like a compressed socket.
   */
  public static EmbeddedChannel channel(ChannelHandler... handlers) {
    var channel = new EmbeddedChannel();
    channel.pipeline().addLast(new WebSocket13FrameDecoder(true, true, 65_536));
    channel.pipeline().addLast(handlers);
    return channel;
  }

  /** Opens a socket on {@code channel}, as {@link RealtimeSockets#open} does after an upgrade. */
  public RealtimeSocket open(
      EmbeddedChannel channel, SocketSpec spec, Function<RealtimeSocket, SocketHandler> handlers) {
    return node.open(channel, null, null, spec, handlers);
  }

  /** A whole text message from the client. */
  public static void text(RealtimeSocket socket, String text) {
    socket.onText(text);
  }

  /** The socket's channel closed. */
  public static void closed(RealtimeSocket socket) {
    socket.onClosed();
  }

  public RealtimeSockets node() {
    return node;
  }
}
