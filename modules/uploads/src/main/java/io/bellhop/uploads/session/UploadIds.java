package io.bellhop.uploads.session;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Upload ids: {@code up_} and 128 random bits in URL-safe base64, 25 characters inside the id
 * grammar. Unguessable, because an upload id is all a resume names.
 */
final class UploadIds {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

  private UploadIds() {}

  static String next() {
    byte[] bits = new byte[16];
    RANDOM.nextBytes(bits);
    return "up_" + ENCODER.encodeToString(bits);
  }
}
