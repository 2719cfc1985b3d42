package io.bellhop.uploads.stream;

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
 * {@code WS /v2/documents/upload/stream}. Authenticated by the realtime kernel once the handshake
 * is read, like the event stream; binary frames go from the kernel's frame guard straight to the
 * socket's {@link UploadSocket}, never through Micronaut.
 */
@Secured(SecurityRule.IS_ANONYMOUS)
@ServerWebSocket(value = "/v2/documents/upload/stream", subprotocols = "bearer")
final class UploadStreamEndpoint {
  private static final Logger LOG = LoggerFactory.getLogger(UploadStreamEndpoint.class);

  /**
   * Netty's per-frame cap, above every configurable chunk; the real limits (text and binary, whole,
   * fragmented or compressed) are the socket spec's, enforced by the kernel.
   */
  static final int MAX_FRAME = 16 * 1024 * 1024;

  private final RealtimeSockets sockets;
  private final UploadStreams streams;

  UploadStreamEndpoint(RealtimeSockets sockets, UploadStreams streams) {
    this.sockets = sockets;
    this.streams = streams;
  }

  @OnOpen
  void onOpen(WebSocketSession ws, HttpRequest<?> request) {
    sockets.open(ws, request, streams.socketSpec(), streams::newSocket);
  }

  @OnMessage(maxPayloadLength = MAX_FRAME)
  void onMessage(String text, WebSocketSession ws) {
    sockets.onText(ws, text);
  }

  @OnClose
  void onClose(WebSocketSession ws) {
    sockets.onClose(ws);
  }

  @OnError
  void onError(WebSocketSession ws, Throwable error) {
    LOG.debug("upload socket error", error);
  }
}
