package io.bellhop.testing;

import java.io.File;
import java.util.ArrayList;
import java.util.List;

/** Commands for tests that run code in a JVM of its own (a Bellhop node, a relay, an uploader). */
public final class ChildJvm {
  private ChildJvm() {}

  /**
   * The command that runs {@code main} in a new JVM with this JVM's java, classpath and logging
   * configuration, so the child logs like the test that started it.
   */
  public static List<String> command(List<String> jvmOptions, Class<?> main, String... args) {
    var command = new ArrayList<String>();
    command.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
    String logging = System.getProperty("logback.configurationFile");
    if (logging != null) {
      command.add("-Dlogback.configurationFile=" + logging);
    }
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(main.getName());
    command.addAll(List.of(args));
    return command;
  }
}
