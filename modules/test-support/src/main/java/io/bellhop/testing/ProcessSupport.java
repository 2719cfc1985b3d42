package io.bellhop.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Small helpers shared by the test servers: binaries, ports, temp dirs, bounded commands. */
final class ProcessSupport {

  /** Prefix of every temp dir the support creates; {@link TestServices} reaps stale ones. */
  static final String DIR_PREFIX = "bellhop-test-";

  /** File inside each temp dir holding the pid of the JVM that owns it. */
  static final String OWNER_FILE = "owner.pid";

  static final File DEV_NULL = new File("/dev/null");

  static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);
  static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);

  static final String DEPS_HINT =
      "; install it with infra/deps.sh (Debian: apt-get install -y nats-server postgresql)";

  private ProcessSupport() {}

  /** Finds an executable by name on PATH, then in the given fallback directories. */
  static Path findBinary(String name, String... fallbackDirs) {
    List<Path> candidates = new ArrayList<>();
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(File.pathSeparator, -1)) {
        if (!dir.isEmpty()) {
          candidates.add(Path.of(dir, name));
        }
      }
    }
    for (String dir : fallbackDirs) {
      candidates.add(Path.of(dir, name));
    }
    for (Path candidate : candidates) {
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException(
        "Cannot find '" + name + "' on PATH or in " + List.of(fallbackDirs) + DEPS_HINT);
  }

  /** Returns a loopback port that was free a moment ago. */
  static int freePort() {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(false);
      socket.bind(new InetSocketAddress("127.0.0.1", 0));
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot find a free loopback port", e);
    }
  }

  /** True when something accepts TCP connections on 127.0.0.1:port. */
  static boolean accepts(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  /**
   * Creates a fresh temp dir for one server, marked with the owning JVM's pid. Under root it lives
   * in /tmp so that an unprivileged server user can traverse its parents.
   */
  static Path createServerDir(String kind) {
    try {
      Path base = Path.of(isRoot() ? "/tmp" : System.getProperty("java.io.tmpdir", "/tmp"));
      Files.createDirectories(base);
      Path dir = Files.createTempDirectory(base, DIR_PREFIX + kind + "-");
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      Files.writeString(dir.resolve(OWNER_FILE), Long.toString(ProcessHandle.current().pid()));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create a temp dir for " + kind, e);
    }
  }

  /**
   * Runs a short command to completion, with its output appended to {@code log}. Fails with the
   * tail of the log when it exits non-zero or outlives {@code timeout}.
   */
  static void run(List<String> command, Path workDir, Path log, Duration timeout) {
    try {
      Files.writeString(
          log,
          "### " + String.join(" ", command) + "\n",
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(workDir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .redirectInput(ProcessBuilder.Redirect.from(DEV_NULL));
      // Predictable locale, and no stray PG* settings from the caller's environment.
      builder.environment().keySet().removeIf(name -> name.startsWith("PG"));
      builder.environment().put("LC_ALL", "C");
      Process process = builder.start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        throw new IllegalStateException(
            "Timed out after " + timeout.toSeconds() + " s: " + command + tail(log));
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException(
            "Exit code " + process.exitValue() + ": " + command + tail(log));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while running " + command, e);
    }
  }

  /** Stops a process with SIGTERM, then SIGKILL if it has not exited within the stop timeout. */
  static void terminate(ProcessHandle process) {
    if (gone(process)) {
      return;
    }
    process.destroy();
    if (!awaitGone(process, STOP_TIMEOUT)) {
      process.destroyForcibly();
      awaitGone(process, Duration.ofSeconds(5));
    }
  }

  private static boolean awaitGone(ProcessHandle process, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (gone(process)) {
        return true;
      }
      sleep(20);
    }
    return gone(process);
  }

  /**
   * True when the process has exited. A zombie counts as exited: a daemon such as the postmaster is
   * reparented to PID 1, which may take seconds to reap it.
   */
  static boolean gone(ProcessHandle process) {
    if (!process.isAlive()) {
      return true;
    }
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
      int afterName = stat.lastIndexOf(')');
      return afterName > 0 && stat.length() > afterName + 2 && stat.charAt(afterName + 2) == 'Z';
    } catch (IOException | RuntimeException e) {
      return !process.isAlive();
    }
  }

  /** Reads a pid from the first line of a file, if present and well-formed. */
  static Optional<Long> readPid(Path file) {
    try {
      String first = Files.readAllLines(file, StandardCharsets.UTF_8).get(0).trim();
      return Optional.of(Long.parseLong(first));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** A human-readable tail of a log file, prefixed with a newline, for exception messages. */
  static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      int from = Math.max(0, lines.size() - 30);
      return "\n--- last lines of "
          + log
          + " ---\n"
          + String.join("\n", lines.subList(from, lines.size()));
    } catch (IOException | RuntimeException e) {
      return "\n(no log at " + log + ")";
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted", e);
    }
  }

  /** Deletes a directory tree, ignoring files that vanish meanwhile. */
  static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              deleteIfExists(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) {
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc)
                throws IOException {
              deleteIfExists(dir);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      System.err.println("[bellhop-testing] could not delete " + root + ": " + e);
    }
  }

  private static void deleteIfExists(Path path) throws IOException {
    try {
      Files.deleteIfExists(path);
    } catch (NoSuchFileException ignored) {
      // Already gone.
    }
  }
}
