package io.bellhop.uploads.inspect;

import io.bellhop.uploads.DocumentType;
import io.bellhop.uploads.UploadError;
import io.bellhop.uploads.UploadException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.TreeSet;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.mime.MediaType;
import org.apache.tika.mime.MimeTypes;

/**
 * The content type of a file's first bytes, by Tika's magic signatures alone (tika-core): never by
 * the client's filename or declared type.
 */
final class TypeSniffer {
  private static final MimeTypes TYPES = MimeTypes.getDefaultMimeTypes();

  private TypeSniffer() {}

  /** What Tika makes of {@code head[0..length)}. */
  static MediaType detect(byte[] head, int length) {
    try {
      return TYPES.detect(new ByteArrayInputStream(head, 0, length), new Metadata());
    } catch (IOException e) {
      throw new UncheckedIOException("reading a byte array cannot fail", e);
    }
  }

  /**
   * The format of a file starting with {@code head[0..length)}, if {@code type} accepts it.
   *
   * @throws UploadException {@link UploadError#UNSUPPORTED_TYPE} naming what the bytes are
   */
  static Format accepted(DocumentType type, byte[] head, int length) throws UploadException {
    MediaType detected = detect(head, length);
    Format format = Format.of(detected);
    if (format == null || !type.accepts(format.mimetype())) {
      String what =
          format != null
              ? format.mimetype()
              : detected.equals(MediaType.OCTET_STREAM)
                  ? "of no recognised type"
                  : detected.getBaseType().toString();
      throw new UploadException(
          UploadError.UNSUPPORTED_TYPE,
          "the file's bytes are "
              + what
              + ", which "
              + type.wireName()
              + " does not accept (it takes "
              + String.join(", ", new TreeSet<>(type.mimetypes()))
              + "); the upload was discarded");
    }
    return format;
  }
}
