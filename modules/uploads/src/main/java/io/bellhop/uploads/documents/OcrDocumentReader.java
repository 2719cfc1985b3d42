package io.bellhop.uploads.documents;

import io.bellhop.uploads.DocumentType;
import io.bellhop.uploads.ocr.DocumentFields;
import io.bellhop.uploads.ocr.DocumentParser;
import io.bellhop.uploads.ocr.Field;
import io.bellhop.uploads.ocr.FieldName;
import io.bellhop.uploads.ocr.OcrException;
import io.bellhop.uploads.ocr.OcrLine;
import io.bellhop.uploads.ocr.TesseractOcr;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * ID documents and photos: tesseract on the image (JPEG, PNG and WebP directly; a PDF's first pages
 * rendered by {@link PdfPages}), then the document type's parser. Only parsed fields leave this
 * class: the recognised lines are neither logged nor kept (an Aadhaar card's text holds the full
 * number).
 */
@Singleton
final class OcrDocumentReader implements DocumentReader {
  /** The longest photo text kept, so a result fits an event (64 KiB) with room to spare. */
  static final int MAX_TEXT_CHARS = 4000;

  private static final Set<DocumentType> TYPES =
      EnumSet.of(
          DocumentType.PASSPORT,
          DocumentType.VISA,
          DocumentType.AADHAAR,
          DocumentType.PAN,
          DocumentType.DRIVING_LICENCE,
          DocumentType.VOTER_ID,
          DocumentType.PHOTO);

  private final OcrConfig config;
  private final PdfPages pdf;
  private final Clock clock;

  @Inject
  OcrDocumentReader(OcrConfig config) {
    this(config, Clock.systemUTC());
  }

  OcrDocumentReader(OcrConfig config, Clock clock) {
    this.config = config;
    this.pdf = new PdfPages(config.getPdftoppm(), config.getPdfDpi(), config.getMaxPages());
    this.clock = clock;
  }

  @Override
  public Set<DocumentType> types() {
    return TYPES;
  }

  @Override
  public Reading read(Path file, DocumentType type, Instant deadline)
      throws IOException, InterruptedException {
    Path pagesDir = Files.createTempDirectory("bellhop-pages-");
    int pagesRead = 0;
    try {
      List<Path> pages;
      if (PdfPages.isPdf(file)) {
        pages = pdf.render(file, pagesDir, remaining(deadline));
      } else {
        pages = List.of(file);
      }
      List<OcrLine> lines = new ArrayList<>();
      for (Path page : pages) {
        Duration left = remaining(deadline);
        if (left.isZero()) {
          return Reading.failed(
              "OCR took longer than " + config.getDocumentTimeout().toMillis() + " ms", pagesRead);
        }
        lines.addAll(new TesseractOcr(config.getTesseract(), left, 4L << 20).read(page, type));
        pagesRead++;
      }
      LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
      return toReading(DocumentParser.parse(type, lines, today), pagesRead);
    } catch (PdfPages.PageException | OcrException e) {
      return Reading.failed(e.getMessage(), pagesRead);
    } finally {
      deleteTree(pagesDir);
    }
  }

  private Duration remaining(Instant deadline) {
    Duration left = Duration.between(clock.instant(), deadline);
    return left.isNegative() ? Duration.ZERO : left;
  }

  static Reading toReading(DocumentFields parsed, int pages) {
    Map<String, ReadField> fields = new LinkedHashMap<>();
    List<String> reasons = new ArrayList<>(parsed.reviewReasons());
    boolean review = parsed.needsReview();
    for (Map.Entry<FieldName, Field> e : parsed.fields().entrySet()) {
      Field f = e.getValue();
      String value = f.value();
      boolean fieldReview = f.needsReview();
      if (value.length() > MAX_TEXT_CHARS) {
        value = value.substring(0, MAX_TEXT_CHARS);
        reasons.add("the text was cut to " + MAX_TEXT_CHARS + " characters");
        fieldReview = true;
        review = true;
      }
      fields.put(
          e.getKey().jsonName(),
          new ReadField(
              value,
              Math.round(f.confidence() * 1000) / 1000.0,
              f.formatValid() && f.checksum() != Field.Checksum.INVALID,
              f.checksum().name().toLowerCase(Locale.ROOT),
              fieldReview));
    }
    double confidence = Math.round(parsed.confidence() * 1000) / 1000.0;
    return Reading.done(fields, confidence, review, reasons, pages);
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException ignored) {
      // a temporary file left behind is harmless
    }
  }
}
