package io.bellhop.events;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * A TCP client that behaves as badly as asked, from a chosen loopback source address (127.0.0.2,
 * 127.0.0.3, … are all this host, but the server sees different clients): sends partial HTTP, holds
 * idle connections, upgrades to a WebSocket and dribbles frames, and notices when the server hangs
 * up.
 */
final class RawTcpClient implements AutoCloseable {
  private final Socket socket = new Socket();
  private final InputStream in;
  private final OutputStream out;

  RawTcpClient(String sourceAddress, int port) throws IOException {
    socket.bind(new InetSocketAddress(InetAddress.getByName(sourceAddress), 0));
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    socket.setSoTimeout(100);
    in = socket.getInputStream();
    out = socket.getOutputStream();
  }

  void send(String ascii) throws IOException {
    out.write(ascii.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** Sends, or returns false when the write fails because the server has hung up. */
  boolean trySend(String ascii) {
    try {
      send(ascii);
      return true;
    } catch (IOException hungUp) {
      return false;
    }
  }

  /** Sends a frame, or returns false when the write fails because the server has hung up. */
  boolean tryFrame(String text, boolean first, boolean fin) {
    try {
      sendFrame(text, first, fin);
      return true;
    } catch (IOException hungUp) {
      return false;
    }
  }

  /** Sends an upgrade to the stream and reads the 101 answer, or fails if the server hung up. */
  RawTcpClient upgrade(int port) throws IOException {
    String key =
        Base64.getEncoder().encodeToString("bellhop-slow-key".getBytes(StandardCharsets.US_ASCII));
    send(
        "GET /v2/realtime/stream HTTP/1.1\r\nHost: 127.0.0.1:"
            + port
            + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
            + key
            + "\r\nSec-WebSocket-Version: 13\r\n\r\n");
    String head = readUntil("\r\n\r\n", Duration.ofSeconds(10));
    if (!head.startsWith("HTTP/1.1 101")) {
      throw new IOException("upgrade refused: " + head);
    }
    return this;
  }

  /** Sends one masked text frame (or fragment): opcode 1 first, 0 for continuations. */
  void sendFrame(String text, boolean first, boolean fin) throws IOException {
    out.write(
        RawSocketClient.frame(
            first ? RawSocketClient.TEXT : RawSocketClient.CONTINUATION,
            fin,
            false,
            text.getBytes(StandardCharsets.UTF_8)));
    out.flush();
  }

  /** Reads until {@code end} appears (inclusive); fails if the server hangs up or time runs out. */
  String readUntil(String end, Duration timeout) throws IOException {
    var got = new StringBuilder();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (got.indexOf(end) < 0) {
      if (System.nanoTime() > deadline) {
        throw new IOException("no " + end.strip() + " within " + timeout + ": " + got);
      }
      try {
        int b = in.read();
        if (b < 0) {
          throw new IOException("server hung up after: " + got);
        }
        got.append((char) b);
      } catch (SocketTimeoutException notYet) {
        // keep waiting
      }
    }
    return got.toString();
  }

  /** Reads one HTTP response with a content-length body; returns its status line. */
  String readResponse(Duration timeout) throws IOException {
    String head = readUntil("\r\n\r\n", timeout);
    int length = 0;
    for (String line : head.split("\r\n", -1)) {
      if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    for (int read = 0; read < length; ) {
      if (System.nanoTime() > deadline) {
        throw new IOException("body not complete within " + timeout);
      }
      try {
        if (in.read() < 0) {
          throw new IOException("server hung up in the body");
        }
        read++;
      } catch (SocketTimeoutException notYet) {
        // keep waiting
      }
    }
    return head.substring(0, head.indexOf("\r\n"));
  }

  /** Reads and discards whatever arrives; true once the server has closed the connection. */
  boolean serverClosed() throws IOException {
    try {
      while (true) {
        int b = in.read();
        if (b < 0) {
          return true;
        }
      }
    } catch (SocketTimeoutException nothingMore) {
      return false;
    } catch (IOException reset) {
      return true;
    }
  }

  /** Waits until the server closes the connection; false if it is still open at the deadline. */
  boolean awaitServerClose(Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (serverClosed()) {
        return true;
      }
    }
    return false;
  }

  /** Reads the raw bytes that arrive before the server closes (at most {@code timeout}). */
  String drainUntilClosed(Duration timeout) throws IOException {
    var got = new StringBuilder();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        int b = in.read();
        if (b < 0) {
          return got.toString();
        }
        got.append((char) b);
      } catch (SocketTimeoutException notYet) {
        // keep waiting
      } catch (IOException reset) {
        return got.toString();
      }
    }
    throw new IOException("server did not close within " + timeout + ": " + got);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
