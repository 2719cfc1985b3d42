package io.bellhop.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Cleans up after JVMs that died without running their shutdown hook: every {@code bellhop-test-*}
 * temp dir whose owner JVM is gone has its server process (nats-server or postmaster, checked by
 * command name) stopped and is then deleted.
 */
final class StaleServerReaper {

  private static final Duration GRACE = Duration.ofMinutes(1);

  private StaleServerReaper() {}

  static void reap() {
    Set<Path> bases = new LinkedHashSet<>();
    bases.add(Path.of("/tmp"));
    bases.add(Path.of(System.getProperty("java.io.tmpdir", "/tmp")));
    for (Path base : bases) {
      if (!Files.isDirectory(base)) {
        continue;
      }
      try (Stream<Path> dirs = Files.list(base)) {
        dirs.filter(d -> d.getFileName().toString().startsWith(ProcessSupport.DIR_PREFIX))
            .filter(Files::isDirectory)
            .filter(StaleServerReaper::isStale)
            .forEach(StaleServerReaper::reapDir);
      } catch (IOException | RuntimeException e) {
        System.err.println("[bellhop-testing] could not scan " + base + " for stale servers: " + e);
      }
    }
  }

  private static boolean isStale(Path dir) {
    Optional<Long> owner = ProcessSupport.readPid(dir.resolve(ProcessSupport.OWNER_FILE));
    if (owner.isEmpty()) {
      // Possibly being created right now by another JVM: only reap when old.
      try {
        return Files.getLastModifiedTime(dir).toInstant().isBefore(Instant.now().minus(GRACE));
      } catch (IOException e) {
        return false;
      }
    }
    return owner.get() != ProcessHandle.current().pid()
        && ProcessHandle.of(owner.get()).map(ProcessSupport::gone).orElse(true);
  }

  private static void reapDir(Path dir) {
    killIfNamed(dir.resolve(NatsTestServer.PID_FILE), "nats-server");
    killIfNamed(dir.resolve("data").resolve("postmaster.pid"), "postgres");
    ProcessSupport.deleteTree(dir);
    System.err.println("[bellhop-testing] removed stale test server dir " + dir);
  }

  private static void killIfNamed(Path pidFile, String commandName) {
    ProcessSupport.readPid(pidFile)
        .flatMap(ProcessHandle::of)
        .filter(p -> p.info().command().map(c -> c.endsWith("/" + commandName)).orElse(false))
        .ifPresent(ProcessSupport::terminate);
  }
}
