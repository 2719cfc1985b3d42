package io.bellhop.persistence.outbox;

import io.bellhop.events.EventLog;
import io.bellhop.events.EventPublisher;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.ApplicationContext;
import io.micronaut.jdbc.DataSourceResolver;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * An outbox relay in a JVM of its own, for {@link OutboxCrashIT}. The argument names the step at
 * which it halts the JVM ({@code Runtime.halt}: no shutdown hook, no clean-up, like a power cut):
 * {@code before-publish}, {@code after-publish}, or {@code none} to run until SIGTERM.
 * Configuration comes as system properties (the test services' addresses).
 */
final class RelayChild {
  /** The exit code of a JVM halted at its crash point. */
  static final int CRASHED = 77;

  private RelayChild() {}

  public static void main(String[] args) {
    String crashAt = args[0];
    ApplicationContext context =
        ApplicationContext.builder()
            .properties(Map.of("bellhop.outbox.relay-enabled", "false"))
            .start();
    DataSource pool =
        context
            .findBean(DataSourceResolver.class)
            .orElse(DataSourceResolver.DEFAULT)
            .resolve(context.getBean(DataSource.class));
    RelayProbe probe =
        new RelayProbe() {
          @Override
          public void beforePublish(List<Long> ids) {
            crashIf("before-publish", crashAt, ids);
          }

          @Override
          public void afterPublish(List<Long> ids) {
            crashIf("after-publish", crashAt, ids);
          }
        };
    OutboxRelay relay =
        new OutboxRelay(
            new RelayConnection(pool),
            context.getBean(EventPublisher.class),
            context.getBean(EventLog.class),
            context.getBean(OutboxConfig.class),
            new OutboxMetrics(context.getBean(MeterRegistry.class)),
            context
                .getProperty("bellhop.events.log.duplicate-window", Duration.class)
                .orElse(Duration.ofMinutes(2)),
            probe);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  relay.close();
                  context.close();
                }));
    relay.start();
    System.out.println("relay child started, crash point: " + crashAt);
  }

  private static void crashIf(String point, String crashAt, List<Long> ids) {
    if (point.equals(crashAt) && !ids.isEmpty()) {
      System.out.println("crash point " + point + " reached with rows " + ids);
      System.out.flush();
      Runtime.getRuntime().halt(CRASHED);
    }
  }
}
