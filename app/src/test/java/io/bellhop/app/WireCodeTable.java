package io.bellhop.app;

import io.bellhop.platform.CloseCodeRange;
import io.bellhop.platform.WireCloseCode;
import io.bellhop.platform.WireErrorCode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Every close and error code some module declares, with the rules of docs/protocol.md ("Close and
 * error codes of modules") checked: a close code lies in its module's block and, in a module's
 * block, its number says whether it is retryable; no number or name is declared twice. Rendered as
 * {@code docs/codes.json}, which the browser client's tests read.
 */
final class WireCodeTable {
  private static final Pattern ERROR_NAME = Pattern.compile("[A-Z][A-Z0-9_]*");
  private static final Comparator<String> PLATFORM_FIRST =
      Comparator.comparing((String m) -> !m.equals("platform")).thenComparing(m -> m);

  record CloseRow(String module, int code, String name, boolean retryable, String description) {}

  record ErrorRow(String module, String name, String description) {}

  final List<CloseRow> closeCodes = new ArrayList<>();
  final List<ErrorRow> errorCodes = new ArrayList<>();
  final List<String> problems = new ArrayList<>();

  /**
   * The table of the enums {@code declared} maps to the module that declares them ({@code uploads}
   * for {@code io.bellhop.uploads.*}). Classes that implement the code interfaces without being an
   * enum are problems: the table could not list their codes.
   */
  static WireCodeTable of(Map<Class<?>, String> declared) {
    WireCodeTable table = new WireCodeTable();
    Map<Class<?>, String> sorted =
        new TreeMap<>(
            Comparator.comparing((Class<?> c) -> declared.get(c), PLATFORM_FIRST)
                .thenComparing(Class::getName));
    sorted.putAll(declared);
    sorted.forEach(table::add);
    table.closeCodes.sort(Comparator.comparingInt(CloseRow::code));
    table.check();
    return table;
  }

  private void add(Class<?> type, String module) {
    if (!type.isEnum()) {
      if (type.getSuperclass() == null || !type.getSuperclass().isEnum()) { // not a constant's body
        problems.add(
            type.getName() + " declares codes but is not an enum: the table cannot list it");
      }
      return;
    }
    for (Object constant : type.getEnumConstants()) {
      if (constant instanceof WireCloseCode c) {
        closeCodes.add(new CloseRow(module, c.code(), c.name(), c.retryable(), c.description()));
      }
      if (constant instanceof WireErrorCode e) {
        errorCodes.add(new ErrorRow(module, e.name(), e.description()));
      }
    }
  }

  private void check() {
    Map<Integer, CloseRow> byNumber = new HashMap<>();
    Map<String, CloseRow> byCloseName = new HashMap<>();
    for (CloseRow c : closeCodes) {
      String what = owned(c.module()) + " close code " + c.name() + " (" + c.code() + ")";
      List<CloseCodeRange> blocks = blocksOf(c.module());
      if (blocks.isEmpty()) {
        problems.add(what + ": CloseCodeRange allocates no block to " + c.module());
      } else if (blocks.stream().noneMatch(b -> b.contains(c.code()))) {
        problems.add(what + " is outside " + owned(c.module()) + " blocks " + describe(blocks));
      } else {
        if (CloseCodeRange.isModuleCode(c.code())
            && CloseCodeRange.retryableByNumber(c.code()) != c.retryable()) {
          problems.add(
              what
                  + " is "
                  + (c.retryable() ? "retryable" : "terminal")
                  + ", but a module's xx00-xx49 retry and xx50-xx99 are terminal");
        }
        // Blocks are disjoint: codes that clash inside their blocks are of one module.
        CloseRow before = byNumber.putIfAbsent(c.code(), c);
        if (before != null) {
          problems.add(what + " reuses the number of " + before.name());
        }
      }
      CloseRow before = byCloseName.putIfAbsent(c.name(), c);
      if (before != null) {
        problems.add(what + " reuses the name of " + owned(before.module()) + " " + before.code());
      }
      if (c.description() == null || c.description().isBlank()) {
        problems.add(what + " has no description");
      }
    }
    Map<String, ErrorRow> byErrorName = new HashMap<>();
    for (ErrorRow e : errorCodes) {
      String what = owned(e.module()) + " error code " + e.name();
      if (!ERROR_NAME.matcher(e.name()).matches()) {
        problems.add(what + " is not UPPER_SNAKE_CASE");
      }
      ErrorRow before = byErrorName.putIfAbsent(e.name(), e);
      if (before != null) {
        problems.add(
            what
                + " is already declared by "
                + before.module()
                + (before.module().equals("platform")
                    ? ": use the platform's ErrorCode"
                    : ": a name shared by two modules belongs in the platform's ErrorCode"));
      }
      if (e.description() == null || e.description().isBlank()) {
        problems.add(what + " has no description");
      }
    }
  }

  /** "uploads'", "collaboration's". */
  private static String owned(String module) {
    return module + (module.endsWith("s") ? "'" : "'s");
  }

  static List<CloseCodeRange> blocksOf(String module) {
    return Arrays.stream(CloseCodeRange.values()).filter(b -> b.module().equals(module)).toList();
  }

  private static String describe(List<CloseCodeRange> blocks) {
    return blocks.stream().map(b -> b.first() + "-" + b.last()).toList().toString();
  }

  /** The numbers of modules' blocks (allocated or not), as closed intervals. */
  static List<int[]> moduleSpace() {
    List<int[]> runs = new ArrayList<>();
    for (int code = 1000; code <= 4999; code++) {
      if (CloseCodeRange.isModuleCode(code)) {
        if (!runs.isEmpty() && runs.get(runs.size() - 1)[1] == code - 1) {
          runs.get(runs.size() - 1)[1] = code;
        } else {
          runs.add(new int[] {code, code});
        }
      }
    }
    return runs;
  }

  /** {@code docs/codes.json}: stable order, one entry per line, so a diff shows what changed. */
  String json() {
    StringBuilder out = new StringBuilder();
    out.append("{\n  \"$comment\": ")
        .append(quote("Written by WireCodesTest from every module's code enums; do not edit."))
        .append(",\n  \"moduleSpace\": [");
    List<String> space = new ArrayList<>();
    for (int[] run : moduleSpace()) {
      space.add("[" + run[0] + ", " + run[1] + "]");
    }
    out.append(String.join(", ", space)).append("],\n  \"closeRanges\": [\n");
    List<String> lines = new ArrayList<>();
    for (CloseCodeRange b : CloseCodeRange.values()) {
      lines.add(
          "    {\"module\": "
              + quote(b.module())
              + ", \"first\": "
              + b.first()
              + ", \"last\": "
              + b.last()
              + "}");
    }
    out.append(String.join(",\n", lines)).append("\n  ],\n  \"closeCodes\": [\n");
    lines.clear();
    for (CloseRow c : closeCodes) {
      lines.add(
          "    {\"code\": "
              + c.code()
              + ", \"name\": "
              + quote(c.name())
              + ", \"module\": "
              + quote(c.module())
              + ", \"retryable\": "
              + c.retryable()
              + ", \"description\": "
              + quote(c.description())
              + "}");
    }
    out.append(String.join(",\n", lines)).append("\n  ],\n  \"errorCodes\": [\n");
    lines.clear();
    for (ErrorRow e : errorCodes) {
      lines.add(
          "    {\"name\": "
              + quote(e.name())
              + ", \"module\": "
              + quote(e.module())
              + ", \"description\": "
              + quote(e.description())
              + "}");
    }
    return out.append(String.join(",\n", lines)).append("\n  ]\n}\n").toString();
  }

  private static String quote(String s) {
    StringBuilder out = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      switch (ch) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        default -> {
          if (ch < 0x20) {
            out.append(String.format("\\u%04x", (int) ch));
          } else {
            out.append(ch);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
