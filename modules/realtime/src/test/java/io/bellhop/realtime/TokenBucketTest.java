package io.bellhop.realtime;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TokenBucketTest {
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  @Test
  void aBurstIsAllowedThenOnlyTheSustainedRate() {
    var bucket = new TokenBucket(20, 100, 0);
    for (int i = 0; i < 100; i++) {
      assertTrue(bucket.take(0), "frame " + i + " of the burst");
    }
    assertFalse(bucket.take(0));
    assertFalse(bucket.take(SECOND / 40), "half a token has refilled");
    assertTrue(bucket.take(SECOND / 20));
    assertFalse(bucket.take(SECOND / 20));
  }

  @Test
  void refillStopsAtTheBurst() {
    var bucket = new TokenBucket(20, 100, 0);
    long later = 3_600 * SECOND;
    for (int i = 0; i < 100; i++) {
      assertTrue(bucket.take(later));
    }
    assertFalse(bucket.take(later));
  }
}
