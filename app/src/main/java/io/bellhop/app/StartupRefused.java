package io.bellhop.app;

/**
 * A start-up check failed on something the operator must fix (a missing secret, say). {@link
 * Application} prints the message as one line and exits with status 1; the stack trace and the
 * framework's wrapping exceptions would only bury it.
 */
final class StartupRefused extends RuntimeException {
  StartupRefused(String whatIsWrongAndWhatToDo) {
    super(whatIsWrongAndWhatToDo, null, false, false);
  }
}
