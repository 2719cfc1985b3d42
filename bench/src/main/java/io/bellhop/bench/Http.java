package io.bellhop.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Just enough HTTP/1.1 over a {@link RawWs} socket for the attack suite: a request from a chosen
 * loopback source address (java.net.http cannot bind one), a response head, and a body by
 * Content-Length, chunked, or whatever arrives before a deadline (SSE). Keep-alive for the victim
 * publisher; one-shot for probes and /health.
 */
final class Http {
  private Http() {}

  /** Status line and headers of a response. */
  record Head(int status, String text) {
    String header(String name) {
      String lower = text.toLowerCase(Locale.ROOT);
      int at = lower.indexOf("\r\n" + name.toLowerCase(Locale.ROOT) + ":");
      if (at < 0) {
        return null;
      }
      int start = at + name.length() + 3;
      int end = text.indexOf("\r\n", start);
      return text.substring(start, end < 0 ? text.length() : end).trim();
    }
  }

  /** A response; {@code body} is de-chunked, {@code complete} false when cut at the deadline. */
  @SuppressWarnings("ArrayRecordComponent") // a result read once, never compared or kept
  record Response(int status, Head head, byte[] body, boolean complete, long micros) {
    String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  static Head readHead(RawWs c, long deadlineNanos) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream(512);
    int state = 0; // matched bytes of CRLFCRLF
    while (state < 4) {
      int b = readByte(c, deadlineNanos);
      if (b < 0) {
        throw new IOException(head.size() == 0 ? "eof before response" : "eof in response head");
      }
      head.write(b);
      if (head.size() > 16384) {
        throw new IOException("response head too long");
      }
      state =
          (b == '\r' && (state == 0 || state == 2))
              ? state + 1
              : (b == '\n' && (state == 1 || state == 3)) ? state + 1 : (b == '\r' ? 1 : 0);
    }
    String text = head.toString(StandardCharsets.ISO_8859_1);
    int status = -1;
    String[] first = text.substring(0, text.indexOf("\r\n")).split(" ", -1);
    if (first.length >= 2) {
      try {
        status = Integer.parseInt(first[1]);
      } catch (NumberFormatException ignored) {
        // not HTTP
      }
    }
    return new Head(status, text);
  }

  private static int readByte(RawWs c, long deadlineNanos) throws IOException {
    while (true) {
      long left = (deadlineNanos - System.nanoTime()) / 1_000_000L;
      if (left <= 0) {
        throw new SocketTimeoutException("timed out");
      }
      c.socket.setSoTimeout((int) Math.max(1, left));
      try {
        return c.in.read();
      } catch (SocketTimeoutException e) {
        // loop: the deadline decides
      }
    }
  }

  /**
   * Reads a body after {@code head}. With {@code untilDeadline} (a stream such as SSE) it keeps
   * reading until the deadline or {@code maxBody}, and the result is marked incomplete.
   */
  static Response readBody(
      RawWs c, Head head, long startNanos, long deadlineNanos, boolean untilDeadline, int maxBody)
      throws IOException {
    ByteArrayOutputStream raw = new ByteArrayOutputStream(1024);
    String len = head.header("content-length");
    boolean chunked = "chunked".equalsIgnoreCase(head.header("transfer-encoding"));
    boolean complete = true;
    if (len != null && !untilDeadline) {
      long n = Long.parseLong(len.trim());
      for (long i = 0; i < n; i++) {
        int b = readByte(c, deadlineNanos);
        if (b < 0) {
          throw new IOException("eof in body");
        }
        if (raw.size() < maxBody) {
          raw.write(b);
        }
      }
    } else if (chunked && !untilDeadline) {
      while (true) {
        String line = readLine(c, deadlineNanos);
        int size = Integer.parseInt(line.split(";", -1)[0].trim(), 16);
        if (size == 0) {
          readLine(c, deadlineNanos);
          break;
        }
        for (int i = 0; i < size; i++) {
          int b = readByte(c, deadlineNanos);
          if (b < 0) {
            throw new IOException("eof in chunk");
          }
          if (raw.size() < maxBody) {
            raw.write(b);
          }
        }
        readLine(c, deadlineNanos);
      }
    } else {
      byte[] buf = new byte[8192];
      complete = false;
      while (raw.size() < maxBody) {
        long left = (deadlineNanos - System.nanoTime()) / 1_000_000L;
        if (left <= 0) {
          break;
        }
        c.socket.setSoTimeout((int) Math.max(1, left));
        int n;
        try {
          n = c.in.read(buf);
        } catch (SocketTimeoutException e) {
          break;
        }
        if (n < 0) {
          complete = true;
          break;
        }
        raw.write(buf, 0, n);
      }
      if (chunked) {
        raw = dechunk(raw.toByteArray());
      }
    }
    return new Response(
        head.status(), head, raw.toByteArray(), complete, (System.nanoTime() - startNanos) / 1000);
  }

