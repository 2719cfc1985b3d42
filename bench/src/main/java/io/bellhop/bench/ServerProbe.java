package io.bellhop.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Samples a process from /proc every 500 ms — VmRSS, open file descriptors, CPU ticks — and keeps,
 * per phase of the current attack, the peak RSS, the last RSS, the peak fd count and the CPU used
 * (in % of one core). Used for the server ({@code --server-pid}) and for the suite itself, whose
 * CPU competes with the server's on a shared box. A process that disappears is reported as gone.
 */
final class ServerProbe implements AutoCloseable {
  private static final long HZ = 100; // USER_HZ on Linux

  private final long pid;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(Victims.named("probe-proc"));
  private final long[] rssPeakKb;
  private final long[] rssLastKb;
  private final long[] fdPeak;
  private final long[] ticksStart;
  private final long[] ticksEnd;
  private final long[] nanosStart;
  private final long[] nanosEnd;
  private volatile int phase = -1;
  private volatile boolean gone;
  private volatile long goneAtPhase = -1;

  ServerProbe(long pid, int phases) {
    this.pid = pid;
    rssPeakKb = new long[phases];
    rssLastKb = new long[phases];
    fdPeak = new long[phases];
    ticksStart = new long[phases];
    ticksEnd = new long[phases];
    nanosStart = new long[phases];
    nanosEnd = new long[phases];
    timer.scheduleAtFixedRate(this::sample, 0, 500, TimeUnit.MILLISECONDS);
  }

  static long self() {
    return ProcessHandle.current().pid();
  }

  boolean alive() {
    return !gone && Files.exists(Path.of("/proc/" + pid + "/status"));
  }

  synchronized void phase(int p) {
    sampleLocked();
    phase = p;
    long t = ticks();
    ticksStart[p] = t;
    ticksEnd[p] = t;
    nanosStart[p] = System.nanoTime();
    nanosEnd[p] = nanosStart[p];
    sampleLocked();
  }

  private synchronized void sample() {
    sampleLocked();
  }

  private void sampleLocked() {
    int p = phase;
    if (p < 0 || gone) {
      return;
    }
    long rss = rssKb();
    if (rss < 0) {
      gone = true;
      goneAtPhase = p;
      return;
    }
    rssPeakKb[p] = Math.max(rssPeakKb[p], rss);
    rssLastKb[p] = rss;
    fdPeak[p] = Math.max(fdPeak[p], fds());
    long t = ticks();
    if (t >= 0) {
      ticksEnd[p] = t;
      nanosEnd[p] = System.nanoTime();
    }
  }

  private long rssKb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
      return 0; // a zombie has no VmRSS
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private long fds() {
    try (Stream<Path> s = Files.list(Path.of("/proc/" + pid + "/fd"))) {
      return s.count();
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  private long ticks() {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ", -1);
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** Figures per phase name. */
  synchronized Map<String, Object> results(List<String> names) {
    sampleLocked();
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("pid", pid);
    r.put("gone", gone);
    if (gone) {
      r.put("goneInPhase", names.get((int) goneAtPhase));
    }
    for (int p = 0; p < names.size(); p++) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("rssPeakMb", rssPeakKb[p] / 1024.0);
      m.put("rssEndMb", rssLastKb[p] / 1024.0);
      m.put("fdPeak", fdPeak[p]);
      double secs = (nanosEnd[p] - nanosStart[p]) / 1e9;
      m.put("cpuPct", secs > 0 ? (ticksEnd[p] - ticksStart[p]) * 100.0 / HZ / secs : 0.0);
      r.put(names.get(p), m);
    }
    return r;
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
