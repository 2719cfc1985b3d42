package io.bellhop.platform;

/** A token was missing, malformed, forged, expired, or lacked a required claim. */
public final class AuthenticationFailed extends RuntimeException {
  public AuthenticationFailed(String message) {
    super(message, null, false, false);
  }
}
