package io.bellhop.app;

import io.bellhop.testing.ChildJvm;
import io.bellhop.testing.ProcessOutput;
import io.bellhop.testing.TestServices;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * {@link Application#main} in a child JVM on the test's classpath, against the shared test
 * nats-server and PostgreSQL, with its output (stdout and stderr) collected: for what only a real
 * process shows, a signal or what an operator reads on the console.
 */
final class AppProcess implements AutoCloseable {
  private final Process process;
  private final ProcessOutput output;

  private AppProcess(Process process) {
    this.process = process;
    this.output = new ProcessOutput(process);
  }

  /** Starts the node on {@code port}; {@code environment} may change the variables it gets. */
  static AppProcess start(int port, Consumer<Map<String, String>> environment) throws IOException {
    var services = TestServices.get().properties();
    var builder =
        new ProcessBuilder(ChildJvm.command(List.of(), Application.class))
            .redirectErrorStream(true);
    var env = builder.environment();
    env.put("MICRONAUT_SERVER_PORT", Integer.toString(port));
    env.put("NATS_ADDRESSES", services.get("nats.default.addresses"));
    env.put("JDBC_URL", services.get("datasources.default.url"));
    env.put("JDBC_USER", services.get("datasources.default.username"));
    env.put("JDBC_PASSWORD", services.get("datasources.default.password"));
    environment.accept(env);
    return new AppProcess(builder.start());
  }

  ProcessOutput output() {
    return output;
  }

  /** SIGTERM; {@link Process#destroy()} would also close our end of its output. */
  void terminate() {
    process.toHandle().destroy();
  }

  /** Waits for the process to exit by itself; returns its exit code. */
  int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("still running after " + timeout + ":\n" + output.text());
    }
    return process.exitValue();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
  }
}