  private static String readLine(RawWs c, long deadlineNanos) throws IOException {
    StringBuilder sb = new StringBuilder();
    while (true) {
      int b = readByte(c, deadlineNanos);
      if (b < 0) {
        throw new IOException("eof in line");
      }
      if (b == '\n') {
        return sb.toString().trim();
      }
      sb.append((char) b);
    }
  }

  /** Best-effort de-chunking of a possibly cut chunked stream. */
  private static ByteArrayOutputStream dechunk(byte[] b) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(b.length);
    int i = 0;
    while (i < b.length) {
      int eol = i;
      while (eol + 1 < b.length && !(b[eol] == '\r' && b[eol + 1] == '\n')) {
        eol++;
      }
      if (eol + 1 >= b.length) {
        break;
      }
      int size;
      try {
        size =
            Integer.parseInt(
                new String(b, i, eol - i, StandardCharsets.ISO_8859_1).split(";", -1)[0].trim(),
                16);
      } catch (NumberFormatException e) {
        break;
      }
      if (size == 0) {
        break;
      }
      int start = eol + 2;
      int n = Math.min(size, b.length - start);
      out.write(b, start, n);
      i = start + size + 2;
    }
    return out;
  }

  static String request(
      InetSocketAddress remote, String method, String target, String extraHeaders, byte[] body) {
    StringBuilder sb =
        new StringBuilder(256)
            .append(method)
            .append(' ')
            .append(target)
            .append(" HTTP/1.1\r\nHost: ")
            .append(remote.getAddress().getHostAddress())
            .append(':')
            .append(remote.getPort())
            .append("\r\n");
    if (extraHeaders != null && !extraHeaders.isEmpty()) {
      sb.append(extraHeaders);
    }
    if (body != null) {
      sb.append("Content-Type: application/json\r\nContent-Length: ")
          .append(body.length)
          .append("\r\n");
    }
    return sb.append("\r\n").toString();
  }

  /**
   * One request on a fresh connection from {@code source}, closed afterwards; throws on connect
   * failure or timeout. {@code stream}: read until the deadline (SSE).
   */
  static Response once(
      InetAddress source,
      InetSocketAddress remote,
      String method,
      String target,
      String headers,
      byte[] body,
      int timeoutMs,
      boolean stream)
      throws IOException {
    long start = System.nanoTime();
    long deadline = start + timeoutMs * 1_000_000L;
    try (RawWs c = RawWs.connect(source, remote, 0, timeoutMs)) {
      c.write(request(remote, method, target, headers + "Connection: close\r\n", body));
      if (body != null) {
        c.write(body);
      }
      c.out.flush();
      Head head = readHead(c, deadline);
      return readBody(c, head, start, deadline, stream, 4 << 20);
    }
  }

  /** A keep-alive connection that reconnects after any error (the victim publisher's). */
  static final class KeepAlive implements java.io.Closeable {
    private final InetAddress source;
    private final InetSocketAddress remote;
    private RawWs conn;

    KeepAlive(InetAddress source, InetSocketAddress remote) {
      this.source = source;
      this.remote = remote;
    }

    Response post(String target, String headers, byte[] body, int timeoutMs) throws IOException {
      long start = System.nanoTime();
      long deadline = start + timeoutMs * 1_000_000L;
      try {
        if (conn == null) {
          conn = RawWs.connect(source, remote, 0, timeoutMs);
        }
        conn.write(request(remote, "POST", target, headers, body));
        conn.write(body);
        conn.out.flush();
        Head head = readHead(conn, deadline);
        Response r = readBody(conn, head, start, deadline, false, 1 << 20);
        if ("close".equalsIgnoreCase(head.header("connection"))) {
          close();
        }
        return r;
      } catch (IOException | RuntimeException e) {
        close();
        throw e;
      }
    }

    @Override
    public void close() {
      if (conn != null) {
        conn.close();
        conn = null;
      }
    }
  }
}
