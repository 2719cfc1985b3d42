package io.bellhop.persistence.outbox;

import io.bellhop.testing.ProcessOutput;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A {@link RelayChild} process on the test's classpath, with its output collected. */
final class ChildJvm implements AutoCloseable {
  private final Process process;
  private final ProcessOutput output;

  private ChildJvm(Process process) {
    this.process = process;
    this.output = new ProcessOutput(process);
  }

  static ChildJvm start(String crashAt, Map<String, String> properties) throws IOException {
    List<String> options = new ArrayList<>(List.of("-Xmx256m"));
    properties.forEach((k, v) -> options.add("-D" + k + "=" + v));
    List<String> command = io.bellhop.testing.ChildJvm.command(options, RelayChild.class, crashAt);
    return new ChildJvm(new ProcessBuilder(command).redirectErrorStream(true).start());
  }

  /** Waits for the process to exit by itself; returns its exit code. */
  int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("relay child still running after " + timeout + ":\n" + output());
    }
    return process.exitValue();
  }

  String output() {
    return output.text();
  }

  /** SIGKILL: the process dies at once, wherever it is. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
  }

  /** SIGTERM (the child closes its relay), then SIGKILL if it lingers. */
  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.toHandle().destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }
}
