package io.bellhop.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * What tests print. java.util.logging, where jnats reports connection trouble, goes through SLF4J
 * as in the app ({@code Application.main}), so each module's logback-test.xml decides; and a test
 * that provokes errors on purpose mutes the logger that reports them while it does, so a green
 * build prints no alarms.
 */
public final class TestLogging {

  private TestLogging() {}

  /** Idempotent; {@link TestServices} calls it before any test connects to NATS. */
  static synchronized void routeJavaUtilLogging() {
    if (!SLF4JBridgeHandler.isInstalled()) {
      SLF4JBridgeHandler.removeHandlersForRootLogger();
      SLF4JBridgeHandler.install();
    }
  }

  /** Mutes {@code loggerName} (and its children) until {@link Muted#close()}. */
  public static Muted mute(String loggerName) {
    Logger logger = (Logger) LoggerFactory.getLogger(loggerName);
    Level before = logger.getLevel();
    logger.setLevel(Level.OFF);
    return () -> logger.setLevel(before);
  }

  /** A muted logger; closing restores its level. */
  public interface Muted extends AutoCloseable {
    @Override
    void close();
  }
}
