package io.bellhop.uploads.inspect;

import io.bellhop.uploads.UploadError;
import io.bellhop.uploads.UploadException;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import javax.xml.stream.XMLStreamException;

/**
 * Reads an XLSX as a stream of ZIP entries, inflating every byte under bounds: entry count, total
 * inflated bytes, and the inflated-to-compressed ratio of each entry, so a ZIP bomb is stopped
 * after at most the limit's worth of inflating. What it must find: {@code [Content_Types].xml} and
 * {@code xl/workbook.xml}, each entry name once (two entries of one name are how a file shows one
 * reader something else than another). On the way it summarises the first sheet ({@code
 * xl/worksheets/sheet1.xml}) with {@link XlsxSheet}, reading through the same bounds.
 */
final class WorkbookZip {
  private static final int MAX_NAME_CHARS = 512;
  private static final String FIRST_SHEET = "xl/worksheets/sheet1.xml";
  private static final String SHARED_STRINGS = "xl/sharedStrings.xml";

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
   * Checks the XLSX in {@code in} and returns its first sheet's summary, or null when it has no
   * {@code sheet1.xml}.
   *
   * @throws UploadException {@code UNSUPPORTED_TYPE}: over a bound, not a readable ZIP, no workbook
   *     in it, or a sheet that is not XML
   */
  StatementSummary check(InputStream in) throws UploadException, IOException {
    var compressed = new Counting(in);
    Set<String> names = new HashSet<>();
    XlsxSheet sheet = null;
    List<String> shared = List.of();
    long[] total = {0};
    try (var zip = new ZipInputStream(compressed)) {
      for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
        if (names.size() == maxEntries) {
          throw refused("it holds more than " + maxEntries + " entries");
        }
        String name = entry.getName();
        if (name.length() > MAX_NAME_CHARS || !names.add(name)) {
          throw refused("it holds an entry name twice or one longer than " + MAX_NAME_CHARS);
        }
        var inflated = new Inflated(zip, compressed, total);
        if (name.equals(FIRST_SHEET)) {
          sheet = XlsxSheet.read(inflated);
        } else if (name.equals(SHARED_STRINGS)) {
          shared = XlsxSheet.sharedStrings(inflated);
        }
        inflated.drain();
      }
    } catch (ZipException e) {
      throw refused("it is not a readable ZIP (" + e.getMessage() + ")");
    } catch (EOFException e) {
      throw refused("it is not a readable ZIP (it ends inside an entry)");
    } catch (OverLimit e) {
      throw refused(e.getMessage());
    } catch (XMLStreamException e) {
      IOException reading = readingFailure(e);
      if (reading instanceof OverLimit over) {
        throw refused(over.getMessage());
      }
      if (reading != null
          && !(reading instanceof ZipException || reading instanceof EOFException)) {
        throw reading; // the store failed under the XML reader: not the file's fault
      }
      throw refused("its sheet is not well-formed XML");
    }
    if (!names.contains("[Content_Types].xml") || !names.contains("xl/workbook.xml")) {
      throw refused("it is a ZIP without an Excel workbook (xl/workbook.xml) in it");
    }
    return sheet == null ? null : sheet.summary(shared);
  }

  /** The I/O failure an XML reader wrapped, if that is why it stopped. */
  private static IOException readingFailure(XMLStreamException e) {
    for (Throwable t = e; t != null; ) {
      if (t instanceof IOException io) {
        return io;
      }
      Throwable next = t.getCause();
      if (next == null && t instanceof XMLStreamException x) {
        next = x.getNestedException();
      }
      t = next == t ? null : next;
    }
    return null;
  }

  private static UploadException refused(String why) {
    return new UploadException(
        UploadError.UNSUPPORTED_TYPE,
        "the file is not an acceptable XLSX: " + why + "; the upload was discarded");
  }

  /** A bound was passed while inflating; an IOException so it can cross an XML reader. */
  private static final class OverLimit extends IOException {
    private static final long serialVersionUID = 1L;

    OverLimit(String why) {
      super(why, null);
    }
  }

  /** One entry's inflated bytes, counted against the bounds as they are read. */
  private final class Inflated extends InputStream {
    private final ZipInputStream zip;
    private final Counting compressed;
    private final long compressedAtStart;
    private final long[] total;
    private long inflated;

    Inflated(ZipInputStream zip, Counting compressed, long[] total) {
      this.zip = zip;
      this.compressed = compressed;
      this.compressedAtStart = compressed.count;
      this.total = total;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = zip.read(b, off, len);
      if (n > 0) {
        inflated += n;
        total[0] += n;
        if (total[0] > maxUncompressed) {
          throw new OverLimit("its entries inflate to more than " + maxUncompressed + " bytes");
        }
        long read = Math.max(1, compressed.count - compressedAtStart);
        if (inflated > InspectConfig.ZIP_RATIO_GRACE && inflated / read > maxRatio) {
          throw new OverLimit(
              "an entry inflates more than " + maxRatio + " times its size (a ZIP bomb)");
        }
      }
      return n;
    }

    /** Inflates what the reader left, so every byte of every entry passes the bounds. */
    void drain() throws IOException {
      byte[] scratch = new byte[16 * 1024];
      while (read(scratch, 0, scratch.length) >= 0) {
        // counted in read
      }
    }

    @Override
    public void close() {
      // the ZIP stream stays open for the next entry
    }
  }

  /** Counts the compressed bytes the ZIP reader pulled (it reads ahead a little: the grace). */
  private static final class Counting extends FilterInputStream {
    long count;

    Counting(InputStream in) {
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
