package io.bellhop.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellhop.testing.TestServices;
import io.micronaut.context.ApplicationContext;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The prod environment refuses the dev secret or a short one, saying so in one line, and has no dev
 * token endpoint.
 */
class ProductionGuardTest {

  private static Map<String, Object> services() {
    return new HashMap<>(TestServices.get().properties());
  }

  @Test
  void prodRefusesToStartWithTheDevSecret() {
    Exception e =
        assertThrows(
            Exception.class,
            () ->
                ApplicationContext.builder()
                    .environments("prod")
                    .properties(services())
                    .start()
                    .close());
    assertTrue(rootMessage(e).contains("BELLHOP_JWT_SECRET"), rootMessage(e));
  }

  @Test
  void prodRefusesToStartWithASecretTooShortForHs256() {
    var props = services();
    props.put("micronaut.security.token.jwt.signatures.secret.generator.secret", "abc");
    Exception e =
        assertThrows(
            Exception.class,
            () -> ApplicationContext.builder().environments("prod").properties(props).start());
    assertTrue(rootMessage(e).contains("shorter than 32 bytes"), rootMessage(e));
  }

  /**
   * What an operator sees: the reason once, and what to do, not a stack trace holding it thrice.
   */
  @Test
  void aRefusedStartIsOneLineOnTheConsoleAndExitStatusOne() throws Exception {
    try (var app =
        AppProcess.start(
            -1,
            env -> {
              env.put("MICRONAUT_ENVIRONMENTS", "prod");
              env.remove("BELLHOP_JWT_SECRET");
            })) {
      assertEquals(1, app.awaitExit(Duration.ofSeconds(60)));
      String console = app.output().text();
      String reason = "BELLHOP_JWT_SECRET is unset or the development default";
      assertTrue(
          console.lines().anyMatch(l -> l.startsWith("Bellhop did not start: " + reason)), console);
      assertEquals(console.indexOf(reason), console.lastIndexOf(reason), "said once: " + console);
      assertFalse(console.contains("\tat "), console);
      assertFalse(console.contains("Exception"), console);
    }
  }

  @Test
  void prodWithARealSecretStartsWithoutDevTokens() {
    var props = services();
    props.put(
        "micronaut.security.token.jwt.signatures.secret.generator.secret",
        "a-real-production-secret-0123456789abcdef");
    props.put("micronaut.server.port", -1);
    try (ApplicationContext ctx =
        ApplicationContext.builder().environments("prod").properties(props).start()) {
      assertFalse(ctx.findBean(DevTokenController.class).isPresent());
    }
  }

  @Test
  void jwksUrlFromTheEnvironmentEnablesJwksVerification() {
    var props =
        Application.environmentProperties(
            Map.of("BELLHOP_JWKS_URL", "https://idp.example/jwks.json"));
    assertTrue(
        props
            .get("micronaut.security.token.jwt.signatures.jwks.bellhop.url")
            .equals("https://idp.example/jwks.json"));
    assertTrue(Application.environmentProperties(Map.of()).isEmpty());
  }

  private static String rootMessage(Throwable t) {
    var sb = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      sb.append(c.getMessage()).append(" / ");
    }
    return sb.toString();
  }
}
