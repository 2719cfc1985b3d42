package io.bellhop.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;

/**
 * A private {@code nats-server} with JetStream, listening on a random loopback port and storing
 * into its own temp dir. {@link #restart()} keeps the port and the store, so tests can simulate a
 * NATS restart under a live session. Output goes to {@code nats.log} in the temp dir.
 */
public final class NatsTestServer implements AutoCloseable {

  static final String PID_FILE = "nats.pid";

  private final Path binary;
  private final Path dir;
  private final Path storeDir;
  private final Path log;
  private int port;
  private int monitorPort;
  private Process process;

  private NatsTestServer(Path binary, Path dir) {
    this.binary = binary;
    this.dir = dir;
    this.storeDir = dir.resolve("store");
    this.log = dir.resolve("nats.log");
  }

  /**
   * Starts a new server and waits until it accepts connections with JetStream enabled.
   *
   * @throws IllegalStateException when nats-server is missing or not ready within 30 s
   */
  public static NatsTestServer start() {
    Path binary = ProcessSupport.findBinary("nats-server", "/usr/sbin", "/usr/bin");
    NatsTestServer server = new NatsTestServer(binary, ProcessSupport.createServerDir("nats"));
    try {
      server.startOnFreshPorts();
      return server;
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
  }

  /** The client URL, {@code nats://127.0.0.1:PORT}. */
  public String url() {
    return "nats://127.0.0.1:" + port;
  }

  /** The client port. */
  public int port() {
    return port;
  }

  /** The JetStream store dir; it survives {@link #restart()}. */
  public Path storeDir() {
    return storeDir;
  }

  /** The server's log file. */
  public Path logFile() {
    return log;
  }

  /** True while the server process runs. */
  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** Stops the server (SIGTERM, then SIGKILL after 15 s) and waits for it to exit. */
  public synchronized void stop() {
    if (process != null) {
      ProcessSupport.terminate(process.toHandle());
      process = null;
    }
  }

  /** Stops the server and starts it again on the same port with the same JetStream store. */
  public synchronized void restart() {
    stop();
    launch();
  }

  /** Stops the server and deletes its temp dir. */
  @Override
  public synchronized void close() {
    stop();
    ProcessSupport.deleteTree(dir);
  }

  private synchronized void startOnFreshPorts() {
    IllegalStateException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      port = ProcessSupport.freePort();
      monitorPort = ProcessSupport.freePort();
      try {
        launch();
        return;
      } catch (IllegalStateException e) {
        // Most likely another process grabbed one of the ports; retry with new ones.
        stop();
        last = e;
      }
    }
    throw last;
  }

  private void launch() {
    List<String> command =
        List.of(
            binary.toString(),
            "-a",
            "127.0.0.1",
            "-p",
            Integer.toString(port),
            "-m",
            Integer.toString(monitorPort),
            "-js",
            "-sd",
            storeDir.toString());
    try {
      Files.writeString(
          log,
          "### " + String.join(" ", command) + "\n",
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
      process =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .redirectInput(ProcessBuilder.Redirect.from(ProcessSupport.DEV_NULL))
              .start();
      Files.writeString(dir.resolve(PID_FILE), Long.toString(process.pid()));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start " + command, e);
    }
    try {
      awaitReady();
    } catch (RuntimeException e) {
      stop();
      throw e;
    }
  }

  private void awaitReady() {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    HttpRequest health =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + monitorPort + "/healthz?js-enabled-only=true"))
            .timeout(Duration.ofSeconds(2))
            .build();
    long deadline = System.nanoTime() + ProcessSupport.STARTUP_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "nats-server exited with code "
                + process.exitValue()
                + " on port "
                + port
                + ProcessSupport.tail(log));
      }
      if (ProcessSupport.accepts(port) && healthy(http, health)) {
        return;
      }
      ProcessSupport.sleep(50);
    }
    throw new IllegalStateException(
        "nats-server not ready on port "
            + port
            + " within "
            + ProcessSupport.STARTUP_TIMEOUT.toSeconds()
            + " s"
            + ProcessSupport.tail(log));
  }

  private static boolean healthy(HttpClient http, HttpRequest health) {
    try {
      return http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for nats-server", e);
    }
  }
}
