package io.bellhop.uploads.documents;

import io.bellhop.uploads.DocumentType;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.ConvolveOp;
import java.awt.image.Kernel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;

/**
 * Documents with known values, rendered at test time: ICAO MRZ passports and visas (check digits
 * computed here), PAN, Aadhaar (Verhoeff-valid numbers), driving licence and voter ID cards, each
 * clean or as a phone-like variant (turned, noisy, blurred, smaller, JPEG). For the pipeline's
 * tests and the OCR benchmark; nothing here is a real person's document.
 */
final class Specimens {
  static final List<Path> FONTS =
      List.of(
          Path.of("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"),
          Path.of("/usr/share/fonts/truetype/liberation/LiberationMono-Regular.ttf"));

  /** A document to render and what a reader must find on it (field wire name → value). */
  record Specimen(
      String name, DocumentType type, List<String> lines, Map<String, String> expected) {}

  /** How a specimen is photographed. */
  record Variant(
      String name, double degrees, double noise, boolean blur, double scale, boolean jpeg) {
    static final Variant CLEAN = new Variant("clean", 0, 0, false, 1, false);
    static final List<Variant> PHONE_LIKE =
        List.of(
            CLEAN,
            new Variant("turned-noisy", 1.5, 0.01, false, 1, false),
            new Variant("small-jpeg", 0, 0, false, 0.75, true),
            new Variant("turned-blurred-jpeg", -2, 0.005, true, 0.9, true));
  }

  private static Font font;

  private Specimens() {}

  /** The monospace font infra/deps.sh installs; a machine without it fails, never skips. */
  static synchronized Font font() {
    if (font == null) {
      System.setProperty("java.awt.headless", "true");
      Path file =
          FONTS.stream()
              .filter(Files::isReadable)
              .findFirst()
              .orElseThrow(
                  () ->
                      new AssertionError(
                          "no DejaVu Sans Mono or Liberation Mono (infra/deps.sh installs"
                              + " fonts-dejavu-core)"));
      try {
        font = Font.createFont(Font.TRUETYPE_FONT, file.toFile()).deriveFont(Font.PLAIN, 40f);
      } catch (Exception e) {
        throw new AssertionError("cannot load " + file, e);
      }
    }
    return font;
  }

  // ---------------------------------------------------------------- the set

  static Specimen td3Specimen() {
    return passport(
        "passport-icao-specimen",
        "UTO",
        "ERIKSSON",
        "ANNA MARIA",
        "L898902C3",
        "UTO",
        "740812",
        'F',
        "120415",
        "ZE184226B",
        Map.of("birthDate", "1974-08-12", "expiryDate", "2012-04-15"));
  }

  /** Two of each kind, with different values. */
  static List<Specimen> all() {
    List<Specimen> all = new ArrayList<>();
    all.add(td3Specimen());
    all.add(
        passport(
            "passport-ind",
            "IND",
            "SHARMA",
            "RAHUL KUMAR",
            "Z4827163",
            "IND",
            "850314",
            'M',
            "310630",
            "",
            Map.of("birthDate", "1985-03-14", "expiryDate", "2031-06-30")));
    all.add(
        visa(
            "visa-icao-specimen",
            "UTO",
            "ERIKSSON",
            "ANNA MARIA",
            "L8988901C",
            "XXX",
            "400907",
            'F',
            "961210",
            Map.of("birthDate", "1940-09-07", "expiryDate", "1996-12-10")));
    all.add(
        visa(
            "visa-gbr",
            "IND",
            "SMITH",
            "JOHN PAUL",
            "V01234567",
            "GBR",
            "790102",
            'M',
            "280101",
            Map.of("birthDate", "1979-01-02", "expiryDate", "2028-01-01")));
    all.add(pan("pan-person", "ABCPE1234F", "RAHUL KUMAR", "PERSON"));
    all.add(pan("pan-company", "AAACB7654K", "BELLHOP HOTELS PRIVATE LIMITED", "COMPANY"));
    all.add(aadhaar("aadhaar-1", "2341 2341 2346", "Anita Devi"));
    all.add(aadhaar("aadhaar-2", "4991 8765 4323", "Suresh Patel"));
    all.add(licence("licence-mh", "MH14 20110012345", "MH", "12-05-2011", "11-05-2031"));
    all.add(licence("licence-dl", "DL-0420190149646", "DL", "03-02-2019", "02-02-2039"));
    all.add(voter("voter-1", "ABC1234567"));
    all.add(voter("voter-2", "XYZ7654321"));
    return all;
  }

