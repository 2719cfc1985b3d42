package io.bellhop.platform;

import java.util.regex.Pattern;

/**
 * The one grammar for ids that can reach a NATS subject, a key, a path or a log line: {@code
 * orgId}, {@code sub}, property ids, and later room and upload ids. Letters, digits, {@code _} and
 * {@code -}, 1 to {@value #MAX_LENGTH} characters: no dots or wildcards (subject tokens), no
 * slashes (paths), no spaces, quotes or line breaks (log lines). Tokens, the publish API and the
 * dev token helper all check against it.
 */
public final class Ids {
  public static final int MAX_LENGTH = 64;

  /** The grammar as a regular expression, for error messages and docs. */
  public static final String GRAMMAR = "[A-Za-z0-9_-]{1," + MAX_LENGTH + "}";

  private static final Pattern PATTERN = Pattern.compile(GRAMMAR);

  private Ids() {}

  public static boolean isValid(String id) {
    return id != null && PATTERN.matcher(id).matches();
  }

  /**
   * Returns {@code id} when it follows the grammar; otherwise throws, naming the field (never
   * echoing the value, which may be hostile).
   */
  public static String require(String field, String id) {
    if (!isValid(id)) {
      throw new IllegalArgumentException(field + " must match " + GRAMMAR);
    }
    return id;
  }
}
