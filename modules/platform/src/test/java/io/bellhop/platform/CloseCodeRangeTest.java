package io.bellhop.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class CloseCodeRangeTest {
  @Test
  void blocksNeverOverlap() {
    for (CloseCodeRange a : CloseCodeRange.values()) {
      for (CloseCodeRange b : CloseCodeRange.values()) {
        if (a != b) {
          assertTrue(a.last() < b.first() || b.last() < a.first(), a + " overlaps " + b);
        }
      }
    }
  }

  @Test
  void aModulesBlockIsOneHundredCodesOfTheModuleSpace() {
    for (CloseCodeRange b : CloseCodeRange.values()) {
      boolean platform = b.module().equals("platform");
      for (int code = b.first(); code <= b.last(); code++) {
        assertEquals(!platform, CloseCodeRange.isModuleCode(code), b + " at " + code);
      }
      if (!platform) {
        assertEquals(0, b.first() % 100, b.toString());
        assertEquals(99, b.last() - b.first(), b.toString());
      }
    }
  }

  @Test
  void theSharedCodesLieInThePlatformsBlocks() {
    for (CloseCode c : CloseCode.values()) {
      assertTrue(
          Arrays.stream(CloseCodeRange.values())
              .anyMatch(b -> b.module().equals("platform") && b.contains(c.code())),
          c.toString());
    }
  }

  @Test
  void inAModulesBlockTheNumberSaysWhetherToRetry() {
    assertTrue(CloseCodeRange.retryableByNumber(4700));
    assertTrue(CloseCodeRange.retryableByNumber(4749));
    assertFalse(CloseCodeRange.retryableByNumber(4750));
    assertFalse(CloseCodeRange.retryableByNumber(4899));
    assertTrue(CloseCodeRange.retryableByNumber(4100));
    assertThrows(IllegalArgumentException.class, () -> CloseCodeRange.retryableByNumber(4429));
  }
}