  static Specimen passport(
      String name,
      String issuer,
      String surname,
      String given,
      String number,
      String nationality,
      String birth,
      char sex,
      String expiry,
      String optional,
      Map<String, String> dates) {
    String line1 = pad("P<" + issuer + surname + "<<" + given.replace(' ', '<'), 44);
    String num = pad(number, 9);
    String opt = pad(optional, 14);
    String optCheck = optional.isEmpty() ? "<" : "" + icao(opt);
    String body =
        num
            + icao(num)
            + nationality
            + birth
            + icao(birth)
            + sex
            + expiry
            + icao(expiry)
            + opt
            + optCheck;
    String composite = body.substring(0, 10) + body.substring(13, 20) + body.substring(21, 43);
    String line2 = body + icao(composite);
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("documentNumber", number);
    expected.put("surname", surname);
    expected.put("givenNames", given);
    expected.put("nationality", nationality);
    expected.putAll(dates);
    expected.put("sex", String.valueOf(sex));
    return new Specimen(
        name,
        DocumentType.PASSPORT,
        List.of(
            "PASSPORT  " + issuer, "Surname " + surname, "Given names " + given, "", line1, line2),
        expected);
  }

  static Specimen visa(
      String name,
      String issuer,
      String surname,
      String given,
      String number,
      String nationality,
      String birth,
      char sex,
      String expiry,
      Map<String, String> dates) {
    String line1 = pad("V<" + issuer + surname + "<<" + given.replace(' ', '<'), 44);
    String num = pad(number, 9);
    String line2 =
        pad(num + icao(num) + nationality + birth + icao(birth) + sex + expiry + icao(expiry), 44);
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("documentNumber", number);
    expected.put("surname", surname);
    expected.put("givenNames", given);
    expected.put("nationality", nationality);
    expected.putAll(dates);
    return new Specimen(
        name, DocumentType.VISA, List.of("VISA", "Name " + surname, "", line1, line2), expected);
  }

  static Specimen pan(String name, String number, String holder, String holderType) {
    return new Specimen(
        name,
        DocumentType.PAN,
        List.of(
            "INCOME TAX DEPARTMENT  GOVT. OF INDIA",
            "Permanent Account Number Card",
            number,
            "Name",
            holder,
            "Signature"),
        Map.of("documentNumber", number, "holderType", holderType, "name", holder));
  }

  static Specimen aadhaar(String name, String number, String holder) {
    return new Specimen(
        name,
        DocumentType.AADHAAR,
        List.of("Government of India", holder, "DOB: 01/01/1990", "FEMALE", number),
        Map.of("documentNumber", "XXXX XXXX " + number.substring(number.length() - 4)));
  }

  static Specimen licence(
      String name, String printed, String state, String issued, String validTill) {
    return new Specimen(
        name,
        DocumentType.DRIVING_LICENCE,
        List.of(
            "Union of India  Driving Licence",
            "DL No. " + printed,
            "Date of Issue: " + issued,
            "Valid Till (NT): " + validTill),
        Map.of(
            "documentNumber", printed.replaceAll("[ -]", ""),
            "stateCode", state,
            "issueDate", iso(issued),
            "expiryDate", iso(validTill)));
  }

  static Specimen voter(String name, String epic) {
    return new Specimen(
        name,
        DocumentType.VOTER_ID,
        List.of("ELECTION COMMISSION OF INDIA", "IDENTITY CARD", epic, "Elector's Name"),
        Map.of("documentNumber", epic));
  }

  // ---------------------------------------------------------------- rendering

  /** The specimen photographed as {@code variant}: PNG or JPEG bytes. */
  static byte[] image(Specimen specimen, Variant variant) {
    BufferedImage image = render(specimen.lines(), variant.degrees());
    Random random = new Random(specimen.name().hashCode() ^ variant.name().hashCode());
    if (variant.noise() > 0) {
      for (int y = 0; y < image.getHeight(); y++) {
        for (int x = 0; x < image.getWidth(); x++) {
          if (random.nextDouble() < variant.noise()) {
            image.setRGB(x, y, random.nextBoolean() ? 0xFF000000 : 0xFFFFFFFF);
          }
        }
      }
    }
    if (variant.blur()) {
      float[] box = new float[9];
      java.util.Arrays.fill(box, 1f / 9);
      BufferedImage blurred =
          new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
      new ConvolveOp(new Kernel(3, 3, box), ConvolveOp.EDGE_NO_OP, null).filter(image, blurred);
      image = blurred;
    }
    if (variant.scale() != 1) {
      int w = (int) (image.getWidth() * variant.scale());
      int h = (int) (image.getHeight() * variant.scale());
      BufferedImage small = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
      Graphics2D g = small.createGraphics();
      g.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.drawImage(image, 0, 0, w, h, null);
      g.dispose();
      image = small;
    }
    return variant.jpeg() ? jpeg(image, 0.6f) : png(image);
  }

