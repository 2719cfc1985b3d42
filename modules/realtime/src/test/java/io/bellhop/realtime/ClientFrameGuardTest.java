package io.bellhop.realtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellhop.platform.CloseCode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtension;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionData;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionDecoder;
import io.netty.handler.codec.http.websocketx.extensions.compression.PerMessageDeflateServerExtensionHandshaker;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

/** What reaches Micronaut from a client is whole, bounded, valid text, at a bounded rate. */
class ClientFrameGuardTest {
  private static final int LIMIT = 16 * 1024;
  private static final int RSV1 = WebSocketExtension.RSV1;

  private final Owner owner = new Owner();

  static final class Owner implements ClientFrameGuard.Owner {
    final List<CloseCode> violations = new ArrayList<>();
    final List<byte[]> binaries = new ArrayList<>();
    int pings;

    @Override
    public void violated(CloseCode code, String reason) {
      violations.add(code);
    }

    @Override
    public void pinged(ByteBuf payload) {
      pings++;
      payload.release();
    }

    @Override
    public void binary(ByteBuf bytes) {
      binaries.add(ByteBufUtil.getBytes(bytes));
      bytes.release();
    }
  }

  private EmbeddedChannel channel(ClientFrameGuard.Deflate deflate) {
    return channel(deflate, new TokenBucket(1_000_000, 1_000_000, System.nanoTime()));
  }

  private EmbeddedChannel channel(ClientFrameGuard.Deflate deflate, TokenBucket bucket) {
    return new EmbeddedChannel(
        new ClientFrameGuard(owner, LIMIT, 0, bucket, deflate, Duration.ofSeconds(10)));
  }

  private static ByteBuf utf8(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
  }

  private static String received(EmbeddedChannel ch) {
    TextWebSocketFrame f = assertInstanceOf(TextWebSocketFrame.class, ch.readInbound());
    assertTrue(f.isFinalFragment());
    assertEquals(0, f.rsv());
    String text = f.text();
    f.release();
    return text;
  }

  /** A client's compressor with context takeover: messages may refer back to earlier ones. */
  private static final class ClientDeflater {
    private final Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);

