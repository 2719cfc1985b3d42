package io.bellhop.events.log;

import io.bellhop.events.Service;
import io.bellhop.platform.Ids;
import java.util.Optional;

/**
 * The only place NATS subjects of the event log are built and read: {@code
 * <prefix>.<orgId>.<service>}. Every org id is checked against the {@link Ids} grammar here, so a
 * hostile id ({@code *}, {@code >}, {@code a.b}) can never widen a filter or publish under another
 * org's subject, whichever path it came from.
 */
public final class EventSubjects {
  private final String prefix;

  public EventSubjects(String prefix) {
    this.prefix = prefix;
  }

  /** The subject an org's events of one service are published on. */
  public String event(String orgId, Service service) {
    return prefix + "." + Ids.require("orgId", orgId) + "." + service.wireName();
  }

  /** Every service of one org: the filter of that org's replays. */
  public String org(String orgId) {
    return prefix + "." + Ids.require("orgId", orgId) + ".*";
  }

  /** Every org and service: what the stream binds and the node's live feed reads. */
  public String all() {
    return prefix + ".*.*";
  }

  /**
   * The org and service a stored message's subject names, or empty when it names no valid org or no
   * known service (such a message is never delivered).
   */
  public Optional<Address> parse(String subject) {
    if (!subject.startsWith(prefix) || subject.length() <= prefix.length() + 1) {
      return Optional.empty();
    }
    int orgStart = prefix.length() + 1;
    int dot = subject.indexOf('.', orgStart);
    if (subject.charAt(prefix.length()) != '.' || dot < 0) {
      return Optional.empty();
    }
    String orgId = subject.substring(orgStart, dot);
    if (!Ids.isValid(orgId)) {
      return Optional.empty();
    }
    return Service.parse(subject.substring(dot + 1)).map(s -> new Address(orgId, s));
  }

  /** Where a message belongs: the org and service of its subject. */
  public record Address(String orgId, Service service) {}
}
