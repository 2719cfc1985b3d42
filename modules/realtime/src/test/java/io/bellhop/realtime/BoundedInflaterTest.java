package io.bellhop.realtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

class BoundedInflaterTest {

  @Test
  void aBombInflatesNoFurtherThanOneBytePastTheLimit() {
    var deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
    deflater.setInput(new byte[64 * 1024 * 1024]);
    byte[] compressed = new byte[1 << 20];
    int n = deflater.deflate(compressed, 0, compressed.length, Deflater.SYNC_FLUSH);
    deflater.end();
    ByteBuf out = Unpooled.buffer(64, 1025);
    var inflater = new BoundedInflater();
    assertEquals(
        BoundedInflater.Result.TOO_BIG,
        inflater.inflate(Unpooled.wrappedBuffer(compressed, 0, n), true, out, 1024));
    assertTrue(out.readableBytes() <= 1025, "inflated " + out.readableBytes());
    inflater.end();
  }
}
