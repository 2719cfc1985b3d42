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

  @Override
  public Map<String, String> getProperties() {
    return TestServices.get().properties();
  }

  /** The shared services behind this test's properties. */
  protected TestServices services() {
    return TestServices.get();
  }
}
