package io.bellhop.bench;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The attack suite's one raw client socket: a blocking TCP socket from a chosen loopback source
 * that speaks just enough HTTP/1.1 and WebSocket to misbehave on purpose — an upgrade request,
 * masked frames with any opcode/FIN/RSV1, and a scanner for what the server sends back. Everything
 * a well-behaved client library would refuse to do (never read, fragment, compress a bomb) is a
 * plain write here.
 */
final class RawWs implements Closeable {
  static final int TEXT = 1;
  static final int CONTINUATION = 0;
  static final int CLOSE = 8;
  static final int PING = 9;

  final Socket socket;
  final OutputStream out;
  final InputStream in;
  final long openedNanos = System.nanoTime();

  private RawWs(Socket socket) throws IOException {
    this.socket = socket;
    this.out = socket.getOutputStream();
    this.in = new java.io.BufferedInputStream(socket.getInputStream(), 16384);
  }

  /**
   * Connects from {@code source}; {@code rcvBuf} > 0 shrinks the receive buffer before connecting
   * (it bounds the TCP window the server sees, so a socket that stops reading fills up fast).
   */
  static RawWs connect(InetAddress source, InetSocketAddress remote, int rcvBuf, int timeoutMs)
      throws IOException {
    Socket s = new Socket();
    try {
      if (rcvBuf > 0) {
        s.setReceiveBufferSize(rcvBuf);
      }
      s.setTcpNoDelay(true);
      s.bind(new InetSocketAddress(source, 0));
      s.connect(remote, timeoutMs);
      return new RawWs(s);
    } catch (IOException e) {
      s.close();
      throw e;
    }
  }

  /** An upgrade request for {@code path}; {@code extra} are whole header lines without CRLF. */
  static String upgradeRequest(InetSocketAddress remote, String path, List<String> extra) {
    byte[] key = new byte[16];
    ThreadLocalRandom.current().nextBytes(key);
    StringBuilder sb =
        new StringBuilder(256)
            .append("GET ")
            .append(path)
            .append(" HTTP/1.1\r\nHost: ")
            .append(remote.getAddress().getHostAddress())
            .append(':')
            .append(remote.getPort())
            .append("\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ")
            .append(Base64.getEncoder().encodeToString(key))
            .append("\r\nSec-WebSocket-Version: 13\r\n");
    for (String h : extra) {
      sb.append(h).append("\r\n");
    }
    return sb.append("\r\n").toString();
  }

