package io.bellhop.app;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * A minimal WebSocket client on a plain socket with a tiny receive buffer, for the slow-consumer
 * test: when it does not read, the kernel cannot hide its backlog, so the server's bound is what
 * fills up.
 */
final class RawSocketClient implements AutoCloseable {
  private final Socket socket = new Socket();
  private final DataInputStream in;
  private final OutputStream out;
  int closeCode = -1;
  String closeReason = "";
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

  void sendText(String text) throws IOException {
    byte[] payload = text.getBytes(StandardCharsets.UTF_8);
    byte[] mask = {1, 2, 3, 4};
    out.write(0x81);
    if (payload.length < 126) {
      out.write(0x80 | payload.length);
    } else {
      out.write(0x80 | 126);
      out.write(payload.length >>> 8);
      out.write(payload.length & 0xff);
    }
    out.write(mask);
    for (int i = 0; i < payload.length; i++) {
      payload[i] ^= mask[i % 4];
    }
    out.write(payload);
    out.flush();
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

  /**
   * Reads text messages until the server's close frame; returns them parsed (uncompressed only).
   */
  List<Map<String, Object>> readUntilClose() throws IOException {
    var messages = new ArrayList<Map<String, Object>>();
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
        return messages;
      }
      if (f.opcode() == 1) {
        lastFrameCompressed = f.compressed();
      }
      if ((f.opcode() == 1 || f.opcode() == 0) && !lastFrameCompressed) {
        text.write(payload);
        if (f.fin()) {
          messages.add(StreamClient.parse(text.toString(StandardCharsets.UTF_8)));
          text.reset();
        }
      }
    }
  }

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
