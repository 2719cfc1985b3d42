package io.bellhop.events.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Runs every benchmark's setup, one operation and teardown, tiny and unmeasured, so a change in the
 * production classes they reach (including the private {@code FanOut.route} seam) breaks the build
 * here rather than the next benchmark run.
 */
class BenchmarksSmokeTest {
  private static final Blackhole BH =
      new Blackhole(
          "Today's password is swordfish. I understand instantiating Blackholes directly is"
              + " dangerous.");

  @Test
  void routeHandsOneFramePerBatchToEverySession() throws Throwable {
    for (boolean deflate : new boolean[] {false, true}) {
      var b = new FanOutRouteBenchmark();
      b.events = 4; // org-wide, 7, 8, 9: every filter group gets at least one event
      // More sessions of one user than the per-user cap (50): the benchmark must lift it.
      b.sessions = 64;
      b.deflate = deflate;
      b.open();
      for (int i = 0; i < 3; i++) {
        b.nextBatch();
        b.route();
        assertEquals(64, b.drain(), "one frame per session and batch, deflate=" + deflate);
      }
      b.close();
    }
  }

  @Test
  void encodeAndDeflate() {
    var b = new FrameEncodeBenchmark();
    b.events = 10;
    b.setUp();
    b.encode(BH);
    b.deflate(BH);
    int[] sizes = b.frameSizes();
    assertTrue(sizes[0] > 10 * BenchEvents.PAYLOAD_BYTES && sizes[1] < sizes[0]);
    b.tearDown();
  }

  @Test
  void handshakeFixtureIsWhatTheBriefSays() {
    assertEquals(400, HandshakeParseBenchmark.JWT.length());
    Handshake h = Handshake.parse(HandshakeParseBenchmark.HANDSHAKE);
    assertEquals(HandshakeParseBenchmark.JWT, h.token());
    assertEquals(3, h.services().size());
    assertEquals("7", h.propertyId());
    assertEquals(123456, h.lastSeq());
    assertEquals("toyx7b.abc", h.epoch());
    assertEquals("refresh", ClientMessage.parse(HandshakeParseBenchmark.REFRESH).type());
    var b = new HandshakeParseBenchmark();
    b.handshake(BH);
    b.clientMessage(BH);
  }
}
