package io.bellhop.uploads.documents;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's OCR workers: {@code workers} threads, and one dispatcher that claims only as many
 * jobs as there are free workers, so nothing queues on a node: jobs wait in PostgreSQL, where any
 * node can take them. The dispatcher wakes when a job is committed here or a worker frees up, and
 * otherwise every {@code poll-interval} to find other nodes' jobs and expired leases.
 */
@Context
@Requires(property = "bellhop.uploads.ocr.enabled", notEquals = "false")
final class OcrWorkerPool {
  private static final Logger LOG = LoggerFactory.getLogger(OcrWorkerPool.class);

  private final DocumentJobs jobs;
  private final DocumentWorker worker;
  private final OcrConfig config;
  private final JobSignal signal;
  private final Semaphore free;
  private final ExecutorService workers;
  private final Thread dispatcher;
  private volatile boolean running = true;

  OcrWorkerPool(DocumentJobs jobs, DocumentWorker worker, OcrConfig config, JobSignal signal) {
    if (config.getWorkers() < 1 || config.getMaxAttempts() < 1) {
      throw new IllegalArgumentException(
          "bellhop.uploads.ocr.workers and max-attempts must be at least 1");
    }
    this.jobs = jobs;
    this.worker = worker;
    this.config = config;
    this.signal = signal;
    this.free = new Semaphore(config.getWorkers());
    AtomicInteger n = new AtomicInteger();
    this.workers =
        Executors.newFixedThreadPool(
            config.getWorkers(),
            r -> {
              Thread t = new Thread(r, "ocr-worker-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.dispatcher = new Thread(this::dispatch, "ocr-dispatcher");
    this.dispatcher.setDaemon(true);
  }

  @PostConstruct
  void start() {
    dispatcher.start();
    LOG.info(
        "uploads.ocr workers={} document-timeout={} lease={}",
        config.getWorkers(),
        config.getDocumentTimeout(),
        config.lease());
  }

  /**
   * Stops claiming and interrupts the workers (their tesseract processes are killed). Jobs they
   * held stay claimed until their lease ends, then any node takes them again.
   */
  @PreDestroy
  void stop() throws InterruptedException {
    running = false;
    dispatcher.interrupt();
    workers.shutdownNow();
    dispatcher.join(TimeUnit.SECONDS.toMillis(5));
    workers.awaitTermination(5, TimeUnit.SECONDS);
  }

  private void dispatch() {
    while (running) {
      try {
        int claimed = 0;
        int available = free.availablePermits();
        if (available > 0) {
          List<DocumentJobs.Claim> claims = jobs.claim(available);
          claimed = claims.size();
          for (DocumentJobs.Claim claim : claims) {
            free.acquire();
            workers.execute(() -> run(claim));
          }
        }
        if (claimed == 0 || free.availablePermits() == 0) {
          signal.await(config.getPollInterval());
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        LOG.warn("uploads.ocr claiming failed, retrying: {}", e.toString());
        try {
          signal.await(config.getPollInterval());
        } catch (InterruptedException stop) {
          return;
        }
      }
    }
  }

  private void run(DocumentJobs.Claim claim) {
    try {
      worker.process(claim);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.warn(
          "uploads.ocr file={} not stored, its lease will expire: {}",
          claim.row().fileId(),
          e.toString());
    } finally {
      free.release();
      signal.wake();
    }
  }
}
