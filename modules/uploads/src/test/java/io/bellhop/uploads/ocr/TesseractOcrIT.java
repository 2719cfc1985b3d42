package io.bellhop.uploads.ocr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellhop.uploads.DocumentType;
import io.bellhop.uploads.ocr.Field.Checksum;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real tesseract on the ICAO TD3 specimen rendered at test time. Accuracy on real scans is a
 * benchmark's business; here a clean rendering must read exactly, and a rotated, noisy one must
 * never report a wrong value as checksum-valid.
 */
class TesseractOcrIT {
  static final LocalDate TODAY = LocalDate.of(2026, 11, 30);
  static final List<Path> FONTS =
      List.of(
          Path.of("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"),
          Path.of("/usr/share/fonts/truetype/liberation/LiberationMono-Regular.ttf"));
  static final Map<FieldName, String> SPECIMEN = MrzReaderTest.TD3_FIELDS;

  static Font font;

  @TempDir Path dir;

  @BeforeAll
  static void needsTesseractAndAMonospaceFont() throws Exception {
    System.setProperty("java.awt.headless", "true");
    boolean tesseract =
        Files.isExecutable(Path.of("/usr/bin/tesseract"))
            || Files.isExecutable(Path.of("/usr/local/bin/tesseract"));
    // infra/deps.sh installs both: a machine without them fails here rather than skipping silently.
    assertTrue(
        tesseract,
        "tesseract is not installed (infra/deps.sh, or apt-get install -y tesseract-ocr)");
    Path fontFile = FONTS.stream().filter(Files::isReadable).findFirst().orElse(null);
    assertTrue(
        fontFile != null,
        "no DejaVu Sans Mono or Liberation Mono (infra/deps.sh installs fonts-dejavu-core)");
    font = Font.createFont(Font.TRUETYPE_FONT, fontFile.toFile()).deriveFont(Font.PLAIN, 40f);
  }

  @Test
  void aCleanRenderingOfTheTd3SpecimenReadsExactlyWithEveryCheckDigitValid() throws Exception {
    Path png =
        render(0, 0, "PASSPORT", "Surname ERIKSSON", "", MrzReaderTest.TD3_1, MrzReaderTest.TD3_2);

    DocumentFields passport = ocr(png);

    Map<FieldName, String> values = MrzReaderTest.values(passport);
    assertEquals(SPECIMEN, values, () -> "read: " + passport);
    for (FieldName checked :
        List.of(FieldName.DOCUMENT_NUMBER, FieldName.BIRTH_DATE, FieldName.EXPIRY_DATE)) {
      assertEquals(Checksum.VALID, passport.field(checked).orElseThrow().checksum());
    }
    assertEquals(List.of(), passport.reviewReasons());
  }

  @Test
  void aRotatedNoisyRenderingNeverReportsAWrongValueAsChecksumValid() throws Exception {
    Path png = render(1.5, 0.01, "PASSPORT", "", MrzReaderTest.TD3_1, MrzReaderTest.TD3_2);

    DocumentFields passport = ocr(png);

    passport
        .fields()
        .forEach(
            (name, field) -> {
              if (field.checksum() == Checksum.VALID) {
                assertEquals(SPECIMEN.get(name), field.value(), name + " in " + passport);
              }
            });
  }

  private DocumentFields ocr(Path png) throws Exception {
    List<OcrLine> lines = TesseractOcr.onPath().read(png, DocumentType.PASSPORT);
    return DocumentParser.parse(DocumentType.PASSPORT, lines, TODAY);
  }

  /** The lines in black on white, turned by {@code degrees}, with a share of pixels flipped. */
  private Path render(double degrees, double noise, String... lines) throws Exception {
    int lineHeight = 60;
    int width = 1400;
    int height = lineHeight * lines.length + 120;
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, height);
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.rotate(Math.toRadians(degrees), width / 2.0, height / 2.0);
    g.setColor(Color.BLACK);
    g.setFont(font);
    for (int i = 0; i < lines.length; i++) {
      g.drawString(lines[i], 60, 80 + i * lineHeight);
    }
    g.dispose();
    Random random = new Random(7);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        if (random.nextDouble() < noise) {
          image.setRGB(x, y, random.nextBoolean() ? 0xFF000000 : 0xFFFFFFFF);
        }
      }
    }
    Path png = dir.resolve("specimen-" + degrees + "-" + noise + ".png");
    ImageIO.write(image, "png", png.toFile());
    return png;
  }
}
