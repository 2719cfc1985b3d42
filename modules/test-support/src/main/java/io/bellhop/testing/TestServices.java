package io.bellhop.testing;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The JVM-wide pair of private services for integration tests: one {@link NatsTestServer} and one
 * {@link PostgresTestServer}, started together on first use of {@link #get()}, shared by every test
 * class in the JVM, and stopped (temp dirs deleted) by a shutdown hook.
 *
 * <p>Before starting, leftovers of earlier JVMs that died without running their shutdown hook (for
 * example a killed surefire fork) are stopped and deleted; see {@link StaleServerReaper}.
 */
public final class TestServices {

  private static TestServices instance;
  private static RuntimeException failure;

  private final NatsTestServer nats;
  private final PostgresTestServer postgres;

  private TestServices(NatsTestServer nats, PostgresTestServer postgres) {
    this.nats = nats;
    this.postgres = postgres;
  }

  /**
   * Returns the shared services, starting them on first call.
   *
   * @throws IllegalStateException when a server cannot start; later calls fail the same way
   */
  // The first failure is kept so later calls report its cause, wrapped in a fresh exception.
  @SuppressWarnings("StaticAssignmentOfThrowable")
  public static synchronized TestServices get() {
    if (instance == null && failure == null) {
      try {
        instance = startBoth();
      } catch (RuntimeException e) {
        failure = e;
      }
    }
    if (failure != null) {
      throw new IllegalStateException(
          "Test services failed to start: " + failure.getMessage(), failure);
    }
    return instance;
  }

  /** The shared NATS server; tests may {@link NatsTestServer#restart()} it. */
  public NatsTestServer nats() {
    return nats;
  }

  /** The shared PostgreSQL server. */
  public PostgresTestServer postgres() {
    return postgres;
  }

  /** Micronaut configuration pointing the application at the shared services. */
  public Map<String, String> properties() {
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("nats.default.addresses", nats.url());
    properties.put("datasources.default.url", postgres.jdbcUrl());
    properties.put("datasources.default.username", postgres.username());
    properties.put("datasources.default.password", postgres.password());
    properties.put("datasources.default.driver-class-name", "org.postgresql.Driver");
    return Map.copyOf(properties);
  }

  private static TestServices startBoth() {
    TestLogging.routeJavaUtilLogging();
    StaleServerReaper.reap();
    CompletableFuture<NatsTestServer> nats = CompletableFuture.supplyAsync(NatsTestServer::start);
    CompletableFuture<PostgresTestServer> postgres =
        CompletableFuture.supplyAsync(PostgresTestServer::start);
    try {
      CompletableFuture.allOf(nats, postgres).join();
    } catch (CompletionException e) {
      nats.thenAccept(NatsTestServer::close);
      postgres.thenAccept(PostgresTestServer::close);
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw cause instanceof RuntimeException r
          ? r
          : new IllegalStateException("Cannot start test services", cause);
    }
    TestServices services = new TestServices(nats.join(), postgres.join());
    Runtime.getRuntime()
        .addShutdownHook(new Thread(services::closeAll, "bellhop-test-services-shutdown"));
    return services;
  }

  private void closeAll() {
    CompletableFuture.allOf(
            CompletableFuture.runAsync(nats::close), CompletableFuture.runAsync(postgres::close))
        .join();
  }
}
