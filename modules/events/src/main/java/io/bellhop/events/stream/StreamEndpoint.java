package io.bellhop.events.stream;

import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.server.netty.NettyHttpRequest;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.websocket.WebSocketSession;
import io.micronaut.websocket.annotation.OnClose;
import io.micronaut.websocket.annotation.OnError;
import io.micronaut.websocket.annotation.OnMessage;
import io.micronaut.websocket.annotation.OnOpen;
import io.micronaut.websocket.annotation.ServerWebSocket;
import io.netty.channel.Channel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code WS /v2/realtime/stream}. The upgrade itself is anonymous: the token may arrive later in
 * the handshake frame, so authentication happens in {@link StreamSession}. A token may also come
 * with the upgrade, in {@code Sec-WebSocket-Protocol: bearer, <jwt>}, {@code Authorization: Bearer
 * <jwt>} or {@code ?access_token=<jwt>} (least safe: it lands in access logs).
 */
@Secured(SecurityRule.IS_ANONYMOUS)
@ServerWebSocket(value = "/v2/realtime/stream", subprotocols = "bearer")
final class StreamEndpoint {
  private static final Logger LOG = LoggerFactory.getLogger(StreamEndpoint.class);
  private static final String SESSION = "bellhop.session";

  /**
   * The handshake and a refresh are small: a client message may not exceed this, whether sent in
   * one frame, in fragments or compressed (1009, see {@link ClientFrameGuard}).
   */
  static final int MAX_CLIENT_FRAME = 16 * 1024;

  private final StreamNode node;

  StreamEndpoint(StreamNode node) {
    this.node = node;
  }

  @OnOpen
  void onOpen(WebSocketSession ws, HttpRequest<?> request) {
    if (!(request instanceof NettyHttpRequest<?> netty)) {
      throw new IllegalStateException("the stream needs the Netty HTTP server");
    }
    Channel channel = netty.getChannelHandlerContext().channel();
    StreamSession session = node.open(channel, request, transportToken(request));
    ClientFrameGuard.install(
        channel,
        session,
        MAX_CLIENT_FRAME,
        new TokenBucket(
            node.config.clientFramesPerSecond, node.config.clientFrameBurst, System.nanoTime()),
        node.config.closeGrace);
    ws.put(SESSION, session);
  }

  @OnMessage(maxPayloadLength = MAX_CLIENT_FRAME)
  void onMessage(String text, WebSocketSession ws) {
    ws.get(SESSION, StreamSession.class).ifPresent(s -> s.onText(text));
  }

  @OnClose
  void onClose(WebSocketSession ws) {
    ws.get(SESSION, StreamSession.class).ifPresent(StreamSession::onClosed);
  }

  @OnError
  void onError(WebSocketSession ws, Throwable error) {
    LOG.debug("stream socket error", error);
  }

  /** The token presented with the upgrade request, if any; the handshake frame's wins. */
  static String transportToken(HttpRequest<?> request) {
    String protocols = request.getHeaders().get("Sec-WebSocket-Protocol");
    if (protocols != null) {
      String[] parts = protocols.split(",");
      for (int i = 0; i + 1 < parts.length; i++) {
        if (parts[i].trim().equalsIgnoreCase("bearer")) {
          return parts[i + 1].trim();
        }
      }
    }
    String auth = request.getHeaders().get(HttpHeaders.AUTHORIZATION);
    if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return auth.substring(7).trim();
    }
    return request.getParameters().get("access_token");
  }
}
