package io.bellhop.uploads.documents;

import io.bellhop.uploads.DocumentType;
import io.bellhop.uploads.store.UploadStore;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one claimed document: its bytes from the {@link UploadStore} into a private temporary file,
 * the {@link DocumentReader} of its type, then the result and its event through {@link
 * DocumentJobs#finish}. Logs say which file, type, outcome and time; never a value read.
 */
@Singleton
final class DocumentWorker {
  private static final Logger LOG = LoggerFactory.getLogger(DocumentWorker.class);

  private final DocumentJobs jobs;
  private final UploadStore store;
  private final OcrConfig config;
  private final Map<DocumentType, DocumentReader> readers = new EnumMap<>(DocumentType.class);

  DocumentWorker(
      DocumentJobs jobs, UploadStore store, OcrConfig config, List<DocumentReader> readers) {
    this.jobs = jobs;
    this.store = store;
    this.config = config;
    for (DocumentReader reader : readers) {
      for (DocumentType type : reader.types()) {
        DocumentReader before = this.readers.put(type, reader);
        if (before != null) {
          throw new IllegalStateException(
              "two readers for " + type.wireName() + ": " + before + " and " + reader);
        }
      }
    }
  }

  /** Reads the claimed document and stores the outcome; returns it, or null when postponed. */
  Reading process(DocumentJobs.Claim claim) throws InterruptedException {
    DocumentRow row = claim.row();
    long started = System.nanoTime();
    Reading reading = read(claim);
    if (reading == null) {
      return null;
    }
    boolean stored = jobs.finish(claim, reading);
    LOG.info(
        "uploads.ocr file={} type={} attempt={} status={} pages={} ms={}{}",
        row.fileId(),
        row.documentType(),
        claim.attempt(),
        reading.status().wireName(),
        reading.pages(),
        (System.nanoTime() - started) / 1_000_000,
        stored ? "" : " (claimed again meanwhile: not stored)");
    return reading;
  }

  private Reading read(DocumentJobs.Claim claim) throws InterruptedException {
    DocumentRow row = claim.row();
    DocumentType type = DocumentType.fromWire(row.documentType()).orElse(null);
    DocumentReader reader = type == null ? null : readers.get(type);
    if (reader == null) {
      return Reading.skipped("no reader for " + row.documentType() + " documents yet");
    }
    Instant deadline = Instant.now().plus(config.getDocumentTimeout());
    Path file = null;
    try {
      file = Files.createTempFile("bellhop-document-", ".bin");
      try (InputStream in = store.openComplete(row.fileId())) {
        Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
      }
      return reader.read(file, type, deadline);
    } catch (NoSuchFileException e) {
      return Reading.failed("the file is no longer stored", 0);
    } catch (IOException e) {
      String reason = "reading the stored file failed: " + e.getClass().getSimpleName();
      LOG.warn("uploads.ocr file={} postponed: {}", row.fileId(), e.toString());
      jobs.retryLater(claim, reason);
      return null;
    } catch (RuntimeException e) {
      // The message could quote the document; the class is enough to find the bug.
      LOG.error("uploads.ocr file={} reader failed with {}", row.fileId(), e.getClass().getName());
      return Reading.failed("the document could not be read (internal error)", 0);
    } finally {
      if (file != null) {
        try {
          Files.deleteIfExists(file);
        } catch (IOException ignored) {
          // a temporary file left behind is harmless
        }
      }
    }
  }
}
