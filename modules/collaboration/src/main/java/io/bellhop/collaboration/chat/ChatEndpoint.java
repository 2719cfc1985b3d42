package io.bellhop.collaboration.chat;

import io.bellhop.realtime.RealtimeSockets;
import io.bellhop.realtime.SocketSpec;
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
 * {@code WS /v2/collaboration/chat/stream}: authenticated, guarded and bounded by the realtime
 * kernel like the other sockets; each socket's frames go to its {@link ChatSocket}.
 */
@Secured(SecurityRule.IS_ANONYMOUS)
@ServerWebSocket(value = "/v2/collaboration/chat/stream", subprotocols = "bearer")
final class ChatEndpoint {
  private static final Logger LOG = LoggerFactory.getLogger(ChatEndpoint.class);
  static final String NAME = "chat";

  private final RealtimeSockets sockets;
  private final ChatHub hub;
  private final SocketSpec spec;

  ChatEndpoint(RealtimeSockets sockets, ChatHub hub, ChatConfig config) {
    this.sockets = sockets;
    this.hub = hub;
    this.spec =
        new SocketSpec(
            NAME,
            config.maxFrameBytes,
            config.maxQueuedBytes,
            config.handshakeTimeout,
            config.closeGrace,
            config.expiryGrace,
            config.framesPerSecond,
            config.frameBurst);
  }

  @OnOpen
  void onOpen(WebSocketSession ws, HttpRequest<?> request) {
    sockets.open(ws, request, spec, socket -> new ChatSocket(socket, hub));
  }

  @OnMessage(maxPayloadLength = 1024 * 1024)
  void onMessage(String text, WebSocketSession ws) {
    sockets.onText(ws, text);
  }

  @OnClose
  void onClose(WebSocketSession ws) {
    sockets.onClose(ws);
  }

  @OnError
  void onError(WebSocketSession ws, Throwable error) {
    LOG.debug("chat socket error", error);
  }
}
