package io.bellhop.events;

import io.bellhop.testing.SocketClient;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * A minimal WebSocket client on a plain socket with a tiny receive buffer, for the slow-consumer
 * and hostile-client tests: when it does not read, the kernel cannot hide its backlog, so the
 * server's bound is what fills up. It can send what a browser never would: fragments, binary,
 * pings, RSV1, raw deflate, bad UTF-8, floods.
 */
final class RawSocketClient implements AutoCloseable {
  private final Socket socket = new Socket();
  private final DataInputStream in;
  private final OutputStream out;
  int closeCode = -1;
  String closeReason = "";
  int pongs;
  final List<String> responseHeaders = new ArrayList<>();

  /** RSV1 of the last data frame read: set when the frame is permessage-deflate compressed. */
  boolean lastFrameCompressed;

  RawSocketClient(int port) throws IOException {
    this(port, "");
  }

  /**
   * @param extraHeaders raw header lines, each ending in CRLF, e.g. an extensions offer
   */
  RawSocketClient(int port, String extraHeaders) throws IOException {
    socket.setReceiveBufferSize(16 * 1024);
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    socket.setSoTimeout(30_000);
    out = socket.getOutputStream();
    in = new DataInputStream(socket.getInputStream());
    String key =
        Base64.getEncoder().encodeToString("bellhop-raw-key!".getBytes(StandardCharsets.US_ASCII));
    out.write(
        ("GET /v2/realtime/stream HTTP/1.1\r\nHost: 127.0.0.1:"
                + port
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
                + key
                + "\r\nSec-WebSocket-Version: 13\r\n"
                + extraHeaders
                + "\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    String status = readLine();
    if (!status.contains(" 101 ")) {
      throw new IOException("upgrade refused: " + status);
    }
    String header;
    while (!(header = readLine()).isEmpty()) {
      responseHeaders.add(header);
    }
  }

  static final int CONTINUATION = 0x0;
  static final int TEXT = 0x1;
  static final int BINARY = 0x2;
  static final int PING = 0x9;

  void sendText(String text) throws IOException {
    send(frame(TEXT, true, false, text.getBytes(StandardCharsets.UTF_8)));
  }

  void sendFrame(int opcode, boolean fin, boolean rsv1, byte[] payload) throws IOException {
    send(frame(opcode, fin, rsv1, payload));
  }

  /** Writes already encoded frames. */
  void send(byte[] frames) throws IOException {
    out.write(frames);
    out.flush();
  }

  /** One masked client frame. */
  static byte[] frame(int opcode, boolean fin, boolean rsv1, byte[] payload) {
    var frame = new java.io.ByteArrayOutputStream(payload.length + 14);
    frame.write((fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode);
    if (payload.length < 126) {
      frame.write(0x80 | payload.length);
    } else if (payload.length < 65_536) {
      frame.write(0x80 | 126);
      frame.write(payload.length >>> 8);
      frame.write(payload.length & 0xff);
    } else {
      frame.write(0x80 | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        frame.write((int) ((long) payload.length >>> shift) & 0xff);
      }
    }
    byte[] mask = {1, 2, 3, 4};
    frame.writeBytes(mask);
    for (int i = 0; i < payload.length; i++) {
      frame.write(payload[i] ^ mask[i % 4]);
    }
    return frame.toByteArray();
  }

  /**
   * Writes {@code frames} {@code times} over from another thread, never reading; completes with how
   * many were written when done or when the server stops taking them.
   */
  CompletableFuture<Integer> flood(byte[] frames, int times) {
    return CompletableFuture.supplyAsync(
        () -> {
          int sent = 0;
          try {
            for (; sent < times; sent++) {
              out.write(frames);
            }
            out.flush();
          } catch (IOException e) {
            // The server closed the socket: the flood is over.
          }
          return sent;
        },
        r -> {
          Thread t = new Thread(r, "raw-socket-flood");
          t.setDaemon(true);
          t.start();
        });
  }

  /** How long a read may block before the test fails instead of hanging. */
  void readTimeout(Duration timeout) throws IOException {
    socket.setSoTimeout((int) timeout.toMillis());
  }

  /**
   * permessage-deflate as a browser does it (context takeover): each message is a sync-flushed
   * block of one long-lived compressor, without the trailing 00 00 FF FF.
   */
  static final class Compressor {
    private final Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);

    byte[] compress(byte[] message) {
      deflater.setInput(message);
      var out = new java.io.ByteArrayOutputStream();
      byte[] buf = new byte[16_384];
      int n;
      while ((n = deflater.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH)) > 0) {
        out.write(buf, 0, n);
      }
      byte[] all = out.toByteArray();
      return java.util.Arrays.copyOf(all, all.length - 4);
    }
  }

  /** Reads frames until a text frame starts; returns whether it was compressed. */
  boolean nextTextFrameCompressed() throws IOException {
    while (true) {
      Frame f = readFrame();
      if (f.opcode() == 1) {
        return f.compressed();
      }
    }
  }

  /** Reads the next whole text message, parsed (inflated if compressed). */
  Map<String, Object> readMessage() throws IOException {
    Map<String, Object> m = nextMessage();
    if (m == null) {
      throw new IOException("closed with " + closeCode + " while waiting for a message");
    }
    return m;
  }

  /** Reads text messages until the server's close frame; returns them parsed. */
  List<Map<String, Object>> readUntilClose() throws IOException {
    var messages = new ArrayList<Map<String, Object>>();
    Map<String, Object> m;
    while ((m = nextMessage()) != null) {
      messages.add(m);
    }
    return messages;
  }

  /** The next text message, or null once the close frame has been read. */
  private Map<String, Object> nextMessage() throws IOException {
    var text = new java.io.ByteArrayOutputStream();
    while (true) {
      Frame f = readFrame();
      byte[] payload = f.payload();
      if (f.opcode() == 8) {
        closeCode = payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
        closeReason =
            payload.length > 2
                ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8)
                : "";
        return null;
      }
      if (f.opcode() == 0xA) {
        pongs++;
      }
      if (f.opcode() == 1) {
        lastFrameCompressed = f.compressed();
      }
      if (f.opcode() == 1 || f.opcode() == 0) {
        text.write(payload);
        if (f.fin()) {
          byte[] message = lastFrameCompressed ? inflate(text.toByteArray()) : text.toByteArray();
          return SocketClient.parse(new String(message, StandardCharsets.UTF_8));
        }
      }
    }
  }

