package io.bellhop.events.stream;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Runs the HTTP fallbacks' log reads (SSE pumps, long-poll attempts) on a shared pool with at most
 * {@code perOrg} tasks of one org running at once; the rest of that org's tasks wait in its own
 * queue. One org with thousands of fallback clients therefore occupies a bounded share of the pool
 * and never delays another org's reads by more than the tasks already running.
 */
public final class OrgLanes {
  private final Executor pool;
  private final int perOrg;
  private final Map<String, Lane> lanes = new ConcurrentHashMap<>();

  OrgLanes(Executor pool, int perOrg) {
    this.pool = pool;
    this.perOrg = Math.max(1, perOrg);
  }

  public void execute(String orgId, Runnable task) {
    while (true) {
      Lane lane = lanes.computeIfAbsent(orgId, Lane::new);
      if (lane.offer(task)) {
        return;
      }
      // The lane emptied and left the map between the lookup and the offer: take a fresh one.
    }
  }

  /** Tasks of {@code orgId} waiting for a turn (not counting the running ones). */
  int queued(String orgId) {
    Lane lane = lanes.get(orgId);
    if (lane == null) {
      return 0;
    }
    synchronized (lane) {
      return lane.waiting.size();
    }
  }

  private final class Lane {
    final String orgId;
    final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
    int running;
    boolean retired;

    Lane(String orgId) {
      this.orgId = orgId;
    }

    synchronized boolean offer(Runnable task) {
      if (retired) {
        return false;
      }
      if (running < perOrg) {
        running++;
        submit(task);
      } else {
        waiting.add(task);
      }
      return true;
    }

    private void submit(Runnable task) {
      try {
        pool.execute(() -> runThenNext(task));
      } catch (RejectedExecutionException shuttingDown) {
        running--;
      }
    }

    private void runThenNext(Runnable task) {
      try {
        task.run();
      } finally {
        synchronized (this) {
          Runnable next = waiting.poll();
          if (next != null) {
            submit(next);
          } else if (--running == 0) {
            retired = true;
            lanes.remove(orgId, this);
          }
        }
      }
    }
  }
}
