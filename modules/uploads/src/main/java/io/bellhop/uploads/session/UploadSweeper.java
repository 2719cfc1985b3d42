package io.bellhop.uploads.session;

import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link UploadSessions#sweep} on every node every {@code bellhop.uploads.sweep-interval}: no
 * leader, because every step is conditional or idempotent (decision 94).
 */
@Singleton
class UploadSweeper {
  private static final Logger LOG = LoggerFactory.getLogger(UploadSweeper.class);
  private static final int BATCH = 100;

  private final UploadSessions sessions;

  UploadSweeper(UploadSessions sessions) {
    this.sessions = sessions;
  }

  @Scheduled(
      fixedDelay = "${bellhop.uploads.sweep-interval:5m}",
      initialDelay = "${bellhop.uploads.sweep-interval:5m}")
  void sweep() {
    try {
      int expired = sessions.sweep(sessions.now(), BATCH);
      if (expired > 0) {
        LOG.info("uploads.sweep expired={}", expired);
      }
    } catch (RuntimeException e) {
      LOG.warn("uploads.sweep failed, next round in the next interval: {}", e.toString());
    }
  }
}
