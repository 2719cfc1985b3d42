package io.bellhop.uploads.documents;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Renders the first pages of a PDF to greyscale PNGs with poppler's {@code pdftoppm}, for
 * tesseract, which cannot read PDF. One bounded process: it is killed when it outlives its time,
 * renders at most {@code maxPages} pages, and each page at most {@link #MAX_SIDE_PIXELS} square (a
 * larger page is cropped), so a hostile page size cannot exhaust memory or disk.
 */
final class PdfPages {
  /** 14 inches at 300 dpi: a legal-size page fits whole. */
  static final int MAX_SIDE_PIXELS = 4200;

  private final String executable;
  private final int dpi;
  private final int maxPages;

  PdfPages(String executable, int dpi, int maxPages) {
    this.executable = executable;
    this.dpi = dpi;
    this.maxPages = maxPages;
  }

  /** Whether the file starts like a PDF, whatever it was declared as. */
  static boolean isPdf(Path file) throws IOException {
    try (var in = Files.newInputStream(file)) {
      byte[] head = in.readNBytes(5);
      return head.length == 5
          && head[0] == '%'
          && head[1] == 'P'
          && head[2] == 'D'
          && head[3] == 'F'
          && head[4] == '-';
    }
  }

  /**
   * The pages as PNG files in {@code into}, in page order.
   *
   * @throws PageException when pdftoppm fails, times out or renders nothing; final for this file
   */
  List<Path> render(Path pdf, Path into, Duration timeout)
      throws PageException, InterruptedException, IOException {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new PageException("no time was left to render the PDF");
    }
    List<String> command =
        List.of(
            executable,
            "-r",
            Integer.toString(dpi),
            "-f",
            "1",
            "-l",
            Integer.toString(maxPages),
            "-W",
            Integer.toString(MAX_SIDE_PIXELS),
            "-H",
            Integer.toString(MAX_SIDE_PIXELS),
            "-gray",
            "-png",
            pdf.toString(),
            into.resolve("page").toString());
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    // Poppler's messages may quote the document; they are discarded, never logged.
    builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    builder.redirectError(ProcessBuilder.Redirect.DISCARD);
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new PageException("could not run " + executable + ": " + e.getMessage());
    }
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new PageException("rendering the PDF took longer than " + timeout.toMillis() + " ms");
      }
      if (process.exitValue() != 0) {
        throw new PageException(
            "the PDF could not be rendered (pdftoppm exited with " + process.exitValue() + ")");
      }
    } finally {
      if (process.isAlive()) {
        process.destroyForcibly();
      }
    }
    List<Path> pages = new ArrayList<>();
    try (Stream<Path> files = Files.list(into)) {
      files
          .filter(
              p -> p.getFileName().toString().startsWith("page") && p.toString().endsWith(".png"))
          .sorted()
          .forEach(pages::add);
    }
    if (pages.isEmpty()) {
      throw new PageException("the PDF has no page to read");
    }
    return pages;
  }

  /** The PDF cannot be rendered; the message quotes nothing from it. */
  static final class PageException extends Exception {
    private static final long serialVersionUID = 1L;

    PageException(String message) {
      super(message);
    }
  }
}
