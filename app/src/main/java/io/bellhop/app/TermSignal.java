package io.bellhop.app;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandleProxies;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Runs an action on SIGTERM through {@code sun.misc.Signal}: the JDK has no supported way to handle
 * a signal, and {@code jdk.unsupported} keeps this one on purpose (JEP 260). It is looked up by
 * name because javac's "internal proprietary API" warning for a direct use cannot be suppressed. If
 * a JDK drops the class, start-up fails here, and {@code DrainIT} (the real main, a real SIGTERM)
 * fails.
 */
final class TermSignal {
  private TermSignal() {}

  static void onTerm(Runnable action) {
    try {
      Class<?> signal = Class.forName("sun.misc.Signal");
      Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
      MethodHandle run =
          MethodHandles.publicLookup()
              .findVirtual(Runnable.class, "run", MethodType.methodType(void.class))
              .bindTo(action);
      Object handler =
          MethodHandleProxies.asInterfaceInstance(
              handlerType, MethodHandles.dropArguments(run, 0, signal));
      signal
          .getMethod("handle", signal, handlerType)
          .invoke(null, signal.getConstructor(String.class).newInstance("TERM"), handler);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot handle SIGTERM", e);
    }
  }
}
