package io.bellhop.uploads.ocr;

import io.bellhop.uploads.DocumentType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Runs the {@code tesseract} command line on one image and returns its lines with confidences.
 *
 * <p>One process per image, on one thread ({@code OMP_THREAD_LIMIT=1}): the caller decides how many
 * run at once. Each run is bounded: the process is killed when it outlives the timeout, and output
 * beyond the size limit is refused rather than read.
 */
public final class TesseractOcr {
  /**
   * Characters of a machine-readable zone; restricting tesseract to them helps it count fillers.
   */
  static final String MRZ_CHARACTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<";

  private final String executable;
  private final Duration timeout;
  private final long maxOutputBytes;

  /**
   * @param executable the tesseract command, e.g. {@code tesseract} or an absolute path
   * @param timeout how long one image may take before its process is killed
   * @param maxOutputBytes the most TSV output accepted from one image
   */
  public TesseractOcr(String executable, Duration timeout, long maxOutputBytes) {
    this.executable = Objects.requireNonNull(executable, "executable");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.maxOutputBytes = maxOutputBytes;
  }

  /** {@code tesseract} on the PATH, 60 s per image, 4 MiB of output. */
  public static TesseractOcr onPath() {
    return new TesseractOcr("tesseract", Duration.ofSeconds(60), 4L << 20);
  }

  /**
   * Reads the image as suits its document type: passports and visas with tesseract limited to MRZ
   * characters, everything else as a page of text in English.
   *
   * @throws OcrException when tesseract fails, times out or writes more than the limit
   * @throws InterruptedException when interrupted while waiting; the process is killed
   */
  public List<OcrLine> read(Path image, DocumentType type)
      throws OcrException, InterruptedException {
    return TesseractTsv.parse(run(command(image, type)));
  }

  List<String> command(Path image, DocumentType type) {
    List<String> command = new ArrayList<>();
    command.add(executable);
    command.add(image.toString());
    command.add("stdout");
    command.add("-l");
    command.add("eng");
    // Automatic page segmentation: the MRZ is two or three lines at the foot of a busy page.
    command.add("--psm");
    command.add("3");
    if (type.hasMrz()) {
      command.add("-c");
      command.add("tessedit_char_whitelist=" + MRZ_CHARACTERS);
    }
    command.add("tsv");
    return command;
  }

  private String run(List<String> command) throws OcrException, InterruptedException {
    Path output = null;
    Path errors = null;
    Process process = null;
    try {
      output = Files.createTempFile("bellhop-ocr-", ".tsv");
      errors = Files.createTempFile("bellhop-ocr-", ".err");
      ProcessBuilder builder = new ProcessBuilder(command);
      builder.environment().put("OMP_THREAD_LIMIT", "1");
      builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
      builder.redirectOutput(output.toFile());
      builder.redirectError(errors.toFile());
      process = builder.start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new OcrException("tesseract took longer than " + timeout.toMillis() + " ms");
      }
      if (process.exitValue() != 0) {
        throw new OcrException(
            "tesseract exited with " + process.exitValue() + ": " + head(errors, 300));
      }
      if (Files.size(output) > maxOutputBytes) {
        throw new OcrException("tesseract wrote more than " + maxOutputBytes + " bytes");
      }
      return Files.readString(output, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new OcrException("could not run tesseract: " + e.getMessage(), e);
    } finally {
      if (process != null && process.isAlive()) {
        process.destroyForcibly();
      }
      deleteQuietly(output);
      deleteQuietly(errors);
    }
  }

  /** The start of tesseract's error output: its own messages, never recognised text. */
  private static String head(Path file, int chars) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8).strip();
    return text.length() <= chars ? text : text.substring(0, chars) + "…";
  }

  private static void deleteQuietly(Path file) {
    if (file != null) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException ignored) {
        // a temporary file left behind is harmless
      }
    }
  }
}
