package io.bellhop.uploads.documents;

import java.util.Locale;

/** Where a document's OCR stands. Wire names are lower case ({@code pending}, {@code done}, …). */
public enum OcrStatus {
  /** Waiting for a worker. */
  PENDING,
  /** A worker on some node holds it until its lease ends. */
  RUNNING,
  /** Read; the fields are stored (each, and the document, may still need review). */
  DONE,
  /** Could not be read: the reason is in {@code error}. Not retried. */
  FAILED,
  /** Not read, by design: no reader for this document type (yet). */
  SKIPPED;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  boolean finished() {
    return this == DONE || this == FAILED || this == SKIPPED;
  }
}