  void write(String ascii) throws IOException {
    out.write(ascii.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  void write(byte[] bytes) throws IOException {
    out.write(bytes);
  }

  /**
   * Sends the upgrade and reads the response head (not a byte more). Returns the head, whose first
   * line holds the status; throws on timeout or EOF.
   */
  Http.Head upgrade(String path, List<String> extra, int timeoutMs) throws IOException {
    write(upgradeRequest((InetSocketAddress) socket.getRemoteSocketAddress(), path, extra));
    return Http.readHead(this, System.nanoTime() + timeoutMs * 1_000_000L);
  }

  /**
   * Reads server frames into {@code scan} until {@code until} says stop, EOF, or the deadline.
   * Returns false on EOF/reset (the server closed), true otherwise.
   */
  boolean readFrames(
      FrameScanner scan, long deadlineNanos, java.util.function.BooleanSupplier until)
      throws IOException {
    byte[] buf = new byte[65536];
    while (!until.getAsBoolean()) {
      long left = (deadlineNanos - System.nanoTime()) / 1_000_000L;
      if (left <= 0) {
        return true;
      }
      socket.setSoTimeout((int) Math.max(1, Math.min(left, 1000)));
      int n;
      try {
        n = in.read(buf);
      } catch (SocketTimeoutException e) {
        continue;
      } catch (IOException e) {
        scan.eof("reset");
        return false;
      }
      if (n < 0) {
        scan.eof("eof");
        return false;
      }
      scan.feed(buf, 0, n);
    }
    return true;
  }

  /** One masked client frame (the mask is random per call; the payload is copied). */
  static byte[] frame(int opcode, boolean fin, boolean rsv1, byte[] payload, int off, int len) {
    int hl = len < 126 ? 2 : len < 65536 ? 4 : 10;
    byte[] f = new byte[hl + 4 + len];
    f[0] = (byte) ((fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | (opcode & 0x0f));
    if (len < 126) {
      f[1] = (byte) (0x80 | len);
    } else if (len < 65536) {
      f[1] = (byte) (0x80 | 126);
      f[2] = (byte) (len >>> 8);
      f[3] = (byte) len;
    } else {
      f[1] = (byte) (0x80 | 127);
      for (int i = 0; i < 8; i++) {
        f[2 + i] = (byte) ((long) len >>> (56 - 8 * i));
      }
    }
    byte[] mask = new byte[4];
    ThreadLocalRandom.current().nextBytes(mask);
    System.arraycopy(mask, 0, f, hl, 4);
    for (int i = 0; i < len; i++) {
      f[hl + 4 + i] = (byte) (payload[off + i] ^ mask[i & 3]);
    }
    return f;
  }

  static byte[] text(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    return frame(TEXT, true, false, b, 0, b.length);
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing
    }
  }

  /**
   * Incremental parser of server → client frames (unmasked; a mask is skipped if present). Counts
   * frames per opcode, keeps the close code, and keeps the first {@code keepText} bytes of text
   * payloads (for the claims probes' org check).
   */
  static final class FrameScanner {
    private final int keepText;
    private final byte[] hdr = new byte[14];
    private int hdrLen;
    private int need = 2;
    private long remaining = -1; // payload bytes left in the current frame; -1 = reading header
    private int opcode;
    private int lastDataOpcode;
    private final ByteArrayOutputStream close = new ByteArrayOutputStream();
    final ByteArrayOutputStream text = new ByteArrayOutputStream();
    long bytes;
    long textFrames;
    long binaryFrames;
    long pongs;
    long pings;
    long compressedFrames;
    int closeCode = -1;
    String closeReason;
    String end; // "eof" / "reset" once the stream ended
    long firstTextNanos;

    FrameScanner(int keepText) {
      this.keepText = keepText;
    }

    void eof(String how) {
      if (end == null) {
        end = how;
      }
    }

    boolean closed() {
      return closeCode >= 0 || end != null;
    }

    void feed(byte[] b, int off, int len) {
      bytes += len;
      int i = off;
      int stop = off + len;
      while (i < stop) {
        if (remaining < 0) {
          hdr[hdrLen++] = b[i++];
          if (hdrLen == 2) {
            int l7 = hdr[1] & 0x7f;
            need = 2 + (l7 == 126 ? 2 : l7 == 127 ? 8 : 0) + ((hdr[1] & 0x80) != 0 ? 4 : 0);
          }
          if (hdrLen >= 2 && hdrLen == need) {
            startFrame();
          }
        } else {
          int n = (int) Math.min(remaining, stop - i);
          payload(b, i, n);
          i += n;
          remaining -= n;
          if (remaining == 0) {
            endFrame();
          }
        }
      }
    }

    private void startFrame() {
      opcode = hdr[0] & 0x0f;
      if ((hdr[0] & 0x40) != 0) {
        compressedFrames++;
      }
      int l7 = hdr[1] & 0x7f;
      long len = l7;
      if (l7 == 126) {
        len = ((hdr[2] & 0xffL) << 8) | (hdr[3] & 0xff);
      } else if (l7 == 127) {
        len = 0;
        for (int k = 0; k < 8; k++) {
          len = (len << 8) | (hdr[2 + k] & 0xff);
        }
      }
      int op = opcode == CONTINUATION ? lastDataOpcode : opcode;
      if (opcode == TEXT || opcode == 2) {
        lastDataOpcode = opcode;
      }
      if (op == TEXT && opcode == TEXT) {
        textFrames++;
        if (firstTextNanos == 0) {
          firstTextNanos = System.nanoTime();
        }
      } else if (opcode == 2) {
        binaryFrames++;
      } else if (opcode == 10) {
        pongs++;
      } else if (opcode == PING) {
        pings++;
      }
      hdrLen = 0;
      need = 2;
      remaining = len;
      if (len == 0) {
        endFrame();
      }
    }

    private void payload(byte[] b, int off, int n) {
      int op = opcode == CONTINUATION ? lastDataOpcode : opcode;
      if (opcode == CLOSE) {
        close.write(b, off, Math.min(n, Math.max(0, 256 - close.size())));
      } else if (op == TEXT && text.size() < keepText) {
        text.write(b, off, Math.min(n, keepText - text.size()));
      }
    }

    private void endFrame() {
      if (opcode == CLOSE) {
        byte[] c = close.toByteArray();
        closeCode = c.length >= 2 ? ((c[0] & 0xff) << 8) | (c[1] & 0xff) : 1005;
        closeReason = c.length > 2 ? new String(c, 2, c.length - 2, StandardCharsets.UTF_8) : "";
      } else if ((opcode == TEXT || (opcode == CONTINUATION && lastDataOpcode == TEXT))
          && text.size() < keepText
          && (hdr[0] & 0x80) != 0) {
        text.write('\n');
      }
      remaining = -1;
    }

    String textString() {
      return text.toString(StandardCharsets.UTF_8);
    }
  }
}
