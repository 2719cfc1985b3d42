package io.bellhop.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellhop.platform.CloseCode;
import io.bellhop.platform.ErrorCode;
import io.bellhop.platform.WireCloseCode;
import io.bellhop.platform.WireErrorCode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What {@link WireCodeTable} refuses, shown with modules made up for the purpose. */
class WireCodeTableTest {
  enum UploadCloses implements WireCloseCode {
    RESUME_ELSEWHERE(4700, true),
    TAKEN_OVER(4750, false);

    private final int code;
    private final boolean retryable;

    UploadCloses(int code, boolean retryable) {
      this.code = code;
      this.retryable = retryable;
    }

    @Override
    public int code() {
      return code;
    }

    @Override
    public boolean retryable() {
      return retryable;
    }

    @Override
    public String description() {
      return "made up";
    }
  }

  enum UploadErrors implements WireErrorCode {
    SIZE_EXCEEDED,
    CHECKSUM_MISMATCH;

    @Override
    public String description() {
      return "made up";
    }
  }

  /** Breaks every rule once. */
  enum ChatCloses implements WireCloseCode {
    IN_UPLOADS_BLOCK(4701, true),
    IN_THE_KERNELS_BLOCK(4410, true),
    SLOW_MODE(4850, true),
    TAKEN_OVER(4851, false),
    RESUME_ELSEWHERE(4700, true),
    IN_ITS_BLOCK(4802, true),
    DUPLICATE(4802, true);

    private final int code;
    private final boolean retryable;

    ChatCloses(int code, boolean retryable) {
      this.code = code;
      this.retryable = retryable;
    }

    @Override
    public int code() {
      return code;
    }

    @Override
    public boolean retryable() {
      return retryable;
    }

    @Override
    public String description() {
      return name().equals("SLOW_MODE") ? " " : "made up";
    }
  }

  enum ChatErrors implements WireErrorCode {
    FORBIDDEN,
    SIZE_EXCEEDED,
    lowercase;

    @Override
    public String description() {
      return "made up";
    }
  }

  /** Codes in a record rather than an enum: nothing could list them. */
  record Loose(int code, String name, boolean retryable, String description)
      implements WireCloseCode {}

  private static WireCodeTable table(Object... typeThenModule) {
    Map<Class<?>, String> declared = new LinkedHashMap<>();
    declared.put(CloseCode.class, "platform");
    declared.put(ErrorCode.class, "platform");
    for (int i = 0; i < typeThenModule.length; i += 2) {
      declared.put((Class<?>) typeThenModule[i], (String) typeThenModule[i + 1]);
    }
    return WireCodeTable.of(declared);
  }

  @Test
  void aModuleWithinItsBlockWithUniqueNamesIsAccepted() {
    WireCodeTable t = table(UploadCloses.class, "uploads", UploadErrors.class, "uploads");
    assertEquals(List.of(), t.problems);
    assertTrue(
        t.closeCodes.stream().anyMatch(c -> c.code() == 4750 && c.module().equals("uploads")));
    assertTrue(t.json().contains("{\"name\": \"CHECKSUM_MISMATCH\", \"module\": \"uploads\""));
  }

  @Test
  void everyBrokenRuleIsReported() {
    WireCodeTable t =
        table(
            UploadCloses.class, "uploads",
            UploadErrors.class, "uploads",
            ChatCloses.class, "collaboration",
            ChatErrors.class, "collaboration");
    assertEquals(
        List.of(
            "collaboration's close code IN_THE_KERNELS_BLOCK (4410) is outside collaboration's"
                + " blocks [4800-4899]",
            "collaboration's close code RESUME_ELSEWHERE (4700) is outside collaboration's blocks"
                + " [4800-4899]",
            "uploads' close code RESUME_ELSEWHERE (4700) reuses the name of collaboration's 4700",
            "collaboration's close code IN_UPLOADS_BLOCK (4701) is outside collaboration's blocks"
                + " [4800-4899]",
            "collaboration's close code DUPLICATE (4802) reuses the number of IN_ITS_BLOCK",
            "collaboration's close code SLOW_MODE (4850) is retryable, but a module's xx00-xx49"
                + " retry and xx50-xx99 are terminal",
            "collaboration's close code SLOW_MODE (4850) has no description",
            "collaboration's close code TAKEN_OVER (4851) reuses the name of uploads' 4750",
            "collaboration's error code FORBIDDEN is already declared by platform: use the"
                + " platform's ErrorCode",
            "collaboration's error code lowercase is not UPPER_SNAKE_CASE",
            "uploads' error code SIZE_EXCEEDED is already declared by collaboration: a name shared"
                + " by two modules belongs in the platform's ErrorCode"),
        t.problems);
  }

  @Test
  void aModuleWithoutAnAllocatedBlockIsReported() {
    WireCodeTable t = table(UploadCloses.class, "billing");
    assertEquals(
        List.of(
            "billing's close code RESUME_ELSEWHERE (4700): CloseCodeRange allocates no block to"
                + " billing",
            "billing's close code TAKEN_OVER (4750): CloseCodeRange allocates no block to billing"),
        t.problems);
  }

  @Test
  void codesOutsideAnEnumAreReported() {
    WireCodeTable t = table(Loose.class, "uploads");
    assertEquals(
        List.of(
            Loose.class.getName() + " declares codes but is not an enum: the table cannot list it"),
        t.problems);
  }
}
