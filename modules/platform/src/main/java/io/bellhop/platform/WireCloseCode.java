package io.bellhop.platform;

/**
 * A WebSocket close code Bellhop may send. {@link CloseCode} holds the shared ones, which every
 * socket may send; a module with a socket of its own declares its other codes in an enum in its own
 * package that implements this interface, with numbers from the block {@link CloseCodeRange}
 * allocates to it. A test in {@code app} finds every such enum on the classpath and fails on a code
 * outside its module's block, a number or name used twice, or a code missing from {@code
 * docs/codes.json}, which the browser client's table is checked against.
 */
public interface WireCloseCode {
  /** The number in the close frame. */
  int code();

  /** The constant's name, as in docs and in the browser client's table. */
  String name();

  /**
   * Whether a client should reconnect (with backoff) after this close; terminal otherwise. In a
   * module's block it follows the number (see {@link CloseCodeRange#retryableByNumber(int)}).
   */
  boolean retryable();

  String description();
}
