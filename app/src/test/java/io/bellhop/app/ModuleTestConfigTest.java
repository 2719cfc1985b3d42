package io.bellhop.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bellhop.testing.RealServicesTest;
import io.bellhop.testing.TestTokens;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The modules' end-to-end tests run without the app, on a copy of the few settings of its
 * application.yml that change what the modules do ({@link
 * io.bellhop.testing.RealServicesTest#APP_SETTINGS}). Each must be this application's value (an
 * environment variable's fallback for {@code ${VAR:fallback}}), or the modules would be tested in a
 * configuration they never run in.
 */
class ModuleTestConfigTest {
  private static final Pattern FALLBACK = Pattern.compile("\\$\\{[A-Z0-9_]+:(.*)}");

  @Test
  void theModulesTestsRunWithTheApplicationsSettings() {
    Map<String, String> production = flatten(applicationYml());
    RealServicesTest.APP_SETTINGS.forEach(
        (key, value) ->
            assertEquals(value, production.get(key), key + " differs from app's application.yml"));
  }

  @Test
  void theTestsSignWithTheSecretTheProductionGuardRefuses() {
    assertEquals(ProductionGuard.DEV_SECRET, TestTokens.DEV_SECRET);
  }

  private static Map<String, Object> applicationYml() {
    try (InputStream in =
        ModuleTestConfigTest.class.getClassLoader().getResourceAsStream("application.yml")) {
      return new Yaml().load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code {a: {b: 1}}} as {@code {"a.b": "1"}}, each value with its env fallback resolved. */
  private static Map<String, String> flatten(Map<String, Object> tree) {
    var out = new LinkedHashMap<String, String>();
    flatten("", tree, out);
    return out;
  }

  @SuppressWarnings("unchecked")
  private static void flatten(String prefix, Map<String, Object> tree, Map<String, String> out) {
    tree.forEach(
        (key, value) -> {
          if (value instanceof Map<?, ?> child) {
            flatten(prefix + key + ".", (Map<String, Object>) child, out);
          } else {
            Matcher m = FALLBACK.matcher(String.valueOf(value));
            out.put(prefix + key, m.matches() ? m.group(1) : String.valueOf(value));
          }
        });
  }
}
