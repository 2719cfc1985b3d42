package io.bellhop.bench;

import java.util.BitSet;

/**
 * Exactly-once, in-order check for one receiving connection.
 *
 * <p>The publisher numbers each org's events 0..perOrg-1; a connection must see every number once,
 * ascending. A bitset of seen numbers gives duplicates exactly; an arrival below the highest number
 * seen so far counts as out of order; whatever is missing at the end is lost. Confined to the
 * connection's event loop.
 */
final class SequenceTracker {
  private final BitSet seen = new BitSet();
  private int distinct;
  private long highest = -1;
  private long duplicates;
  private long outOfOrder;

  /** Records number {@code n}; returns true when it was new. */
  boolean record(long n) {
    if (n < 0 || n >= Integer.MAX_VALUE) {
      return false;
    }
    int i = (int) n;
    if (seen.get(i)) {
      duplicates++;
      return false;
    }
    seen.set(i);
    distinct++;
    if (n < highest) {
      outOfOrder++;
    } else {
      highest = n;
    }
    return true;
  }

  int distinct() {
    return distinct;
  }

  long duplicates() {
    return duplicates;
  }

  long outOfOrder() {
    return outOfOrder;
  }

  /** Numbers in [0, expected) never received. */
  long lost(int expected) {
    return (long) expected - seen.get(0, Math.max(0, expected)).cardinality();
  }
}
