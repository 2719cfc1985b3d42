package io.bellhop.realtime;

import io.bellhop.platform.Principal;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Caps on what one user ({@code sub}) and one org hold open on this node at once: stream sockets,
 * SSE streams and waiting long-polls all count, from the moment their token is verified until their
 * {@link Slot} is released. The per-address and unauthenticated caps are applied earlier, at
 * accept, by {@link io.bellhop.platform.ConnectionGuard}.
 */
final class Admission {
  /** Which cap refused a connection; also the tag of the refusal counter. */
  enum Limit {
    USER("user"),
    ORG("org");

    final String tag;

    Limit(String tag) {
      this.tag = tag;
    }
  }

  /** A held place; {@link #release()} gives it back, once, however often it is called. */
  final class Slot implements ConnectionSlot {
    private final String user;
    private final String org;
    private final AtomicBoolean released = new AtomicBoolean();

    private Slot(String user, String org) {
      this.user = user;
      this.org = org;
    }

    @Override
    public void release() {
      if (released.compareAndSet(false, true)) {
        decrement(byUser, user);
        decrement(byOrg, org);
      }
    }
  }

  /** Either a slot or the cap that refused it. */
  record Result(Slot slot, Limit refusedBy) {}

  private final int maxPerUser;
  private final int maxPerOrg;
  private final Map<String, Integer> byUser = new ConcurrentHashMap<>();
  private final Map<String, Integer> byOrg = new ConcurrentHashMap<>();

  Admission(int maxPerUser, int maxPerOrg) {
    this.maxPerUser = maxPerUser;
    this.maxPerOrg = maxPerOrg;
  }

  Result admit(Principal p) {
    if (!increment(byUser, p.userId(), maxPerUser)) {
      return new Result(null, Limit.USER);
    }
    if (!increment(byOrg, p.orgId(), maxPerOrg)) {
      decrement(byUser, p.userId());
      return new Result(null, Limit.ORG);
    }
    return new Result(new Slot(p.userId(), p.orgId()), null);
  }

  int heldBy(String orgId) {
    return byOrg.getOrDefault(orgId, 0);
  }

  private static boolean increment(Map<String, Integer> counts, String key, int max) {
    boolean[] admitted = {false};
    counts.compute(
        key,
        (k, n) -> {
          int held = n == null ? 0 : n;
          if (max > 0 && held >= max) {
            return n;
          }
          admitted[0] = true;
          return held + 1;
        });
    return admitted[0];
  }

  private static void decrement(Map<String, Integer> counts, String key) {
    counts.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
  }
}
