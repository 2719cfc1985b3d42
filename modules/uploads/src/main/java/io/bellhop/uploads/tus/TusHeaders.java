package io.bellhop.uploads.tus;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/** The tus 1.0.0 header names and values this front end speaks. */
final class TusHeaders {
  static final String TUS_RESUMABLE = "Tus-Resumable";
  static final String TUS_VERSION = "Tus-Version";
  static final String TUS_EXTENSION = "Tus-Extension";
  static final String TUS_MAX_SIZE = "Tus-Max-Size";
  static final String TUS_CHECKSUM_ALGORITHM = "Tus-Checksum-Algorithm";
  static final String UPLOAD_OFFSET = "Upload-Offset";
  static final String UPLOAD_LENGTH = "Upload-Length";
  static final String UPLOAD_DEFER_LENGTH = "Upload-Defer-Length";
  static final String UPLOAD_METADATA = "Upload-Metadata";
  static final String UPLOAD_EXPIRES = "Upload-Expires";
  static final String UPLOAD_CHECKSUM = "Upload-Checksum";

  static final String VERSION = "1.0.0";
  static final String EXTENSIONS = "creation,creation-with-upload,expiration,checksum,termination";
  static final String CHECKSUM_ALGORITHM = "sha256";
  static final String OFFSET_OCTET_STREAM = "application/offset+octet-stream";

  /** Not in {@code HttpStatus}: the tus checksum extension's own status. */
  static final int CHECKSUM_MISMATCH_STATUS = 460;

  /** Response headers a page of another origin must be able to read for a tus client to work. */
  static final List<String> EXPOSED =
      List.of(
          "Location",
          UPLOAD_OFFSET,
          UPLOAD_LENGTH,
          TUS_RESUMABLE,
          TUS_VERSION,
          TUS_EXTENSION,
          TUS_MAX_SIZE,
          TUS_CHECKSUM_ALGORITHM,
          UPLOAD_EXPIRES,
          UPLOAD_METADATA);

  /** RFC 9110 HTTP-date, always two-digit days, as {@code Upload-Expires} requires. */
  private static final DateTimeFormatter HTTP_DATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ENGLISH)
          .withZone(ZoneOffset.UTC);

  private TusHeaders() {}

  static String httpDate(Instant instant) {
    return HTTP_DATE.format(instant);
  }

  /**
   * A non-negative decimal header value, or -1 when absent; {@link NumberFormatException} when it
   * is anything else (signs, spaces, overflow).
   */
  static long nonNegative(String value) {
    if (value == null) {
      return -1;
    }
    if (value.isEmpty() || value.length() > 18 || !value.chars().allMatch(Character::isDigit)) {
      throw new NumberFormatException("not a non-negative integer");
    }
    return Long.parseLong(value);
  }
}
