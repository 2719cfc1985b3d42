package io.bellhop.bench;

/**
 * Builds publisher envelopes padded to a fixed size (default 256 bytes), the unit every peer in
 * docs/benchmarks.md is measured with. The payload carries {@code t} (epoch micros at publish) and
 * {@code n} (per-org sequence number) that receivers use for latency and exactly-once checks;
 * warm-up events carry {@code "w":1} and no {@code n}, so receivers skip them.
 */
final class EventFactory {
  private final String runId;
  private final String service;
  private final String type;
  private final int size;

  EventFactory(String runId, String service, String type, int size) {
    this.runId = runId;
    this.service = service;
    this.type = type;
    this.size = size;
  }

  /**
   * Appends one envelope.
   *
   * @param key unique per event within the run (part of the idempotency key)
   * @param n per-org number, or -1 for a warm-up event
   */
  void append(StringBuilder sb, String org, String key, long n, long t) {
    int start = sb.length();
    sb.append("{\"eventId\":\"")
        .append(runId)
        .append('-')
        .append(key)
        .append("\",\"service\":\"")
        .append(service)
        .append("\",\"type\":\"")
        .append(type)
        .append("\",\"orgId\":\"")
        .append(org)
        .append("\",\"payload\":{\"t\":")
        .append(t);
    if (n >= 0) {
      sb.append(",\"n\":").append(n);
    } else {
      sb.append(",\"w\":1");
    }
    sb.append(",\"pad\":\"");
    int pad = size - (sb.length() - start) - 3;
    for (int i = 0; i < pad; i++) {
      sb.append('x');
    }
    sb.append("\"}}");
  }
}
