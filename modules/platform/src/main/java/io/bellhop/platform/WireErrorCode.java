package io.bellhop.platform;

/**
 * An error code in {@code {"type":"error","code":...}} frames and HTTP error bodies ({@link
 * ErrorBody}). {@link ErrorCode} holds the shared ones, which every module reuses (a module sends
 * {@link ErrorCode#FORBIDDEN}, it does not declare its own). A module declares its other codes in
 * an enum in its own package that implements this interface. Names are plain ({@code
 * SIZE_EXCEEDED}, no module prefix) and each belongs to exactly one module: a test in {@code app}
 * finds every such enum on the classpath and fails when two declare the same name.
 */
public interface WireErrorCode {
  /** The code on the wire: the constant's name. */
  String name();

  String description();
}
