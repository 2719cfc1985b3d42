package io.bellhop.platform;

/**
 * Property ids arrive as JSON numbers or strings ({@code 123} or {@code "123"}); Bellhop compares
 * them as strings.
 */
public final class PropertyIds {
  private PropertyIds() {}

  /** The canonical string form: integral numbers without a fraction, anything else as text. */
  public static String normalize(Object id) {
    if (id instanceof Number n) {
      double d = n.doubleValue();
      if (d == Math.rint(d) && !Double.isInfinite(d)) {
        return Long.toString(n.longValue());
      }
    }
    return String.valueOf(id);
  }
}