  private final Inflater inflater = new Inflater(true);

  private byte[] inflate(byte[] message) throws IOException {
    byte[] input = java.util.Arrays.copyOf(message, message.length + 4);
    input[message.length + 2] = (byte) 0xff;
    input[message.length + 3] = (byte) 0xff;
    inflater.setInput(input);
    var out = new java.io.ByteArrayOutputStream();
    byte[] chunk = new byte[4096];
    try {
      int n;
      while ((n = inflater.inflate(chunk)) > 0) {
        out.write(chunk, 0, n);
      }
    } catch (java.util.zip.DataFormatException e) {
      throw new IOException(e);
    }
    return out.toByteArray();
  }

  @SuppressWarnings("ArrayRecordComponent") // a frame read once, never compared or kept
  private record Frame(int opcode, boolean fin, boolean compressed, byte[] payload) {}

  private Frame readFrame() throws IOException {
    int b0 = in.readUnsignedByte();
    int b1 = in.readUnsignedByte();
    long len = b1 & 0x7f;
    if (len == 126) {
      len = in.readUnsignedShort();
    } else if (len == 127) {
      len = in.readLong();
    }
    byte[] payload = new byte[(int) len];
    in.readFully(payload);
    return new Frame(b0 & 0x0f, (b0 & 0x80) != 0, (b0 & 0x40) != 0, payload);
  }

  private String readLine() throws IOException {
    var line = new StringBuilder();
    int c;
    while ((c = in.read()) != '\n') {
      if (c < 0) {
        throw new IOException("connection closed during upgrade");
      }
      if (c != '\r') {
        line.append((char) c);
      }
    }
    return line.toString();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
