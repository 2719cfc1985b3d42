package io.bellhop.uploads.documents;

import io.bellhop.uploads.DocumentType;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;

/**
 * Reads one kind of document into fields: the seam the OCR workers choose from by document type.
 * Declare an implementation as a bean and the workers use it for its {@link #types()}; a type no
 * reader claims ends {@code skipped} (statements, until their reader is wired).
 *
 * <p>A reader runs on a worker thread and may block. It must finish by {@code deadline} (or return
 * a failure saying it could not), must never log or return recognised text of an ID document, and
 * should not throw for a file it cannot read: that is a {@link Reading#failed} result, final.
 */
public interface DocumentReader {

  /** The document types this reader reads; no two readers may share one. */
  Set<DocumentType> types();

  /**
   * Reads the document in {@code file}.
   *
   * @param file the stored bytes, in a private temporary file
   * @param type the document type the uploader declared
   * @param deadline when the document's time is up
   * @throws IOException only for a failure worth retrying later (the job is postponed)
   * @throws InterruptedException when the worker is stopped; the job is left to its lease
   */
  Reading read(Path file, DocumentType type, Instant deadline)
      throws IOException, InterruptedException;
}
