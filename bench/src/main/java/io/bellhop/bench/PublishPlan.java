package io.bellhop.bench;

/**
 * The deterministic publishing schedule shared by publisher and receivers.
 *
 * <p>Event {@code k} (0-based, global) goes to org {@code k % orgs} with per-org number {@code n =
 * k / orgs} and is due at {@code k / eventsPerSec} seconds after the start. Every org therefore
 * gets exactly {@link #perOrg()} events numbered 0..perOrg-1, which is what each receiving
 * connection checks for loss, duplicates and order without any side channel to the publisher.
 *
 * @param orgPrefix org ids are {@code orgPrefix + index}
 * @param orgs number of orgs
 * @param perOrg events each org receives
 * @param eventsPerSec aggregate publish rate over all orgs
 */
record PublishPlan(String orgPrefix, int orgs, int perOrg, double eventsPerSec) {

  /**
   * Derives the publish rate from the wanted delivery rate: deliveries/s = events/s x connections
   * per org.
   */
  static PublishPlan forDeliveries(
      String orgPrefix, int connections, int orgs, double deliveriesPerSec, double durationSec) {
    double connsPerOrg = (double) connections / orgs;
    double eventsPerSec = deliveriesPerSec / connsPerOrg;
    int perOrg = (int) Math.max(1, Math.round(eventsPerSec * durationSec / orgs));
    return new PublishPlan(orgPrefix, orgs, perOrg, eventsPerSec);
  }

  static PublishPlan fromArgs(Args a) {
    int connections = a.integer("connections", 1000);
    int orgs = a.integer("orgs", 100);
    String prefix = a.str("org-prefix", "org-");
    if (a.has("events-per-sec")) {
      double eps = a.dbl("events-per-sec", 100);
      int perOrg =
          a.has("per-org")
              ? a.integer("per-org", 1)
              : (int) Math.max(1, Math.round(eps * a.dbl("duration", 30) / orgs));
      return new PublishPlan(prefix, orgs, perOrg, eps);
    }
    return forDeliveries(prefix, connections, orgs, a.dbl("rate", 20_000), a.dbl("duration", 30));
  }

  long total() {
    return (long) orgs * perOrg;
  }

  String org(long index) {
    return orgPrefix + (index % orgs);
  }

  double durationSec() {
    return total() / eventsPerSec;
  }

  double deliveriesPerSec(int connections) {
    return eventsPerSec * connections / orgs;
  }
}
