package io.bellhop.events.stream;

import io.bellhop.realtime.RealtimeSockets;
import io.micronaut.http.HttpRequest;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.websocket.WebSocketSession;
import io.micronaut.websocket.annotation.OnClose;
import io.micronaut.websocket.annotation.OnError;
import io.micronaut.websocket.annotation.OnMessage;
import io.micronaut.websocket.annotation.OnOpen;
import io.micronaut.websocket.annotation.ServerWebSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code WS /v2/realtime/stream}. The upgrade itself is anonymous: the token may arrive later in
 * the handshake frame, so authentication happens in the realtime kernel once the handshake is read
 * (a token sent with the upgrade is the fallback; see {@link RealtimeSockets}).
 */
@Secured(SecurityRule.IS_ANONYMOUS)
@ServerWebSocket(value = "/v2/realtime/stream", subprotocols = "bearer")
final class StreamEndpoint {
  private static final Logger LOG = LoggerFactory.getLogger(StreamEndpoint.class);

  /**
   * The handshake and a refresh are small: a client message may not exceed this, whether sent in
   * one frame, in fragments or compressed (1009).
   */
  static final int MAX_CLIENT_FRAME = 16 * 1024;

  private final RealtimeSockets sockets;
  private final StreamNode node;

  StreamEndpoint(RealtimeSockets sockets, StreamNode node) {
    this.sockets = sockets;
    this.node = node;
  }

  @OnOpen
  void onOpen(WebSocketSession ws, HttpRequest<?> request) {
    sockets.open(ws, request, node.socketSpec(MAX_CLIENT_FRAME), node::newSession);
  }

  @OnMessage(maxPayloadLength = MAX_CLIENT_FRAME)
  void onMessage(String text, WebSocketSession ws) {
    sockets.onText(ws, text);
  }

  @OnClose
  void onClose(WebSocketSession ws) {
    sockets.onClose(ws);
  }

  @OnError
  void onError(WebSocketSession ws, Throwable error) {
    LOG.debug("stream socket error", error);
  }
}
