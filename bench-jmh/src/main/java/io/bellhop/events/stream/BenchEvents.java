package io.bellhop.events.stream;

import io.bellhop.events.EventEnvelope;
import io.bellhop.events.Service;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;

/** Benchmark fixture: realistic events of one org with a payload of exactly 256 bytes. */
final class BenchEvents {
  static final String ORG = "toyx7b";
  static final int PAYLOAD_BYTES = 256;

  /** Property ids the events cycle through; {@code null} is an org-wide event. */
  private static final String[] PROPERTIES = {null, "7", "8", "9"};

  private static final Instant BASE = Instant.parse("2026-11-23T09:00:00Z");
  private static final String NOTE =
      "late check-out fee, room 412, approved by front desk; minibar and parking settled ";

  private BenchEvents() {}

  /**
   * {@code n} {@code finance} events of {@link #ORG} with seq 1..n, cycling through the properties
   * (org-wide, 7, 8, 9), so the first event is org-wide.
   */
  static List<EventEnvelope> run(int n) {
    var out = new ArrayList<EventEnvelope>(n);
    for (int i = 0; i < n; i++) {
      out.add(event(i, PROPERTIES[i % PROPERTIES.length], i + 1));
    }
    return out;
  }

  static EventEnvelope event(int i, String propertyId, long seq) {
    Random r = new Random(i);
    return new EventEnvelope(
        new UUID(r.nextLong(), r.nextLong()).toString(),
        Service.FINANCE,
        "revenue.created",
        ORG,
        propertyId,
        BASE.plusMillis(137L * i).toString(),
        payload(i, r),
        seq);
  }

  /** A JSON object of exactly {@link #PAYLOAD_BYTES} ASCII bytes, varying with {@code i}. */
  static String payload(int i, Random r) {
    String head =
        String.format(
            Locale.ROOT,
            "{\"invoiceId\":\"INV-2026-%06d\",\"folioId\":\"F-%05d\",\"guest\":{\"id\":\"g-%05d\","
                + "\"name\":\"Guest %05d\"},\"amount\":{\"value\":\"%d.%02d\",\"currency\":\"EUR\"},"
                + "\"tax\":{\"value\":\"%d.%02d\",\"rate\":\"0.10\"},\"lines\":%d,\"note\":\"",
            4000 + i,
            r.nextInt(100_000),
            r.nextInt(100_000),
            r.nextInt(100_000),
            r.nextInt(5_000),
            r.nextInt(100),
            r.nextInt(500),
            r.nextInt(100),
            1 + r.nextInt(9));
    String tail = "\"}";
    var sb = new StringBuilder(PAYLOAD_BYTES).append(head);
    int start = r.nextInt(NOTE.length());
    while (sb.length() < PAYLOAD_BYTES - tail.length()) {
      sb.append(NOTE.charAt(start++ % NOTE.length()));
    }
    String payload = sb.append(tail).toString();
    if (payload.length() != PAYLOAD_BYTES) {
      throw new IllegalStateException("payload is " + payload.length() + " bytes");
    }
    return payload;
  }
}
