package io.bellhop.events.replay;

import io.bellhop.events.EventEnvelope;
import io.bellhop.events.Service;
import io.bellhop.platform.CloseCode;
import io.bellhop.platform.ErrorCode;
import io.bellhop.platform.Ids;
import io.bellhop.platform.Principal;
import io.bellhop.realtime.Refusal;
import java.util.EnumSet;
import java.util.Set;

/**
 * What a session receives of its org's events: a set of services and, unless the principal sees
 * every property, the properties it may see. Org-wide events (no {@code propertyId}) match any
 * property set. Sessions with equal filters share one encoded frame per batch.
 *
 * @param properties allowed property ids, or {@code null} for all
 */
public record Filter(Set<Service> services, Set<String> properties) {

  public Filter {
    services = services.isEmpty() ? EnumSet.noneOf(Service.class) : EnumSet.copyOf(services);
    properties = properties == null ? null : Set.copyOf(properties);
  }

  /**
   * The filter a principal gets for the requested services and optional property: the property must
   * be one the token allows (else 4003); without one, a user who is not {@code org_admin} is
   * narrowed to the token's properties.
   */
  public static Filter of(Set<Service> services, Principal p, String requestedProperty) {
    if (requestedProperty != null) {
      if (!Ids.isValid(requestedProperty)) {
        throw new Refusal(
            CloseCode.BAD_HANDSHAKE,
            ErrorCode.BAD_HANDSHAKE,
            "a property id must match " + Ids.GRAMMAR);
      }
      if (!p.maySeeProperty(requestedProperty)) {
        throw new Refusal(
            CloseCode.FORBIDDEN,
            ErrorCode.FORBIDDEN,
            "property " + requestedProperty + " is not in the token");
      }
      return new Filter(services, Set.of(requestedProperty));
    }
    return new Filter(services, p.seesAllProperties() ? null : p.propertyIds());
  }

  public boolean matches(EventEnvelope e) {
    return services.contains(e.service())
        && (properties == null || e.propertyId() == null || properties.contains(e.propertyId()));
  }
}
