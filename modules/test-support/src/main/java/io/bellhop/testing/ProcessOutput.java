package io.bellhop.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A child process's output, read as it comes, for tests that start one (a Bellhop node, a relay): a
 * test waits for a line instead of polling, and a failure shows what the process said.
 */
public final class ProcessOutput {

  // Appended by the reader thread, read by the test's: StringBuffer's locking is needed here.
  @SuppressWarnings("JdkObsolete")
  private final StringBuffer text = new StringBuffer();

  private final List<Map.Entry<String, CompletableFuture<Void>>> waiters = new ArrayList<>();

  /** Starts reading {@code process}'s output (stdout, with stderr if redirected into it). */
  public ProcessOutput(Process process) {
    var reader =
        new Thread(
            () -> {
              try (var lines =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                  text.append(line).append('\n');
                  synchronized (waiters) {
                    for (var w : waiters) {
                      if (line.contains(w.getKey())) {
                        w.getValue().complete(null);
                      }
                    }
                  }
                }
              } catch (IOException ended) {
                // the process is gone
              }
            },
            "process-output-" + process.pid());
    reader.setDaemon(true);
    reader.start();
  }

  /** Everything the process wrote so far. */
  public String text() {
    return text.toString();
  }

  /** Returns once a line containing {@code fragment} was written; fails after {@code timeout}. */
  public void await(String fragment, Duration timeout) throws Exception {
    var seen = new CompletableFuture<Void>();
    synchronized (waiters) {
      if (text.indexOf(fragment) >= 0) {
        return;
      }
      waiters.add(Map.entry(fragment, seen));
    }
    try {
      seen.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("no \"" + fragment + "\" within " + timeout + ":\n" + text);
    }
  }
}
