package io.bellhop.events.log;

/** The event log could not be reached; the operation may be retried. */
public final class LogUnavailableException extends RuntimeException {
  public LogUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
