package io.bellhop.platform;

/** Role names carried in the token's {@code roles} claim. */
public final class Roles {
  /** Sees every property of its org. */
  public static final String ORG_ADMIN = "org_admin";

  /** An ordinary hotel staff user. */
  public static final String STAFF = "staff";

  /** A service credential: may publish events for any org, may not subscribe. */
  public static final String PUBLISHER = "publisher";

  /** May read operational endpoints such as metrics. */
  public static final String OPS = "ops";

  private Roles() {}
}
