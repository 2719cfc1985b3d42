package io.bellhop.events;

import java.util.Locale;
import java.util.Optional;

/** The platform's domain services whose events Bellhop streams. Wire names are lower case. */
public enum Service {
  FINANCE,
  GUEST,
  STAFF,
  TASKS,
  PROPERTIES,
  USERS,
  DASHBOARD,
  BRANDING,
  ANALYTICS,
  REPORTS;

  private final String wireName = name().toLowerCase(Locale.ROOT);

  /** The name used in JSON, NATS subjects and URLs, e.g. {@code finance}. */
  public String wireName() {
    return wireName;
  }

  /** Parses a wire name; empty when it names no known service. */
  public static Optional<Service> parse(String wireName) {
    if (wireName == null) {
      return Optional.empty();
    }
    for (Service s : values()) {
      if (s.wireName.equals(wireName)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }
}
