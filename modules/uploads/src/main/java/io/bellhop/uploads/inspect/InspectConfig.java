package io.bellhop.uploads.inspect;

import io.micronaut.context.annotation.ConfigurationProperties;

/** {@code bellhop.uploads.inspect.*}: how much of an upload is looked at, and the bounds on it. */
@ConfigurationProperties("bellhop.uploads.inspect")
public class InspectConfig {
  /**
   * The first bytes the content type is sniffed from, before they are stored. Every signature of an
   * accepted type lies in the first 4 KiB (the XLS one is the farthest, at 1152–4096).
   */
  private int sniffBytes = 8 * 1024;

  /** Most entries an XLSX (a ZIP) may hold; a real workbook has a few dozen. */
  private int zipMaxEntries = 1000;

  /**
   * Most bytes the entries of an XLSX may inflate to, all together: also the bound on the CPU one
   * completion spends (the first sheet is parsed as XML at some 40 MiB/s, the rest only inflated).
   */
  private long zipMaxUncompressedBytes = 256L * 1024 * 1024;

  /** Most an XLSX entry may inflate to per compressed byte, once past {@link #ZIP_RATIO_GRACE}. */
  private int zipMaxRatio = 100;

  /** Most characters in one CSV record (a quoted field may span lines). */
  private int csvMaxRecordChars = 64 * 1024;

  /** Entries under this many inflated bytes are never refused for their ratio (tiny files). */
  static final long ZIP_RATIO_GRACE = 1024 * 1024;

  public int getSniffBytes() {
    return sniffBytes;
  }

  public void setSniffBytes(int sniffBytes) {
    this.sniffBytes = sniffBytes;
  }

  public int getZipMaxEntries() {
    return zipMaxEntries;
  }

  public void setZipMaxEntries(int zipMaxEntries) {
    this.zipMaxEntries = zipMaxEntries;
  }

  public long getZipMaxUncompressedBytes() {
    return zipMaxUncompressedBytes;
  }

  public void setZipMaxUncompressedBytes(long zipMaxUncompressedBytes) {
    this.zipMaxUncompressedBytes = zipMaxUncompressedBytes;
  }

  public int getZipMaxRatio() {
    return zipMaxRatio;
  }

  public void setZipMaxRatio(int zipMaxRatio) {
    this.zipMaxRatio = zipMaxRatio;
  }

  public int getCsvMaxRecordChars() {
    return csvMaxRecordChars;
  }

  public void setCsvMaxRecordChars(int csvMaxRecordChars) {
    this.csvMaxRecordChars = csvMaxRecordChars;
  }
}
