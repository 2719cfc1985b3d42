package io.bellhop.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.bellhop.platform.CloseCode;
import io.bellhop.platform.CloseCodeRange;
import io.bellhop.platform.ErrorCode;
import io.bellhop.platform.WireCloseCode;
import io.bellhop.platform.WireErrorCode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The close and error codes of every module on the app's classpath (the app depends on every
 * module), found by scanning for enums that implement {@link WireCloseCode} or {@link
 * WireErrorCode}: a module's codes are checked the day its enum appears. {@code docs/codes.json}
 * must list exactly them (the browser client's test checks its table against that file), and
 * docs/protocol.md must document each. {@code ./mvnw -o test -pl app -am -Dtest=WireCodesTest
 * -Dbellhop.codes.write=true} rewrites docs/codes.json.
 */
class WireCodesTest {
  private static final Path DOCS = Path.of("..", "docs");

  private static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.bellhop");

  private static final WireCodeTable TABLE = WireCodeTable.of(declarations());

  private static Map<Class<?>, String> declarations() {
    Map<Class<?>, String> found = new HashMap<>();
    for (JavaClass c : CLASSES) {
      if (!c.isInterface()
          && (c.isAssignableTo(WireCloseCode.class) || c.isAssignableTo(WireErrorCode.class))) {
        found.put(c.reflect(), module(c.getPackageName()));
      }
    }
    return found;
  }

  /** {@code uploads} for {@code io.bellhop.uploads.internal}. */
  private static String module(String pkg) {
    String rest = pkg.substring("io.bellhop.".length());
    int dot = rest.indexOf('.');
    return dot < 0 ? rest : rest.substring(0, dot);
  }

  /** A module the app does not depend on would escape the scan. */
  @Test
  void theScanSeesEveryModuleInTheSourceTree() throws IOException {
    Set<String> scanned =
        CLASSES.stream().map(c -> module(c.getPackageName())).collect(Collectors.toSet());
    List<String> unseen;
    try (Stream<Path> modules = Files.list(Path.of("..", "modules"))) {
      unseen =
          modules
              .map(m -> m.resolve(Path.of("src", "main", "java", "io", "bellhop")))
              .filter(Files::isDirectory)
              .flatMap(WireCodesTest::children)
              .filter(name -> !scanned.contains(name))
              .toList();
    }
    assertEquals(List.of(), unseen, "modules missing from the app's classpath");
  }

  private static Stream<String> children(Path dir) {
    try (Stream<Path> list = Files.list(dir)) {
      return list.filter(Files::isDirectory).map(p -> p.getFileName().toString()).toList().stream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void everyModulesCodesKeepTheRules() {
    assertEquals(List.of(), TABLE.problems);
  }

  @Test
  void theScanFindsThePlatformsCodes() {
    assertTrue(
        TABLE.closeCodes.stream().anyMatch(c -> c.code() == CloseCode.SLOW_CONSUMER.code()),
        "the scan found no close codes: is the platform on the classpath?");
    assertTrue(TABLE.errorCodes.stream().anyMatch(e -> e.name().equals(ErrorCode.INTERNAL.name())));
  }

  @Test
  void docsCodesJsonIsTheTable() throws IOException {
    Path file = DOCS.resolve("codes.json");
    String expected = TABLE.json();
    if (Boolean.getBoolean("bellhop.codes.write")) {
      Files.writeString(file, expected, StandardCharsets.UTF_8);
    }
    String actual = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    assertEquals(
        expected,
        actual,
        "docs/codes.json is stale; rewrite it with ./mvnw -o test -pl app -am -Dtest=WireCodesTest"
            + " -Dbellhop.codes.write=true, then update modules/web-client/src/closeCodes.ts");
  }

  @Test
  void docsProtocolDocumentsEveryRangeAndCode() throws IOException {
    List<String> rows =
        Files.readAllLines(DOCS.resolve("protocol.md"), StandardCharsets.UTF_8).stream()
            .filter(l -> l.startsWith("| "))
            .toList();
    List<String> missing = new ArrayList<>();
    for (CloseCodeRange b : CloseCodeRange.values()) {
      expectRow(rows, "| " + b.first() + "–" + b.last() + " | " + b.module() + " |", missing);
    }
    for (WireCodeTable.CloseRow c : TABLE.closeCodes) {
      expectRow(rows, "| " + c.code() + " | " + c.name() + " |", missing);
    }
    for (WireCodeTable.ErrorRow e : TABLE.errorCodes) {
      expectRow(rows, "| `" + e.name() + "` |", missing);
    }
    assertEquals(List.of(), missing, "rows missing from the tables in docs/protocol.md");
  }

  private static void expectRow(List<String> rows, String start, List<String> missing) {
    if (rows.stream().noneMatch(r -> r.startsWith(start))) {
      missing.add(start);
    }
  }
}
