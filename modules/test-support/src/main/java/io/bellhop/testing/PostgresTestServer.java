package io.bellhop.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A private PostgreSQL cluster in a temp dir, listening on a random loopback port, with fsync off
 * and trust authentication for user {@code postgres}, and a database named {@code bellhop}.
 *
 * <p>PostgreSQL refuses to run as root; under root the cluster is owned by the {@code postgres}
 * user and every server command runs through {@code runuser -u postgres --}. The binaries are taken
 * from PATH or the newest {@code /usr/lib/postgresql/<version>/bin}, or from the {@code
 * BELLHOP_PG_BIN} environment variable when set.
 */
public final class PostgresTestServer implements AutoCloseable {

  /** The database created at startup. */
  public static final String DATABASE = "bellhop";

  private static final String USER = "postgres";
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(45);

  private final Path bin;
  private final Path dir;
  private final Path data;
  private final Path setupLog;
  private final Path serverLog;
  private final List<String> asPostgres;
  private int port;
  private boolean running;

  private PostgresTestServer(Path bin, Path dir, List<String> asPostgres) {
    this.bin = bin;
    this.dir = dir;
    this.data = dir.resolve("data");
    this.setupLog = dir.resolve("setup.log");
    this.serverLog = dir.resolve("postgres.log");
    this.asPostgres = asPostgres;
  }

  /**
   * Initialises and starts a new cluster and creates the {@code bellhop} database.
   *
   * @throws IllegalStateException when PostgreSQL is missing or does not start within 30 s
   */
  public static PostgresTestServer start() {
    Path bin = findBinDir();
    List<String> asPostgres =
        ProcessSupport.isRoot()
            ? List.of(
                ProcessSupport.findBinary("runuser", "/usr/sbin", "/sbin").toString(),
                "-u",
                USER,
                "--")
            : List.of();
    PostgresTestServer server =
        new PostgresTestServer(bin, ProcessSupport.createServerDir("pg"), asPostgres);
    try {
      server.initialise();
      server.startOnFreshPort();
      server.createDatabase();
      return server;
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
  }

  /** JDBC URL of the {@code bellhop} database. */
  public String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
  }

  /** The user name, {@code postgres}. */
  public String username() {
    return USER;
  }

  /** The password: empty, authentication is {@code trust}. */
  public String password() {
    return "";
  }

  /** The TCP port on 127.0.0.1. */
  public int port() {
    return port;
  }

  /** The server's log file. */
  public Path logFile() {
    return serverLog;
  }

  /** Stops the server ({@code pg_ctl stop -m fast}, then SIGKILL if needed). */
  public synchronized void stop() {
    if (!running) {
      return;
    }
    running = false;
    try {
      pgCtl("-m", "fast", "-w", "-t", "15", "stop");
    } catch (RuntimeException e) {
      System.err.println("[bellhop-testing] pg_ctl stop failed, killing postmaster: " + e);
    }
    ProcessSupport.readPid(data.resolve("postmaster.pid"))
        .flatMap(ProcessHandle::of)
        .ifPresent(ProcessSupport::terminate);
  }

  /** Stops the server and deletes its temp dir. */
  @Override
  public synchronized void close() {
    stop();
    ProcessSupport.deleteTree(dir);
  }

  private void initialise() {
    if (!asPostgres.isEmpty()) {
      chownToPostgres(dir);
    }
    List<String> initdb = new ArrayList<>(asPostgres);
    initdb.addAll(
        List.of(
            bin.resolve("initdb").toString(),
            "-D",
            data.toString(),
            "-A",
            "trust",
            "-U",
            USER,
            "--no-sync",
            "-E",
            "UTF8",
            "--locale=C"));
    ProcessSupport.run(initdb, dir, setupLog, COMMAND_TIMEOUT);
    String settings =
        String.join(
            "\n",
            "",
            "# bellhop test settings",
            "listen_addresses = '127.0.0.1'",
            "unix_socket_directories = '" + dir + "'",
            "fsync = off",
            "synchronous_commit = off",
            "full_page_writes = off",
            "max_connections = 200",
            "");
    try {
      Files.writeString(data.resolve("postgresql.conf"), settings, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot configure " + data, e);
    }
  }

  private void startOnFreshPort() {
    IllegalStateException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      port = ProcessSupport.freePort();
      try {
        running = true;
        pgCtl("-l", serverLog.toString(), "-w", "-t", "30", "-o", "-p " + port, "start");
        return;
      } catch (IllegalStateException e) {
        // Most likely the port was taken meanwhile; make sure nothing is left, then retry.
        stop();
        last =
            new IllegalStateException(
                e.getMessage() + ProcessSupport.tail(serverLog), e.getCause());
      }
    }
    throw last;
  }

  private void createDatabase() {
    List<String> createdb =
        List.of(
            bin.resolve("createdb").toString(),
            "-h",
            "127.0.0.1",
            "-p",
            Integer.toString(port),
            "-U",
            USER,
            DATABASE);
    ProcessSupport.run(createdb, dir, setupLog, COMMAND_TIMEOUT);
  }

  private void pgCtl(String... args) {
    List<String> command = new ArrayList<>(asPostgres);
    command.add(bin.resolve("pg_ctl").toString());
    command.add("-D");
    command.add(data.toString());
    command.addAll(List.of(args));
    ProcessSupport.run(command, dir, setupLog, COMMAND_TIMEOUT);
  }

  private static void chownToPostgres(Path path) {
    try {
      UserPrincipalLookupService users = path.getFileSystem().getUserPrincipalLookupService();
      var owner = users.lookupPrincipalByName(USER);
      var group = users.lookupPrincipalByGroupName(USER);
      try (Stream<Path> files = Files.walk(path)) {
        for (Path file : (Iterable<Path>) files::iterator) {
          Files.setOwner(file, owner);
          Files.getFileAttributeView(file, PosixFileAttributeView.class).setGroup(group);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot hand " + path + " to user " + USER + " (does the user exist?)", e);
    }
  }

  private static Path findBinDir() {
    String override = System.getenv("BELLHOP_PG_BIN");
    if (override != null && !override.isBlank()) {
      return Path.of(override);
    }
    try {
      // Resolve symlinks: Debian keeps createdb etc. next to the real pg_ctl only.
      return ProcessSupport.findBinary("pg_ctl").toRealPath().getParent();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot resolve pg_ctl", e);
    } catch (IllegalStateException notOnPath) {
      Path versions = Path.of("/usr/lib/postgresql");
      if (Files.isDirectory(versions)) {
        try (Stream<Path> dirs = Files.list(versions)) {
          var found =
              dirs.map(v -> v.resolve("bin"))
                  .filter(b -> Files.isExecutable(b.resolve("pg_ctl")))
                  .max(Comparator.comparingInt(PostgresTestServer::majorVersion));
          if (found.isPresent()) {
            return found.get();
          }
        } catch (IOException e) {
          // Fall through to the error below.
        }
      }
      throw new IllegalStateException(
          "Cannot find PostgreSQL's pg_ctl on PATH, in /usr/lib/postgresql/*/bin or in"
              + " $BELLHOP_PG_BIN"
              + ProcessSupport.DEPS_HINT);
    }
  }

  private static int majorVersion(Path binDir) {
    try {
      return Integer.parseInt(binDir.getParent().getFileName().toString());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
