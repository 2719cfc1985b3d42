package io.bellhop.uploads.ocr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellhop.uploads.DocumentType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The process boundary, with shell scripts standing in for tesseract. */
class TesseractOcrTest {
  @TempDir Path dir;

  private TesseractOcr fake(String script, Duration timeout, long maxOutput) throws Exception {
    Path executable = dir.resolve("fake-tesseract");
    Files.writeString(executable, "#!/bin/sh\n" + script + "\n");
    Files.setPosixFilePermissions(executable, PosixFilePermissions.fromString("rwx------"));
    return new TesseractOcr(executable.toString(), timeout, maxOutput);
  }

  @Test
  void theTsvOnStandardOutputBecomesLinesAndTesseractRunsOnOneThread() throws Exception {
    TesseractOcr ocr =
        fake(
            "printf 'level\\tpage_num\\tblock_num\\tpar_num\\tline_num\\tword_num\\tleft\\ttop"
                + "\\twidth\\theight\\tconf\\ttext\\n5\\t1\\t1\\t1\\t1\\t1\\t0\\t0\\t1\\t1\\t90\\t%s\\n' threads=$OMP_THREAD_LIMIT",
            Duration.ofSeconds(10), 1 << 20);

    assertEquals(
        List.of(new OcrLine("threads=1", 0.9)), ocr.read(dir.resolve("a.png"), DocumentType.PHOTO));
  }

  @Test
  void aProcessThatOutlivesTheTimeoutIsKilledAndReported() throws Exception {
    TesseractOcr ocr = fake("exec sleep 30", Duration.ofMillis(300), 1 << 20);

    long start = System.nanoTime();
    OcrException e =
        assertThrows(OcrException.class, () -> ocr.read(dir.resolve("a.png"), DocumentType.PHOTO));
    assertEquals("tesseract took longer than 300 ms", e.getMessage());
    assertTrue(System.nanoTime() - start < 5_000_000_000L);
  }

  @Test
  void outputBeyondTheLimitIsRefused() throws Exception {
    TesseractOcr ocr = fake("head -c 100000 /dev/zero", Duration.ofSeconds(10), 1000);

    OcrException e =
        assertThrows(OcrException.class, () -> ocr.read(dir.resolve("a.png"), DocumentType.PHOTO));
    assertEquals("tesseract wrote more than 1000 bytes", e.getMessage());
  }

  @Test
  void aFailureReportsTheExitCodeAndTesseractsOwnMessage() throws Exception {
    TesseractOcr ocr =
        fake("echo 'Error in pixReadStream' >&2; exit 1", Duration.ofSeconds(10), 1 << 20);

    OcrException e =
        assertThrows(OcrException.class, () -> ocr.read(dir.resolve("a.png"), DocumentType.PHOTO));
    assertEquals("tesseract exited with 1: Error in pixReadStream", e.getMessage());
  }

  @Test
  void passportsAreReadWithTheMrzCharactersOnly() throws Exception {
    TesseractOcr ocr = TesseractOcr.onPath();

    assertEquals(
        List.of(
            "tesseract",
            "/tmp/p.png",
            "stdout",
            "-l",
            "eng",
            "--psm",
            "3",
            "-c",
            "tessedit_char_whitelist=ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<",
            "tsv"),
        ocr.command(Path.of("/tmp/p.png"), DocumentType.PASSPORT));
    assertEquals(
        List.of("tesseract", "/tmp/p.png", "stdout", "-l", "eng", "--psm", "3", "tsv"),
        ocr.command(Path.of("/tmp/p.png"), DocumentType.PAN));
  }
}