  /** The lines in black on white, turned by {@code degrees}. */
  static BufferedImage render(List<String> lines, double degrees) {
    int lineHeight = 60;
    int width = 1400;
    int height = lineHeight * lines.size() + 120;
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, height);
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.rotate(Math.toRadians(degrees), width / 2.0, height / 2.0);
    g.setColor(Color.BLACK);
    g.setFont(font());
    for (int i = 0; i < lines.size(); i++) {
      g.drawString(lines.get(i), 60, 80 + i * lineHeight);
    }
    g.dispose();
    return image;
  }

  static byte[] png(BufferedImage image) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ImageIO.write(image, "png", out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] jpeg(BufferedImage image, float quality) {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ImageWriteParam param = writer.getDefaultWriteParam();
    param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
    param.setCompressionQuality(quality);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (var stream = ImageIO.createImageOutputStream(out)) {
      writer.setOutput(stream);
      writer.write(null, new IIOImage(image, null, null), param);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      writer.dispose();
    }
    return out.toByteArray();
  }

  /**
   * A one-page PDF showing the image (greyscale JPEG) at 200 dpi: what a scanner's "save as PDF"
   * makes. Written by hand: a catalog, a page, the image and the content stream that draws it.
   */
  static byte[] pdf(BufferedImage image) {
    byte[] jpeg = jpeg(image, 0.9f);
    double width = image.getWidth() * 72.0 / 200;
    double height = image.getHeight() * 72.0 / 200;
    String draw =
        String.format(java.util.Locale.ROOT, "q %.2f 0 0 %.2f 0 0 cm /Im0 Do Q", width, height);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<Integer> offsets = new ArrayList<>();
    write(out, "%PDF-1.4\n");
    offsets.add(out.size());
    write(out, "1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n");
    offsets.add(out.size());
    write(out, "2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n");
    offsets.add(out.size());
    write(
        out,
        String.format(
            java.util.Locale.ROOT,
            "3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 %.2f %.2f]"
                + " /Resources << /XObject << /Im0 4 0 R >> >> /Contents 5 0 R >> endobj\n",
            width,
            height));
    offsets.add(out.size());
    write(
        out,
        "4 0 obj << /Type /XObject /Subtype /Image /Width "
            + image.getWidth()
            + " /Height "
            + image.getHeight()
            + " /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /DCTDecode /Length "
            + jpeg.length
            + " >>\nstream\n");
    out.writeBytes(jpeg);
    write(out, "\nendstream\nendobj\n");
    offsets.add(out.size());
    write(
        out,
        "5 0 obj << /Length " + draw.length() + " >>\nstream\n" + draw + "\nendstream\nendobj\n");
    int xref = out.size();
    StringBuilder table = new StringBuilder("xref\n0 6\n0000000000 65535 f \n");
    for (int offset : offsets) {
      table.append(String.format(java.util.Locale.ROOT, "%010d 00000 n \n", offset));
    }
    write(out, table.toString());
    write(out, "trailer << /Size 6 /Root 1 0 R >>\nstartxref\n" + xref + "\n%%EOF\n");
    return out.toByteArray();
  }

  private static void write(ByteArrayOutputStream out, String text) {
    out.writeBytes(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  // ---------------------------------------------------------------- values

  static String pad(String s, int length) {
    StringBuilder b = new StringBuilder(s);
    while (b.length() < length) {
      b.append('<');
    }
    return b.toString();
  }

  /** ICAO 9303 check digit: weights 7-3-1, {@code <} = 0, A-Z = 10-35. */
  static char icao(String chars) {
    int[] weights = {7, 3, 1};
    int sum = 0;
    for (int i = 0; i < chars.length(); i++) {
      char c = chars.charAt(i);
      int v = c == '<' ? 0 : Character.isDigit(c) ? c - '0' : c - 'A' + 10;
      sum += v * weights[i % 3];
    }
    return (char) ('0' + sum % 10);
  }

  private static String iso(String dmy) {
    return dmy.substring(6) + "-" + dmy.substring(3, 5) + "-" + dmy.substring(0, 2);
  }
}
