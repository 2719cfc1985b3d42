package io.bellhop.uploads.inspect;

import java.util.Locale;
import java.util.Map;
import org.apache.tika.mime.MediaType;

/**
 * The formats an upload may be, each with the content type it is reported as. Tika's magic only
 * says "a ZIP", "an OLE2 container" or "text" for three of them; what is inside is checked when the
 * file is complete ({@link ContentInspector#inspect}).
 */
enum Format {
  JPEG("image/jpeg"),
  PNG("image/png"),
  WEBP("image/webp"),
  PDF("application/pdf"),
  /** Any ZIP: it must turn out to hold an Excel workbook. */
  XLSX("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
  /** Any OLE2 compound file: it must turn out to hold a {@code Workbook} stream. */
  XLS("application/vnd.ms-excel"),
  /** UTF-8 text with no other signature: it must parse as CSV. */
  CSV("text/csv");

  /**
   * Tika's names for each format. Exact names only: Tika files shell scripts under {@code
   * text/plain}, so a subtype of an accepted type is not accepted.
   */
  private static final Map<String, Format> DETECTED =
      Map.ofEntries(
          Map.entry("image/jpeg", JPEG),
          Map.entry("image/png", PNG),
          Map.entry("image/webp", WEBP),
          Map.entry("application/pdf", PDF),
          Map.entry("application/zip", XLSX),
          Map.entry("application/x-tika-ooxml", XLSX),
          Map.entry("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", XLSX),
          Map.entry("application/x-tika-msoffice", XLS),
          Map.entry("application/vnd.ms-excel", XLS),
          Map.entry("text/plain", CSV),
          Map.entry("text/csv", CSV));

  private final String mimetype;

  Format(String mimetype) {
    this.mimetype = mimetype;
  }

  String mimetype() {
    return mimetype;
  }

  /** The format Tika's {@code detected} type stands for, or null when it is none of ours. */
  static Format of(MediaType detected) {
    return DETECTED.get(detected.getBaseType().toString().toLowerCase(Locale.ROOT));
  }
}
