package io.bellhop.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ErrorBodyTest {
  /** Stands for a module's own codes, declared outside the platform's enum. */
  enum ModuleErrors implements WireErrorCode {
    SIZE_EXCEEDED;

    @Override
    public String description() {
      return "over the limit";
    }
  }

  @Test
  void aModulesCodeMakesABodyAndAFrame() {
    ErrorBody body = ErrorBody.of(ModuleErrors.SIZE_EXCEEDED, "file is 101 MB; the limit is 100");
    assertEquals(new ErrorBody("SIZE_EXCEEDED", "file is 101 MB; the limit is 100"), body);
    assertEquals(
        "{\"type\":\"error\",\"code\":\"SIZE_EXCEEDED\",\"message\":\"file is 101 MB; the limit is"
            + " 100\"}",
        body.toFrame());
  }

  @Test
  void theFrameEscapesItsMessage() {
    assertEquals(
        "{\"type\":\"error\",\"code\":\"FORBIDDEN\",\"message\":\"a \\\"b\\\"\\n\\\\c\"}",
        ErrorBody.of(ErrorCode.FORBIDDEN, "a \"b\"\n\\c").toFrame());
  }
}
