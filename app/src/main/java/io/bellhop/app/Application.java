package io.bellhop.app;

import io.micronaut.context.ApplicationContext;
import io.micronaut.context.env.Environment;
import io.micronaut.runtime.Micronaut;
import io.micronaut.runtime.graceful.GracefulShutdownCapable;
import io.micronaut.runtime.server.EmbeddedServer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Starts Bellhop: the only composition root. Backends are picked by configuration (see
 * application.yml); this class maps the few environment variables whose presence changes which
 * beans exist, and turns SIGTERM into a drain.
 */
public final class Application {
  private static final Logger LOG = LoggerFactory.getLogger(Application.class);
  private static final long DRAIN_BOUND_SECONDS = 20;

  private Application() {}

  public static void main(String[] args) {
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    ApplicationContext context =
        new Launcher().args(args).properties(environmentProperties(System.getenv())).start();
    TermSignal.onTerm(() -> drainThenExit(context));
  }

  /**
   * Micronaut's own shutdown hook stops the HTTP server first, which would drop every socket
   * without a close frame. So on SIGTERM the graceful phase runs first — stream sessions are closed
   * with 1012 and a retry hint — and only then does the normal shutdown begin.
   */
  private static void drainThenExit(ApplicationContext context) {
    var drainer =
        new Thread(
            () -> {
              try {
                // Everything but the HTTP server itself, which would close the sockets first.
                var drainable =
                    context.getBeansOfType(GracefulShutdownCapable.class).stream()
                        .filter(b -> !(b instanceof EmbeddedServer));
                GracefulShutdownCapable.shutdownAll(drainable)
                    .toCompletableFuture()
                    .get(DRAIN_BOUND_SECONDS, TimeUnit.SECONDS);
              } catch (Exception e) {
                LOG.warn("drain did not finish within {} s: {}", DRAIN_BOUND_SECONDS, e.toString());
              } finally {
                System.exit(0);
              }
            },
            "bellhop-drain");
    drainer.start();
  }

  /**
   * Micronaut's start-up, except that a {@link StartupRefused} anywhere in the failure is printed
   * as its one line: Micronaut would log the outermost exception's message, which repeats every
   * nested one, and then the stack trace.
   */
  private static final class Launcher extends Micronaut {
    @Override
    protected void handleStartupException(Environment environment, Throwable failure) {
      for (Throwable t = failure; t != null; t = t.getCause()) {
        if (t instanceof StartupRefused refused) {
          System.err.println("Bellhop did not start: " + refused.getMessage());
          System.exit(1);
        }
      }
      super.handleStartupException(environment, failure);
    }
  }

  /** {@code BELLHOP_JWKS_URL} switches on verification of RS256/ES256 tokens against a JWKS. */
  static Map<String, Object> environmentProperties(Map<String, String> env) {
    var props = new HashMap<String, Object>();
    String jwks = env.get("BELLHOP_JWKS_URL");
    if (jwks != null && !jwks.isBlank()) {
      props.put("micronaut.security.token.jwt.signatures.jwks.bellhop.url", jwks);
    }
    return props;
  }
}
