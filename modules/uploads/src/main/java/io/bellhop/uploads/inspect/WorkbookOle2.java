package io.bellhop.uploads.inspect;

import io.bellhop.uploads.UploadError;
import io.bellhop.uploads.UploadException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Checks that an OLE2 compound file (MS-CFB) is an Excel 97–2003 workbook: a sound header, a root
 * directory entry where the header points, and a stream entry named {@code Workbook} (BIFF8) or
 * {@code Book} (BIFF5). Streamed in one pass, nothing kept: every directory entry starts at a
 * multiple of 128 bytes from the directory's first sector on, so those 128-byte records are looked
 * at. A match inside data rather than the directory would be a file built to look like a workbook,
 * which is no more dangerous than the real thing: nothing here opens it.
 */
final class WorkbookOle2 {
  private static final byte[] SIGNATURE = {
    (byte) 0xD0, (byte) 0xCF, 0x11, (byte) 0xE0, (byte) 0xA1, (byte) 0xB1, 0x1A, (byte) 0xE1
  };
  private static final int HEADER = 512;
  private static final int ENTRY = 128;
  private static final int STORAGE_ROOT = 5;
  private static final int STREAM = 2;

  private WorkbookOle2() {}

  /**
   * @throws UploadException {@code UNSUPPORTED_TYPE}: not a compound file, or no workbook in it
   */
  static void check(InputStream in, long size) throws UploadException, IOException {
    byte[] header = in.readNBytes(HEADER);
    ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
    if (header.length < HEADER || !h.slice(0, 8).equals(ByteBuffer.wrap(SIGNATURE))) {
      throw refused("it has no compound file header");
    }
    int major = h.getShort(26) & 0xFFFF;
    int shift = h.getShort(30) & 0xFFFF;
    if (h.getShort(28) != (short) 0xFFFE
        || !((major == 3 && shift == 9) || (major == 4 && shift == 12))) {
      throw refused("its compound file header is not version 3 or 4");
    }
    long sectorSize = 1L << shift;
    long directory = ((h.getInt(48) & 0xFFFFFFFFL) + 1) * sectorSize;
    if (directory + ENTRY > size) {
      throw refused("its directory lies past the end of the file");
    }
    in.skipNBytes(directory - HEADER);
    byte[] entry = new byte[ENTRY];
    if (in.readNBytes(entry, 0, ENTRY) < ENTRY || !isEntry(entry, "Root Entry", STORAGE_ROOT)) {
      throw refused("its directory does not start with the root entry");
    }
    while (in.readNBytes(entry, 0, ENTRY) == ENTRY) {
      if (isEntry(entry, "Workbook", STREAM) || isEntry(entry, "Book", STREAM)) {
        return;
      }
    }
    throw refused("it is a compound file without a Workbook stream (not an Excel workbook)");
  }

  /** Whether {@code e} is a directory entry of {@code type} named {@code name}, any case. */
  private static boolean isEntry(byte[] e, String name, int type) {
    ByteBuffer b = ByteBuffer.wrap(e).order(ByteOrder.LITTLE_ENDIAN);
    int nameBytes = b.getShort(64) & 0xFFFF;
    if (e[66] != type || nameBytes != (name.length() + 1) * 2) {
      return false;
    }
    String stored = new String(e, 0, name.length() * 2, StandardCharsets.UTF_16LE);
    return stored.toUpperCase(Locale.ROOT).equals(name.toUpperCase(Locale.ROOT));
  }

  private static UploadException refused(String why) {
    return new UploadException(
        UploadError.UNSUPPORTED_TYPE,
        "the file is not an acceptable XLS: " + why + "; the upload was discarded");
  }
}
