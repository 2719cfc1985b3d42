package io.bellhop.uploads.tus;

import io.bellhop.uploads.DeclaredUpload;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.regex.Pattern;

/**
 * {@code Upload-Metadata}: comma-separated {@code key base64(value)} pairs. Bellhop reads {@code
 * filename}, {@code filetype}, {@code documentType}, {@code guestId}, {@code propertyId} (required)
 * and {@code sha256} (optional, 64 hex digits: the whole file's); other keys (Uppy sends {@code
 * name}, {@code type}, ...) are ignored and not kept.
 */
final class TusMetadata {
  static final String FILENAME = "filename";
  static final String FILETYPE = "filetype";
  static final String DOCUMENT_TYPE = "documentType";
  static final String GUEST_ID = "guestId";
  static final String PROPERTY_ID = "propertyId";
  static final String SHA256 = "sha256";

  /** The spec's key: ASCII, no spaces or commas. */
  private static final Pattern KEY = Pattern.compile("[\\x21-\\x2b\\x2d-\\x7e]+");

  /** Longer headers are refused before parsing; 255-character names fit many times over. */
  private static final int MAX_HEADER_LENGTH = 8 * 1024;

  private TusMetadata() {}

  /** Thrown with a message safe to show: it names keys, never echoes values. */
  static final class BadMetadata extends Exception {
    private static final long serialVersionUID = 1L;

    BadMetadata(String message) {
      super(message, null, false, false);
    }
  }

  /** The declaration of a new upload of {@code size} bytes from its {@code Upload-Metadata}. */
  static DeclaredUpload declared(String header, long size) throws BadMetadata {
    Map<String, String> pairs = parse(header);
    return new DeclaredUpload(
        required(pairs, FILENAME),
        size,
        required(pairs, FILETYPE),
        required(pairs, DOCUMENT_TYPE),
        required(pairs, GUEST_ID),
        required(pairs, PROPERTY_ID),
        pairs.get(SHA256));
  }

  /** {@code declared} as an {@code Upload-Metadata} value, for HEAD. */
  static String encode(DeclaredUpload declared) {
    var out = new StringJoiner(",");
    Base64.Encoder base64 = Base64.getEncoder();
    var pairs = new LinkedHashMap<String, String>();
    pairs.put(FILENAME, declared.filename());
    pairs.put(FILETYPE, declared.mimetype());
    pairs.put(DOCUMENT_TYPE, declared.documentType());
    pairs.put(GUEST_ID, declared.guestId());
    pairs.put(PROPERTY_ID, declared.propertyId());
    pairs.put(SHA256, declared.sha256());
    pairs.forEach(
        (key, value) -> {
          if (value != null) {
            out.add(key + " " + base64.encodeToString(value.getBytes(StandardCharsets.UTF_8)));
          }
        });
    return out.toString();
  }

  static Map<String, String> parse(String header) throws BadMetadata {
    var pairs = new LinkedHashMap<String, String>();
    if (header == null || header.isBlank()) {
      return pairs;
    }
    if (header.length() > MAX_HEADER_LENGTH) {
      throw new BadMetadata("Upload-Metadata is longer than " + MAX_HEADER_LENGTH + " characters");
    }
    for (String pair : header.split(",", -1)) {
      String[] parts = pair.trim().split(" ", -1);
      if (parts.length > 2 || !KEY.matcher(parts[0]).matches()) {
        throw new BadMetadata("Upload-Metadata must be comma-separated 'key base64value' pairs");
      }
      String key = parts[0];
      String value = parts.length == 2 ? decode(key, parts[1]) : "";
      if (pairs.put(key, value) != null) {
        throw new BadMetadata("Upload-Metadata has the key " + key + " twice");
      }
    }
    return pairs;
  }

  private static String decode(String key, String base64) throws BadMetadata {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(Base64.getDecoder().decode(base64)))
          .toString();
    } catch (IllegalArgumentException | CharacterCodingException e) {
      throw new BadMetadata("Upload-Metadata " + key + " is not base64 of UTF-8 text");
    }
  }

  private static String required(Map<String, String> pairs, String key) throws BadMetadata {
    String value = pairs.get(key);
    if (value == null || value.isEmpty()) {
      throw new BadMetadata(
          "Upload-Metadata needs "
              + key
              + " (filename, filetype, documentType, guestId and propertyId are required)");
    }
    return value;
  }
}
