package io.bellhop.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;

/** The attack suite's hand-made wire format: client frames, the server-frame scanner, the bomb. */
class RawWsTest {
  @Test
  void framesCarryTheRequestedBitsLengthAndAMaskedPayload() {
    for (int len : new int[] {0, 125, 126, 65535, 65536}) {
      byte[] payload = new byte[len];
      for (int i = 0; i < len; i++) {
        payload[i] = (byte) i;
      }
      byte[] f = RawWs.frame(RawWs.CONTINUATION, false, true, payload, 0, len);
      assertEquals(0x40, f[0] & 0xff, "FIN clear, RSV1 set, opcode 0");
      assertTrue((f[1] & 0x80) != 0, "masked");
      int hl = len < 126 ? 2 : len < 65536 ? 4 : 10;
      assertEquals(hl + 4 + len, f.length);
      for (int i = 0; i < len; i++) {
        assertEquals(payload[i], (byte) (f[hl + 4 + i] ^ f[hl + (i & 3)]));
      }
    }
  }

  @Test
  void scannerFindsTextAndTheCloseCodeAcrossSplitReads() {
    byte[] text = new byte[300];
    java.util.Arrays.fill(text, (byte) 'a');
    byte[] wire = new byte[4 + 300 + 4];
    wire[0] = (byte) 0x81;
    wire[1] = 126;
    wire[2] = 1;
    wire[3] = 44; // 300
    System.arraycopy(text, 0, wire, 4, 300);
    wire[304] = (byte) 0x88;
    wire[305] = 2;
    wire[306] = (byte) (4001 >>> 8);
    wire[307] = (byte) (4001 & 0xff);
    RawWs.FrameScanner s = new RawWs.FrameScanner(1000);
    for (byte b : wire) {
      s.feed(new byte[] {b}, 0, 1);
    }
    assertEquals(1, s.textFrames);
    assertEquals(4001, s.closeCode);
    assertEquals("a".repeat(300) + "\n", s.textString());
  }

  @Test
  void theBombIsRawDeflateOfZerosWithoutTheSyncTail() throws Exception {
    long[] inflated = new long[1];
    byte[] bomb = Attacks.DeflateBomb.bomb(4000, inflated);
    assertTrue(bomb.length >= 4000 && inflated[0] > 1000L * bomb.length);
    Inflater inf = new Inflater(true);
    byte[] in = java.util.Arrays.copyOf(bomb, bomb.length + 4);
    in[bomb.length + 2] = (byte) 0xff;
    in[bomb.length + 3] = (byte) 0xff;
    inf.setInput(in);
    byte[] out = new byte[1 << 20];
    long total = 0;
    int n;
    while ((n = inf.inflate(out)) > 0) {
      for (int i = 0; i < n; i++) {
        assertEquals(0, out[i]);
      }
      total += n;
    }
    assertEquals(inflated[0], total);
  }

  @Test
  void responseHeadersAreFoundCaseInsensitively() {
    Http.Head h =
        new Http.Head(
            101,
            "HTTP/1.1 101 Switching Protocols\r\nsec-websocket-extensions: permessage-deflate\r\n\r\n");
    assertEquals("permessage-deflate", h.header("Sec-WebSocket-Extensions"));
  }
}
