package io.bellhop.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Minimal {@code --key value} / {@code --key=value} / {@code --flag} command-line parser. */
final class Args {
  private final Map<String, List<String>> options = new LinkedHashMap<>();

  static Args parse(String[] argv, int from) {
    Args args = new Args();
    for (int i = from; i < argv.length; i++) {
      String a = argv[i];
      if (!a.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument: " + a);
      }
      String key = a.substring(2);
      String value;
      int eq = key.indexOf('=');
      if (eq >= 0) {
        value = key.substring(eq + 1);
        key = key.substring(0, eq);
      } else if (i + 1 < argv.length && !argv[i + 1].startsWith("--")) {
        value = argv[++i];
      } else {
        value = "true";
      }
      args.options.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
    }
    return args;
  }

  boolean has(String key) {
    return options.containsKey(key);
  }

  String str(String key, String def) {
    List<String> v = options.get(key);
    return v == null ? def : v.get(v.size() - 1);
  }

  List<String> all(String key) {
    return options.getOrDefault(key, List.of());
  }

  int integer(String key, int def) {
    String v = str(key, null);
    return v == null ? def : Integer.parseInt(v.trim());
  }

  long longValue(String key, long def) {
    String v = str(key, null);
    return v == null ? def : Long.parseLong(v.trim());
  }

  double dbl(String key, double def) {
    String v = str(key, null);
    return v == null ? def : Double.parseDouble(v.trim());
  }

  boolean flag(String key) {
    return Boolean.parseBoolean(str(key, "false"));
  }
}
