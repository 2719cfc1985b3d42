package io.bellhop.uploads.inspect;

import io.bellhop.uploads.UploadError;
import io.bellhop.uploads.UploadException;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashSet;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;

/**
 * Reads an XLSX as a stream of ZIP entries, inflating every byte (nothing is kept) under bounds:
 * entry count, total inflated bytes, and the inflated-to-compressed ratio of each entry, so a ZIP
 * bomb is stopped after at most the limit's worth of inflating. What it must find: {@code
 * [Content_Types].xml} and {@code xl/workbook.xml}, each entry name once (two entries of one name
 * are how a file shows one reader something else than another).
 */
final class WorkbookZip {
  private static final int MAX_NAME_CHARS = 512;

  private final int maxEntries;
  private final long maxUncompressed;
  private final int maxRatio;

  WorkbookZip(int maxEntries, long maxUncompressed, int maxRatio) {
    this.maxEntries = maxEntries;
    this.maxUncompressed = maxUncompressed;
    this.maxRatio = maxRatio;
  }

  WorkbookZip(InspectConfig config) {
    this(config.getZipMaxEntries(), config.getZipMaxUncompressedBytes(), config.getZipMaxRatio());
  }

  /**
   * @throws UploadException {@code UNSUPPORTED_TYPE}: over a bound, not a readable ZIP, or no
   *     workbook in it
   */
  void check(InputStream in) throws UploadException, IOException {
    var counted = new CountingInputStream(in);
    Set<String> names = new HashSet<>();
    byte[] scratch = new byte[16 * 1024];
    long total = 0;
    try (var zip = new ZipInputStream(counted)) {
      for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
        if (names.size() == maxEntries) {
          throw refused("it holds more than " + maxEntries + " entries");
        }
        String name = entry.getName();
        if (name.length() > MAX_NAME_CHARS || !names.add(name)) {
          throw refused("it holds an entry name twice or one longer than " + MAX_NAME_CHARS);
        }
        long compressedAtStart = counted.count;
        long inflated = 0;
        for (int n = zip.read(scratch); n >= 0; n = zip.read(scratch)) {
          inflated += n;
          total += n;
          if (total > maxUncompressed) {
            throw refused("its entries inflate to more than " + maxUncompressed + " bytes");
          }
          long compressed = Math.max(1, counted.count - compressedAtStart);
          if (inflated > InspectConfig.ZIP_RATIO_GRACE && inflated / compressed > maxRatio) {
            throw refused(
                "an entry inflates more than " + maxRatio + " times its size (a ZIP bomb)");
          }
        }
      }
    } catch (ZipException e) {
      throw refused("it is not a readable ZIP (" + e.getMessage() + ")");
    } catch (EOFException e) {
      throw refused("it is not a readable ZIP (it ends inside an entry)");
    }
    if (!names.contains("[Content_Types].xml") || !names.contains("xl/workbook.xml")) {
      throw refused("it is a ZIP without an Excel workbook (xl/workbook.xml) in it");
    }
  }

  private static UploadException refused(String why) {
    return new UploadException(
        UploadError.UNSUPPORTED_TYPE,
        "the file is not an acceptable XLSX: " + why + "; the upload was discarded");
  }

  /** Counts the compressed bytes the ZIP reader pulled (it reads ahead a little: the grace). */
  private static final class CountingInputStream extends FilterInputStream {
    long count;

    CountingInputStream(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count += n;
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped = super.skip(n);
      count += skipped;
      return skipped;
    }
  }
}
