package io.bellhop.uploads.documents;

import io.bellhop.uploads.documents.Specimens.Specimen;
import io.bellhop.uploads.documents.Specimens.Variant;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * OCR benchmark: what one node's workers read per second, how long one document takes, and how many
 * fields come back right, on the generated set ({@link Specimens#all()}: passports and visas with
 * ICAO MRZs, PAN, Aadhaar, driving licence and voter ID cards, two of each) in each phone-like
 * {@link Variant}, plus the clean passports as one-page PDFs.
 *
 * <p>It runs the readers the workers run ({@link OcrDocumentReader}: pdftoppm, tesseract, the
 * parsers) with {@code workers} threads, without PostgreSQL: claiming and storing a result cost a
 * few milliseconds against a second of OCR. A field is <i>right</i> when its value equals the
 * specimen's; <i>wrong and unflagged</i> counts values that differ and do not need review, the
 * errors a person would not be asked to check.
 *
 * <p>{@code infra/bench/ocr.sh [workers (cores - 1)] [rounds (1)]}
 */
public final class OcrBench {
  private record Job(Specimen specimen, String variant, Path file) {}

  private record Outcome(Job job, Reading reading, long nanos) {}

  public static void main(String[] args) throws Exception {
    OcrConfig config = new OcrConfig();
    int workers = args.length > 0 ? Integer.parseInt(args[0]) : config.getWorkers();
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 1;
    OcrDocumentReader reader = new OcrDocumentReader(config);
    List<Job> jobs = documents(Files.createTempDirectory("bellhop-ocr-bench"));
    System.out.printf(
        Locale.ROOT,
        "%d documents, %d workers, %d cores, %s%n",
        jobs.size(),
        workers,
        Runtime.getRuntime().availableProcessors(),
        tesseractVersion());
    read(reader, jobs.subList(0, 2), workers); // warm the page cache and the JIT
    for (int round = 1; round <= rounds; round++) {
      long start = System.nanoTime();
      List<Outcome> outcomes = read(reader, jobs, workers);
      report(round, outcomes, System.nanoTime() - start);
    }
  }

  private static List<Job> documents(Path dir) throws Exception {
    List<Job> jobs = new ArrayList<>();
    for (Specimen specimen : Specimens.all()) {
      for (Variant variant : Variant.PHONE_LIKE) {
        Path file = dir.resolve(specimen.name() + "-" + variant.name());
        Files.write(file, Specimens.image(specimen, variant));
        jobs.add(new Job(specimen, variant.name(), file));
      }
      if (specimen.type().hasMrz()) {
        Path pdf = dir.resolve(specimen.name() + "-pdf");
        Files.write(pdf, Specimens.pdf(Specimens.render(specimen.lines(), 0)));
        jobs.add(new Job(specimen, "pdf", pdf));
      }
    }
    return jobs;
  }

  private static List<Outcome> read(OcrDocumentReader reader, List<Job> jobs, int workers)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(workers);
    try {
      List<Future<Outcome>> futures = new ArrayList<>();
      for (Job job : jobs) {
        futures.add(
            pool.submit(
                () -> {
                  long t = System.nanoTime();
                  Reading r =
                      reader.read(job.file(), job.specimen().type(), Instant.now().plusSeconds(60));
                  return new Outcome(job, r, System.nanoTime() - t);
                }));
      }
      List<Outcome> outcomes = new ArrayList<>();
      for (Future<Outcome> f : futures) {
        outcomes.add(f.get());
      }
      return outcomes;
    } finally {
      pool.shutdownNow();
    }
  }

  private static void report(int round, List<Outcome> outcomes, long wallNanos) {
    long[] ms = outcomes.stream().mapToLong(o -> o.nanos() / 1_000_000).sorted().toArray();
    int pages = outcomes.stream().mapToInt(o -> o.reading().pages()).sum();
    System.out.printf(
        Locale.ROOT,
        "round %d: %d documents, %d pages in %.1f s: %.2f pages/s; per document p50 %d ms,"
            + " p99 %d ms, max %d ms%n",
        round,
        outcomes.size(),
        pages,
        wallNanos / 1e9,
        pages / (wallNanos / 1e9),
        ms[(int) Math.floor(0.5 * (ms.length - 1))],
        ms[(int) Math.ceil(0.99 * (ms.length - 1))],
        ms[ms.length - 1]);
    Map<String, int[]> byType = new TreeMap<>();
    Map<String, int[]> byVariant = new TreeMap<>();
    int[] all = new int[6];
    for (Outcome o : outcomes) {
      int[] tally = tally(o);
      add(byType.computeIfAbsent(o.job().specimen().type().wireName(), k -> new int[6]), tally);
      add(byVariant.computeIfAbsent(o.job().variant(), k -> new int[6]), tally);
      add(all, tally);
    }
    System.out.println(
        "  fields right / expected; wrong and not flagged; missing; documents all right");
    byType.forEach((k, v) -> System.out.println("  " + line(k, v)));
    byVariant.forEach((k, v) -> System.out.println("  " + line(k, v)));
    System.out.println("  " + line("all", all));
    for (Outcome o : outcomes) {
      o.job()
          .specimen()
          .expected()
          .forEach(
              (name, value) -> {
                ReadField f = o.reading().fields().get(name);
                if (f == null || !f.value().equals(value)) {
                  System.out.printf(
                      Locale.ROOT,
                      "  %s/%s %s: expected %s, read %s%n",
                      o.job().specimen().name(),
                      o.job().variant(),
                      name,
                      value,
                      f == null
                          ? "nothing"
                              + (o.reading().error() == null
                                  ? ""
                                  : " (" + o.reading().error() + ")")
                          : f.value() + (f.needsReview() ? " (needs review)" : " (NOT flagged)"));
                }
              });
    }
  }

  /** {fields right, expected, wrong and unflagged, missing, documents wholly right, documents}. */
  private static int[] tally(Outcome o) {
    int[] t = new int[6];
    Map<String, ReadField> fields = o.reading().fields();
    o.job()
        .specimen()
        .expected()
        .forEach(
            (name, value) -> {
              t[1]++;
              ReadField f = fields.get(name);
              if (f == null) {
                t[3]++;
              } else if (f.value().equals(value)) {
                t[0]++;
              } else if (!f.needsReview()) {
                t[2]++;
              }
            });
    t[4] = t[0] == t[1] ? 1 : 0;
    t[5] = 1;
    return t;
  }

  private static void add(int[] into, int[] t) {
    for (int i = 0; i < into.length; i++) {
      into[i] += t[i];
    }
  }

  private static String line(String name, int[] v) {
    return String.format(
        Locale.ROOT,
        "%-20s fields %3d / %3d (%5.1f%%)  wrong-unflagged %d  missing %2d  documents %2d / %2d",
        name,
        v[0],
        v[1],
        100.0 * v[0] / v[1],
        v[2],
        v[3],
        v[4],
        v[5]);
  }

  private static String tesseractVersion() {
    try {
      Process p = new ProcessBuilder("tesseract", "--version").redirectErrorStream(true).start();
      String first =
          new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
              .lines()
              .findFirst()
              .orElse("");
      p.waitFor();
      return first;
    } catch (Exception e) {
      return "tesseract: " + e;
    }
  }
}
