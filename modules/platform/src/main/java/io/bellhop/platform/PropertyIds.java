package io.bellhop.platform;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * Property ids arrive as JSON numbers or strings ({@code 123} or {@code "123"}); Bellhop compares
 * them as strings, and every one follows the {@link Ids} grammar.
 */
public final class PropertyIds {
  private static final BigInteger MIN = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger MAX = BigInteger.valueOf(Long.MAX_VALUE);

  private PropertyIds() {}

  /**
   * The canonical string form: an integral number in the signed 64-bit range without a fraction, a
   * string as it is. Refuses ({@link IllegalArgumentException}) a number with a fraction or out of
   * range ({@code 18446744073709551617} is not silently property 1, {@code 1e30} is not clamped)
   * and anything outside the {@link Ids} grammar.
   */
  public static String normalize(Object id) {
    String text;
    if (id instanceof Number n) {
      text = integral(n);
    } else {
      text = String.valueOf(id);
    }
    return Ids.require("propertyId", text);
  }

  private static String integral(Number n) {
    if (n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte) {
      return Long.toString(n.longValue());
    }
    BigInteger value;
    try {
      value =
          n instanceof BigInteger big
              ? big
              : (n instanceof BigDecimal dec ? dec : new BigDecimal(n.toString()))
                  .toBigIntegerExact();
    } catch (ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException("propertyId must be an integer or a string");
    }
    if (value.compareTo(MIN) < 0 || value.compareTo(MAX) > 0) {
      throw new IllegalArgumentException("propertyId is out of the 64-bit integer range");
    }
    return value.toString();
  }
}
