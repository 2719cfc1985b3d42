package io.bellhop.testing;

import io.micronaut.core.type.Argument;
import io.micronaut.serde.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A real WebSocket client (the JDK's) of any Bellhop socket — the event stream, uploads — recording
 * every text message and the close code. With {@link #pause()} it stops reading, so TCP
 * back-pressure reaches the server as with a slow browser.
 */
public final class SocketClient implements WebSocket.Listener, AutoCloseable {
  public static final HttpClient HTTP = HttpClient.newHttpClient();

  public final BlockingQueue<Map<String, Object>> messages = new LinkedBlockingQueue<>();
  public final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
  public final CompletableFuture<String> closeReason = new CompletableFuture<>();
  private final StringBuilder partial = new StringBuilder();
  private volatile boolean paused;
  private WebSocket ws;

  private SocketClient() {}

  public static SocketClient connect(URI uri) {
    return connect(uri, Map.of());
  }

  public static SocketClient connect(URI uri, Map<String, String> headers, String... subprotocols) {
    var client = new SocketClient();
    WebSocket.Builder b = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
    headers.forEach(b::header);
    if (subprotocols.length > 0) {
      b.subprotocols(
          subprotocols[0], java.util.Arrays.copyOfRange(subprotocols, 1, subprotocols.length));
    }
    client.ws = b.buildAsync(uri, client).orTimeout(10, TimeUnit.SECONDS).join();
    return client;
  }

  public void send(String text) {
    ws.sendText(text, true).orTimeout(10, TimeUnit.SECONDS).join();
  }

  /** Sends one binary message; returns once the JDK has handed it to the socket. */
  public void sendBinary(java.nio.ByteBuffer bytes) {
    ws.sendBinary(bytes, true).orTimeout(30, TimeUnit.SECONDS).join();
  }

  /** Drops the connection without a close frame, as a crashed browser or a lost network would. */
  public void abort() {
    ws.abort();
  }

  /** The next message of the given type, skipping others (e.g. pings), or fails after timeout. */
  public Map<String, Object> next(String type, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      Map<String, Object> m;
      try {
        m = left <= 0 ? null : messages.poll(left, TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      if (m == null) {
        throw new AssertionError(
            "no " + type + " message within " + timeout + "; closed: " + closeCode.getNow(null));
      }
      if (type.equals(m.get("type"))) {
        return m;
      }
    }
  }

  /** Collects envelopes from event frames until {@code count} have arrived. */
  @SuppressWarnings("unchecked")
  public List<Map<String, Object>> events(int count, Duration timeout) {
    var out = new ArrayList<Map<String, Object>>();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (out.size() < count) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError(
            "got " + out.size() + " of " + count + " events; closed: " + closeCode.getNow(null));
      }
      Map<String, Object> frame = next("event", Duration.ofNanos(left));
      out.addAll((List<Map<String, Object>>) frame.get("events"));
    }
    return out;
  }

  /** Asserts no event frame arrives within {@code window}. */
  public void assertNoEvents(Duration window) {
    try {
      next("event", window);
    } catch (AssertionError expected) {
      return;
    }
    throw new AssertionError("an event arrived that must not");
  }

  public int awaitClose(Duration timeout) {
    try {
      return closeCode.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("socket not closed within " + timeout);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public void pause() {
    paused = true;
  }

  public void resume() {
    paused = false;
    ws.request(Long.MAX_VALUE / 2);
  }

  @Override
  public void onOpen(WebSocket webSocket) {
    webSocket.request(1);
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    partial.append(data);
    if (last) {
      messages.add(parse(partial.toString()));
      partial.setLength(0);
    }
    if (!paused) {
      webSocket.request(1);
    }
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    closeReason.complete(reason);
    closeCode.complete(statusCode);
    return null;
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    closeCode.complete(1006);
    closeReason.complete(String.valueOf(error));
  }

  @Override
  public void close() {
    if (!ws.isOutputClosed()) {
      ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
    }
    ws.abort();
  }

  public static Map<String, Object> parse(String json) {
    try {
      return ObjectMapper.getDefault().readValue(json, Argument.mapOf(String.class, Object.class));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
