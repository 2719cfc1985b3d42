package io.bellhop.platform;

/**
 * Which close codes each module may declare (docs/protocol.md, "Close code ranges"). The shared
 * codes in {@link CloseCode} keep the kernel's blocks; every other block of 100 in 4100–4399 and
 * 4600–4999 belongs to at most one module, named by its package ({@code io.bellhop.uploads} is
 * {@code uploads}). Blocks are allocated here, before a module is written, so two modules in
 * progress never pick the same numbers. Free for the next modules: 4100, 4200, 4300, 4900.
 */
public enum CloseCodeRange {
  /** RFC 6455's own codes, only ever sent with their RFC meaning. */
  PLATFORM_RFC6455("platform", 1000, 2999),
  PLATFORM("platform", 4000, 4099),
  /** Shared codes that echo an HTTP status: 4400 bad request, 4408 timeout, 4429 too many… */
  PLATFORM_HTTP_LIKE("platform", 4400, 4599),
  EVENTS("events", 4600, 4699),
  UPLOADS("uploads", 4700, 4799),
  COLLABORATION("collaboration", 4800, 4899);

  private final String module;
  private final int first;
  private final int last;

  CloseCodeRange(String module, int first, int last) {
    this.module = module;
    this.first = first;
    this.last = last;
  }

  /** The module that may declare codes in this block: the package under {@code io.bellhop.}. */
  public String module() {
    return module;
  }

  public int first() {
    return first;
  }

  public int last() {
    return last;
  }

  public boolean contains(int code) {
    return code >= first && code <= last;
  }

  /** Whether {@code code} lies in a block that is, or will be, a module's (not the kernel's). */
  public static boolean isModuleCode(int code) {
    return (code >= 4100 && code <= 4399) || (code >= 4600 && code <= 4999);
  }

  /**
   * In a module's block the number says whether to reconnect: {@code xx00–xx49} retry, {@code
   * xx50–xx99} are terminal. A client that meets a module code it does not know yet (an older
   * build) still decides right. The kernel's codes predate the rule; their table says.
   */
  public static boolean retryableByNumber(int code) {
    if (!isModuleCode(code)) {
      throw new IllegalArgumentException(code + " is not in a module's block");
    }
    return code % 100 < 50;
  }
}