    byte[] compress(byte[] message) {
      deflater.setInput(message);
      var out = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      int n;
      while ((n = deflater.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH)) > 0) {
        out.write(buf, 0, n);
      }
      byte[] all = out.toByteArray();
      return Arrays.copyOf(all, all.length - 4); // RFC 7692: drop 00 00 ff ff
    }
  }

  @Test
  void aWholeTextMessageGoesOnUnchanged() {
    EmbeddedChannel ch = channel(ClientFrameGuard.Deflate.NONE);
    ch.writeInbound(new TextWebSocketFrame("{\"token\":\"é\"}"));
    assertEquals("{\"token\":\"é\"}", received(ch));
    assertTrue(owner.violations.isEmpty());
  }

  @Test
  void fragmentsGoOnAsOneMessageEvenWhenACharacterIsSplitAcrossThem() {
    EmbeddedChannel ch = channel(ClientFrameGuard.Deflate.NONE);
    byte[] e = "é".getBytes(StandardCharsets.UTF_8);
    ch.writeInbound(
        new TextWebSocketFrame(
            false,
            0,
            Unpooled.wrappedBuffer(
                "{\"a\":\"".getBytes(StandardCharsets.UTF_8), new byte[] {e[0]})));
    assertNull(ch.readInbound());
    ch.writeInbound(
        new ContinuationWebSocketFrame(false, 0, Unpooled.wrappedBuffer(new byte[] {e[1]})));
    ch.writeInbound(new ContinuationWebSocketFrame(true, 0, utf8("\"}")));
    assertEquals("{\"a\":\"é\"}", received(ch));
    assertTrue(owner.violations.isEmpty());
  }

  @Test
  void aFragmentedMessageIsCutWith1009AsSoonAsItPassesTheLimitNotAtItsEnd() {
    EmbeddedChannel ch = channel(ClientFrameGuard.Deflate.NONE);
    ch.writeInbound(new TextWebSocketFrame(false, 0, utf8("x".repeat(10_000))));
    assertTrue(owner.violations.isEmpty());
    ch.writeInbound(new ContinuationWebSocketFrame(false, 0, utf8("x".repeat(10_000))));
    assertEquals(List.of(CloseCode.MESSAGE_TOO_BIG), owner.violations);
    assertNull(ch.readInbound());
  }

  @Test
  void aCompressedBombIsCutWith1009() {
    EmbeddedChannel ch = channel(ClientFrameGuard.Deflate.PER_MESSAGE);
    byte[] bomb = new ClientDeflater().compress(new byte[15 * 1024 * 1024]);
    assertTrue(bomb.length < LIMIT, "15 MiB of zeros fit in one allowed frame");
    ch.writeInbound(new TextWebSocketFrame(true, RSV1, Unpooled.wrappedBuffer(bomb)));
    assertEquals(List.of(CloseCode.MESSAGE_TOO_BIG), owner.violations);
    assertNull(ch.readInbound());
  }

  @Test
  void compressedMessagesAreInflatedWithTheClientsContextWholeOrFragmented() {
    EmbeddedChannel ch = channel(ClientFrameGuard.Deflate.PER_MESSAGE);
    var client = new ClientDeflater();
    String first = "{\"type\":\"refresh\",\"token\":\"" + "abc".repeat(300) + "\"}";
    ch.writeInbound(
        new TextWebSocketFrame(
            true,
            RSV1,
            Unpooled.wrappedBuffer(client.compress(first.getBytes(StandardCharsets.UTF_8)))));
    assertEquals(first, received(ch));

    byte[] second = client.compress(first.getBytes(StandardCharsets.UTF_8));
    assertTrue(second.length < 30, "refers back to the first message");
    int half = second.length / 2;
    ch.writeInbound(new TextWebSocketFrame(false, RSV1, Unpooled.wrappedBuffer(second, 0, half)));
    ch.writeInbound(
        new ContinuationWebSocketFrame(
            true, 0, Unpooled.wrappedBuffer(second, half, second.length - half)));
    assertEquals(first, received(ch));

    ch.writeInbound(new TextWebSocketFrame("{\"plain\":true}"));
    assertEquals("{\"plain\":true}", received(ch));
    assertTrue(owner.violations.isEmpty());
  }

  @Test
  void theOlderDeflateFrameExtensionInflatesEachFrameOnItsOwn() {
    EmbeddedChannel ch = channel(ClientFrameGuard.Deflate.PER_FRAME);
    var client = new ClientDeflater();
    byte[] head = client.compress("{\"token\":\"".getBytes(StandardCharsets.UTF_8));
    byte[] tail = client.compress("t\"}".getBytes(StandardCharsets.UTF_8));
    ch.writeInbound(new TextWebSocketFrame(false, RSV1, Unpooled.wrappedBuffer(head)));
    ch.writeInbound(new ContinuationWebSocketFrame(true, RSV1, Unpooled.wrappedBuffer(tail)));
    assertEquals("{\"token\":\"t\"}", received(ch));
    assertTrue(owner.violations.isEmpty());
  }

  @Test
  void rsv1WithoutNegotiatedCompressionIsAProtocolError() {
    EmbeddedChannel ch = channel(ClientFrameGuard.Deflate.NONE);
    ch.writeInbound(new TextWebSocketFrame(true, RSV1, utf8("{}")));
    assertEquals(List.of(CloseCode.PROTOCOL_ERROR), owner.violations);
    assertNull(ch.readInbound());
  }

  @Test
  void rsv1OnAContinuationFrameOrCorruptDeflateDataIsAProtocolError() {
    EmbeddedChannel ch = channel(ClientFrameGuard.Deflate.PER_MESSAGE);
    ch.writeInbound(new TextWebSocketFrame(false, 0, utf8("{")));
    ch.writeInbound(new ContinuationWebSocketFrame(true, RSV1, utf8("}")));
    assertEquals(List.of(CloseCode.PROTOCOL_ERROR), owner.violations);

    owner.violations.clear();
    EmbeddedChannel corrupt = channel(ClientFrameGuard.Deflate.PER_MESSAGE);
    corrupt.writeInbound(
        new TextWebSocketFrame(
            true, RSV1, Unpooled.wrappedBuffer(new byte[] {(byte) 0xff, (byte) 0xff, 1, 2})));
    assertEquals(List.of(CloseCode.PROTOCOL_ERROR), owner.violations);
  }

  @Test
  void binaryFramesAreRefusedWith1003() {
    EmbeddedChannel ch = channel(ClientFrameGuard.Deflate.NONE);
    ch.writeInbound(new BinaryWebSocketFrame(utf8("{\"token\":\"t\"}")));
    assertEquals(List.of(CloseCode.UNSUPPORTED_DATA), owner.violations);
    assertNull(ch.readInbound());
  }

  private EmbeddedChannel binaryChannel(ClientFrameGuard.Deflate deflate, int maxBinary) {
    return new EmbeddedChannel(
        new ClientFrameGuard(
            owner,
            LIMIT,
            maxBinary,
            new TokenBucket(1_000_000, 1_000_000, System.nanoTime()),
            deflate,
            Duration.ofSeconds(10)));
  }

  @Test
  void onABinaryEndpointWholeFragmentedAndCompressedBinaryMessagesGoToTheOwnerAsBytes() {
    EmbeddedChannel ch = binaryChannel(ClientFrameGuard.Deflate.PER_MESSAGE, 64);
    byte[] notUtf8 = {(byte) 0xc0, (byte) 0x80, 0, 1};
    ch.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(notUtf8)));
    ch.writeInbound(new BinaryWebSocketFrame(false, 0, Unpooled.wrappedBuffer(new byte[] {1, 2})));
    ch.writeInbound(
        new ContinuationWebSocketFrame(true, 0, Unpooled.wrappedBuffer(new byte[] {3})));
    byte[] compressed = new ClientDeflater().compress(new byte[40]);
    ch.writeInbound(new BinaryWebSocketFrame(true, RSV1, Unpooled.wrappedBuffer(compressed)));
    ch.writeInbound(new TextWebSocketFrame("{}"));

    assertTrue(owner.violations.isEmpty());
    assertEquals(3, owner.binaries.size());
    assertArrayEquals(notUtf8, owner.binaries.get(0));
    assertArrayEquals(new byte[] {1, 2, 3}, owner.binaries.get(1));
    assertArrayEquals(new byte[40], owner.binaries.get(2));
    assertEquals("{}", received(ch), "text still goes on to Micronaut");
    assertNull(ch.readInbound(), "binary never does");
  }

  @Test
  void aBinaryMessageOverTheBinaryLimitIsRefusedWith1009WholeFragmentedOrInflated() {
    EmbeddedChannel whole = binaryChannel(ClientFrameGuard.Deflate.NONE, 64);
    whole.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[65])));
    assertEquals(List.of(CloseCode.MESSAGE_TOO_BIG), owner.violations);

    owner.violations.clear();
    EmbeddedChannel fragmented = binaryChannel(ClientFrameGuard.Deflate.NONE, 64);
    fragmented.writeInbound(
        new BinaryWebSocketFrame(false, 0, Unpooled.wrappedBuffer(new byte[40])));
    fragmented.writeInbound(
        new ContinuationWebSocketFrame(true, 0, Unpooled.wrappedBuffer(new byte[40])));
    assertEquals(List.of(CloseCode.MESSAGE_TOO_BIG), owner.violations);

    owner.violations.clear();
    EmbeddedChannel inflated = binaryChannel(ClientFrameGuard.Deflate.PER_MESSAGE, 64);
    byte[] bomb = new ClientDeflater().compress(new byte[100_000]);
    inflated.writeInbound(new BinaryWebSocketFrame(true, RSV1, Unpooled.wrappedBuffer(bomb)));
    assertEquals(List.of(CloseCode.MESSAGE_TOO_BIG), owner.violations);
    assertTrue(owner.binaries.isEmpty());
  }

  @Test
  void invalidUtf8IsRefusedWith1007WholeOrFragmented() {
    EmbeddedChannel ch = channel(ClientFrameGuard.Deflate.NONE);
    ch.writeInbound(
        new TextWebSocketFrame(
            Unpooled.wrappedBuffer(new byte[] {'{', (byte) 0xc0, (byte) 0x80, '}'})));
    assertEquals(List.of(CloseCode.INVALID_PAYLOAD), owner.violations);

    owner.violations.clear();
    EmbeddedChannel fragmented = channel(ClientFrameGuard.Deflate.NONE);
    fragmented.writeInbound(new TextWebSocketFrame(false, 0, utf8("{\"a\":\"")));
    fragmented.writeInbound(
        new ContinuationWebSocketFrame(true, 0, Unpooled.wrappedBuffer(new byte[] {(byte) 0xc3})));
    assertEquals(List.of(CloseCode.INVALID_PAYLOAD), owner.violations);
    assertNull(fragmented.readInbound());
  }

  @Test
  void framesOfAnyKindBeyondTheRateAreRefusedWith4430() {
    EmbeddedChannel ch =
        channel(ClientFrameGuard.Deflate.NONE, new TokenBucket(1, 5, System.nanoTime()));
    for (int i = 0; i < 20; i++) {
      ch.writeInbound(i % 2 == 0 ? new PingWebSocketFrame() : new PongWebSocketFrame());
    }
    assertEquals(List.of(CloseCode.TOO_MANY_MESSAGES), owner.violations);
    assertTrue(owner.pings <= 4, "pings answered before the cut: " + owner.pings);
  }

  @Test
  void pingsGoToTheOwnerAndNeverOnToMicronaut() {
    EmbeddedChannel ch = channel(ClientFrameGuard.Deflate.NONE);
    ch.writeInbound(new PingWebSocketFrame(utf8("hi")));
    ch.writeInbound(new PongWebSocketFrame(utf8("hi")));
    assertEquals(1, owner.pings);
    assertNull(ch.readInbound());
  }

  @Test
  void afterARefusalNothingIsDecodedOrPassedOnAndAFloodIsNoLongerRead() {
    var ch = new EmbeddedChannel(new WebSocket13FrameDecoder(true, true, LIMIT));
    ClientFrameGuard.install(
        ch, owner, LIMIT, 0, new TokenBucket(20, 100, System.nanoTime()), Duration.ofSeconds(10));
    ch.writeInbound(
        Unpooled.wrappedBuffer(maskedFrame(0x82, "x".getBytes(StandardCharsets.UTF_8))));
    assertEquals(List.of(CloseCode.UNSUPPORTED_DATA), owner.violations);

    byte[] frame = maskedFrame(0x81, "{}".getBytes(StandardCharsets.UTF_8));
    var later = Unpooled.wrappedBuffer(frame);
    ch.writeInbound(later);
    assertEquals(0, later.refCnt(), "dropped undecoded");
    assertNull(ch.readInbound());
    assertTrue(ch.config().isAutoRead(), "still drains what the client already sent");
    ch.writeInbound(Unpooled.wrappedBuffer(new byte[ClientFrameGuard.DRAIN_AFTER_REFUSAL + 1]));
    assertFalse(ch.config().isAutoRead(), "a flood is no longer read");
    assertEquals(List.of(CloseCode.UNSUPPORTED_DATA), owner.violations);
  }

  /** Netty's own permessage-deflate decoder, with no bound on what a message inflates to. */
  private static WebSocketExtensionDecoder nettyInflater() {
    int unboundedAllocation = 0;
    return new PerMessageDeflateServerExtensionHandshaker(unboundedAllocation)
        .handshakeExtension(new WebSocketExtensionData("permessage-deflate", Map.of()))
        .newExtensionDecoder();
  }

  @Test
  void installedBehindTheFrameDecoderItTakesThePlaceOfNettysDeflateDecoder() {
    var ch = new EmbeddedChannel(new WebSocket13FrameDecoder(true, true, LIMIT), nettyInflater());
    ClientFrameGuard.install(
        ch, owner, LIMIT, 0, new TokenBucket(20, 100, System.nanoTime()), Duration.ofSeconds(10));
    List<ChannelHandler> handlers = new ArrayList<>();
    ch.pipeline().forEach(h -> handlers.add(h.getValue()));
    assertInstanceOf(WebSocket13FrameDecoder.class, handlers.get(0));
    assertInstanceOf(ClientFrameGuard.class, handlers.get(1));
    assertEquals(2, handlers.size(), "Netty's unbounded inflater is gone");

    String text = "{\"token\":\"" + "t".repeat(200) + "\"}";
    byte[] payload = new ClientDeflater().compress(text.getBytes(StandardCharsets.UTF_8));
    ch.writeInbound(Unpooled.wrappedBuffer(maskedFrame(0x80 | 0x40 | 0x1, payload)));
    assertEquals(text, received(ch));
  }

  @Test
  void aDeflateDecoderAddedAfterTheGuardIsTakenOverAtTheFirstCompressedFrame() {
    var ch = new EmbeddedChannel(new WebSocket13FrameDecoder(true, true, LIMIT));
    ClientFrameGuard.install(
        ch, owner, LIMIT, 0, new TokenBucket(20, 100, System.nanoTime()), Duration.ofSeconds(10));
    ch.pipeline().addLast(nettyInflater());
    String text = "{\"token\":\"late\"}";
    byte[] payload = new ClientDeflater().compress(text.getBytes(StandardCharsets.UTF_8));
    ch.writeInbound(Unpooled.wrappedBuffer(maskedFrame(0x80 | 0x40 | 0x1, payload)));
    assertEquals(text, received(ch));
    assertTrue(owner.violations.isEmpty());
    ch.pipeline().forEach(h -> assertFalse(h.getValue() instanceof WebSocketExtensionDecoder));
  }

  /** A client frame on the wire: {@code b0} = FIN, RSV and opcode bits; payload under 126 bytes. */
  static byte[] maskedFrame(int b0, byte[] payload) {
    byte[] mask = {7, 1, 9, 3};
    byte[] out = new byte[6 + payload.length];
    out[0] = (byte) b0;
    out[1] = (byte) (0x80 | payload.length);
    System.arraycopy(mask, 0, out, 2, 4);
    for (int i = 0; i < payload.length; i++) {
      out[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
    }
    return out;
  }
}
