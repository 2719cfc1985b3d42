package io.bellhop.testing;

import io.micronaut.test.support.TestPropertyProvider;
import java.util.Map;

/**
 * Base class for integration tests against real NATS (JetStream) and PostgreSQL: supplies the
 * properties of the JVM-wide {@link TestServices} to the Micronaut test context.
 *
 * <p>This class carries no annotations. Subclasses must declare {@code @MicronautTest} and
 * {@code @TestInstance(TestInstance.Lifecycle.PER_CLASS)} themselves (Micronaut Test only asks a
 * {@link TestPropertyProvider} for properties on per-class test instances):
 *
 * <pre>{@code
 * @MicronautTest
 * @TestInstance(TestInstance.Lifecycle.PER_CLASS)
 * class ReplayTest extends RealServicesTest { ... }
 * }</pre>
 *
 * <p>Use {@link #services()} to reach the servers, for example to restart NATS mid-test.
 */
public abstract class RealServicesTest implements TestPropertyProvider {

  /**
   * The settings of app/'s application.yml that change what these modules do, for a server without
   * app/: the development JWT secret ({@link TestTokens} signs with it); Micronaut's exp check off
   * (platform's TokenClaimsValidator checks exp with clock skew instead, decision 26); Micronaut's
   * localhost CORS guard off, so that platform's OriginPolicy answers a foreign origin (decision
   * 28). Everything else the modules read has its default in code, and the rest of application.yml
   * is the app's own (console, Prometheus, health, PostgreSQL, timeouts, shutdown, NATS address and
   * reconnects). In app/ these are its values already: its ModuleTestConfigTest fails when one
   * differs.
   */
  public static final Map<String, String> APP_SETTINGS =
      Map.of(
          "micronaut.security.token.jwt.signatures.secret.generator.secret",
          TestTokens.DEV_SECRET,
          "micronaut.security.token.jwt.claims-validators.expiration",
          "false",
          "micronaut.server.cors.localhost-pass-through",
          "true");

  @Override
  public Map<String, String> getProperties() {
    return TestServices.get().properties();
  }

  /** The shared services behind this test's properties. */
  protected TestServices services() {
    return TestServices.get();
  }
}
