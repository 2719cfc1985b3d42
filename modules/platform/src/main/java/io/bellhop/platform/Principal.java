package io.bellhop.platform;

import java.time.Instant;
import java.util.Set;

/**
 * Who is on the other end of a connection or request, as stated by a verified token.
 *
 * @param userId the token's {@code sub}
 * @param orgId the tenant; a principal only ever sees data of this org
 * @param name display name, may be empty
 * @param roles e.g. {@code org_admin}, {@code staff}, {@code publisher}, {@code ops}
 * @param propertyIds properties this principal may see; ignored for {@code org_admin}
 * @param expiresAt when the token stops being valid, {@code null} if it never expires
 */
public record Principal(
    String userId,
    String orgId,
    String name,
    Set<String> roles,
    Set<String> propertyIds,
    Instant expiresAt) {

  public Principal {
    roles = Set.copyOf(roles);
    propertyIds = Set.copyOf(propertyIds);
  }

  public boolean hasRole(String role) {
    return roles.contains(role);
  }

  /** An org admin sees every property of the org. */
  public boolean seesAllProperties() {
    return hasRole(Roles.ORG_ADMIN);
  }

  /** Whether this principal may see data of {@code propertyId} within its own org. */
  public boolean maySeeProperty(String propertyId) {
    return seesAllProperties() || propertyIds.contains(propertyId);
  }

  /**
   * Whether this principal may read from the stream: any user token, never a service credential.
   */
  public boolean maySubscribe() {
    return !hasRole(Roles.PUBLISHER) && orgId != null && !orgId.isEmpty();
  }
}
