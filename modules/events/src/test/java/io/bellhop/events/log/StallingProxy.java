package io.bellhop.events.log;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy to nats-server that, once armed, forwards a given number of bytes to the client and
 * then holds the rest back for a while: the way a busy server or network makes a pull's messages
 * arrive late. One client connection at a time is enough for the tests that use it.
 */
final class StallingProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final int upstreamPort;
  private final AtomicLong bytesBeforeStall = new AtomicLong(-1);
  private volatile Duration stall = Duration.ZERO;

  StallingProxy(int upstreamPort) throws IOException {
    this.upstreamPort = upstreamPort;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(this::acceptLoop, "stalling-proxy-accept");
    accept.setDaemon(true);
    accept.start();
  }

  String url() {
    return "nats://127.0.0.1:" + listener.getLocalPort();
  }

  /** After {@code bytes} more bytes reach the client, the next ones wait {@code pause}. */
  void stallAfter(long bytes, Duration pause) {
    stall = pause;
    bytesBeforeStall.set(bytes);
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
        client.setTcpNoDelay(true);
        server.setTcpNoDelay(true);
        pump(client.getInputStream(), server.getOutputStream(), false, client, server);
        pump(server.getInputStream(), client.getOutputStream(), true, client, server);
      } catch (IOException e) {
        return;
      }
    }
  }

  private void pump(InputStream in, OutputStream out, boolean toClient, Socket a, Socket b) {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[16 * 1024];
              try {
                int n;
                while ((n = in.read(buf)) > 0) {
                  int sent = 0;
                  long budget = toClient ? bytesBeforeStall.get() : -1;
                  if (budget >= 0 && budget < n) {
                    out.write(buf, 0, (int) budget);
                    out.flush();
                    sent = (int) budget;
                    bytesBeforeStall.set(-1);
                    Thread.sleep(stall.toMillis());
                  } else if (budget >= 0) {
                    bytesBeforeStall.addAndGet(-n);
                  }
                  out.write(buf, sent, n - sent);
                  out.flush();
                }
              } catch (IOException | InterruptedException e) {
                // connection over
              } finally {
                closeQuietly(a);
                closeQuietly(b);
              }
            },
            "stalling-proxy-" + (toClient ? "down" : "up"));
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
  }
}
