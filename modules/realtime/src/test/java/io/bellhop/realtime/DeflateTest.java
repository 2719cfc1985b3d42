package io.bellhop.realtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;

/**
 * Messages compressed once are decodable by any permessage-deflate receiver, including one that
 * keeps its window across messages (context takeover), which is what browsers do by default.
 */
class DeflateTest {

  @Test
  void independentlyCompressedMessagesDecodeInOneLongLivedInflater() throws Exception {
    Inflater browser = new Inflater(true);
    for (int i = 0; i < 50; i++) {
      String text =
          "{\"type\":\"event\",\"service\":\"finance\",\"n\":"
              + i
              + ",\"pad\":\""
              + "ab".repeat(i * 40)
              + "\"}";
      ByteBuf plain = Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
      ByteBuf deflated = Deflate.compress(plain);
      assertEquals(text.length(), plain.readableBytes(), "input is left untouched");
      assertEquals(text, inflate(browser, ByteBufUtil.getBytes(deflated)));
      if (i > 10) {
        assertTrue(deflated.readableBytes() < plain.readableBytes(), "repetitive JSON compresses");
      }
      plain.release();
      deflated.release();
    }
  }

  /** RFC 7692: append 00 00 FF FF to the message, then inflate with the receiver's context. */
  private static String inflate(Inflater inflater, byte[] message) throws Exception {
    byte[] input = new byte[message.length + 4];
    System.arraycopy(message, 0, input, 0, message.length);
    input[message.length + 2] = (byte) 0xff;
    input[message.length + 3] = (byte) 0xff;
    inflater.setInput(input);
    var out = new ByteArrayOutputStream();
    byte[] chunk = new byte[4096];
    int n;
    while ((n = inflater.inflate(chunk)) > 0) {
      out.write(chunk, 0, n);
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
