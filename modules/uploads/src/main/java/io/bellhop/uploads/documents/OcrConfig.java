package io.bellhop.uploads.documents;

import io.micronaut.context.annotation.ConfigurationProperties;
import java.time.Duration;

/** {@code bellhop.uploads.ocr.*}: the OCR worker pool of this node. */
@ConfigurationProperties("bellhop.uploads.ocr")
public class OcrConfig {
  /** Whether this node runs OCR workers at all; jobs are still recorded when it does not. */
  private boolean enabled = true;

  /**
   * Documents read at once on this node, each one single-threaded tesseract process: one core fewer
   * than the machine has (at least one), so the event loops keep a core (decision 128).
   */
  private int workers = Math.max(1, Runtime.getRuntime().availableProcessors() - 1);

  /** The most one document may take, every page included; past it the document fails. */
  private Duration documentTimeout = Duration.ofSeconds(60);

  /** Pages of a PDF that are read; the rest are ignored. */
  private int maxPages = 3;

  /** Resolution PDF pages are rasterised at for tesseract. */
  private int pdfDpi = 300;

  /** Claims of one job (a node dying or storage failing each cost one) before it fails. */
  private int maxAttempts = 3;

  /**
   * Added to {@link #documentTimeout} to make a claim's lease: a job is only taken from a node once
   * it cannot still be working on it.
   */
  private Duration leaseGrace = Duration.ofSeconds(30);

  /** How often an idle node looks for jobs other nodes recorded (its own wake it at once). */
  private Duration pollInterval = Duration.ofSeconds(2);

  /** How long a job waits after the storage failed to give its bytes. */
  private Duration retryDelay = Duration.ofSeconds(30);

  private String tesseract = "tesseract";
  private String pdftoppm = "pdftoppm";

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public int getWorkers() {
    return workers;
  }

  public void setWorkers(int workers) {
    this.workers = workers;
  }

  public Duration getDocumentTimeout() {
    return documentTimeout;
  }

  public void setDocumentTimeout(Duration documentTimeout) {
    this.documentTimeout = documentTimeout;
  }

  public int getMaxPages() {
    return maxPages;
  }

  public void setMaxPages(int maxPages) {
    this.maxPages = maxPages;
  }

  public int getPdfDpi() {
    return pdfDpi;
  }

  public void setPdfDpi(int pdfDpi) {
    this.pdfDpi = pdfDpi;
  }

  public int getMaxAttempts() {
    return maxAttempts;
  }

  public void setMaxAttempts(int maxAttempts) {
    this.maxAttempts = maxAttempts;
  }

  public Duration getLeaseGrace() {
    return leaseGrace;
  }

  public void setLeaseGrace(Duration leaseGrace) {
    this.leaseGrace = leaseGrace;
  }

  public Duration getPollInterval() {
    return pollInterval;
  }

  public void setPollInterval(Duration pollInterval) {
    this.pollInterval = pollInterval;
  }

  public Duration getRetryDelay() {
    return retryDelay;
  }

  public void setRetryDelay(Duration retryDelay) {
    this.retryDelay = retryDelay;
  }

  public String getTesseract() {
    return tesseract;
  }

  public void setTesseract(String tesseract) {
    this.tesseract = tesseract;
  }

  public String getPdftoppm() {
    return pdftoppm;
  }

  public void setPdftoppm(String pdftoppm) {
    this.pdftoppm = pdftoppm;
  }

  /** How long a claim keeps a job from other nodes. */
  Duration lease() {
    return documentTimeout.plus(leaseGrace);
  }
}
