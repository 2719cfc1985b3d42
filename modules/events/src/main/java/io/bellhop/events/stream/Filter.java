package io.bellhop.events.stream;

import io.bellhop.events.EventEnvelope;
import io.bellhop.events.Service;
import java.util.EnumSet;
import java.util.Set;

/**
 * What a session receives of its org's events: a set of services and, unless the principal sees
 * every property, the properties it may see. Org-wide events (no {@code propertyId}) match any
 * property set. Sessions with equal filters share one encoded frame per batch.
 *
 * @param properties allowed property ids, or {@code null} for all
 */
record Filter(Set<Service> services, Set<String> properties) {

  Filter {
    services = services.isEmpty() ? EnumSet.noneOf(Service.class) : EnumSet.copyOf(services);
    properties = properties == null ? null : Set.copyOf(properties);
  }

  boolean matches(EventEnvelope e) {
    return services.contains(e.service())
        && (properties == null || e.propertyId() == null || properties.contains(e.propertyId()));
  }
}
