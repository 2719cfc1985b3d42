package io.bellhop.uploads.inspect;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;
import org.apache.poi.hssf.usermodel.HSSFWorkbook;
import org.apache.poi.poifs.filesystem.POIFSFileSystem;

/** Files of every kind the validation meets, made here: nothing is read from disk. */
public final class SampleFiles {
  private SampleFiles() {}

  /**
   * {@code n} random bytes after a JPEG signature: what a session's sniffing takes for a JPEG, for
   * tests about bytes, not images.
   */
  public static byte[] jpegSignedNoise(int n, long seed) {
    byte[] b = new byte[n];
    new java.util.Random(seed).nextBytes(b);
    byte[] jpeg = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF};
    System.arraycopy(jpeg, 0, b, 0, Math.min(n, jpeg.length));
    return b;
  }

  public static byte[] jpeg(int width, int height) {
    return image("jpg", width, height, BufferedImage.TYPE_INT_RGB);
  }

  public static byte[] png(int width, int height) {
    return image("png", width, height, BufferedImage.TYPE_INT_ARGB);
  }

  /** A RIFF container marked WebP around a VP8L chunk (ImageIO writes no WebP). */
  public static byte[] webp() {
    byte[] vp8l = {0x2F, 0, 0, 0, 0x10, 0x07, 0x10, 0x11, 0x11, (byte) 0x88, (byte) 0x88, 0, 0};
    ByteBuffer b = ByteBuffer.allocate(20 + vp8l.length + 1).order(ByteOrder.LITTLE_ENDIAN);
    b.put(ascii("RIFF")).putInt(b.capacity() - 8).put(ascii("WEBPVP8L")).putInt(vp8l.length);
    return b.put(vp8l).array();
  }

  /** A one-page PDF with a correct cross-reference table. */
  public static byte[] pdf() {
    String[] objects = {
      "<< /Type /Catalog /Pages 2 0 R >>",
      "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"
    };
    StringBuilder pdf = new StringBuilder("%PDF-1.4\n");
    StringBuilder xref = new StringBuilder("xref\n0 4\n0000000000 65535 f \n");
    for (int i = 0; i < objects.length; i++) {
      xref.append(String.format("%010d 00000 n \n", pdf.length()));
      pdf.append(i + 1).append(" 0 obj\n").append(objects[i]).append("\nendobj\n");
    }
    int start = pdf.length();
    pdf.append(xref).append("trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n").append(start);
    return ascii(pdf.append("\n%%EOF\n").toString());
  }

  /**
   * A minimal XLSX, zipped here: one sheet whose first row is {@code header} (shared strings, whose
   * part comes after the sheet, as Excel writes it), then two rows, the second holding a formula.
   */
  public static byte[] xlsx(String... header) {
    StringBuilder first = new StringBuilder("<row r=\"1\">");
    StringBuilder strings = new StringBuilder("<sst>");
    for (int i = 0; i < header.length; i++) {
      first.append("<c r=\"").append((char) ('A' + i)).append("1\" t=\"s\"><v>");
      first.append(i).append("</v></c>");
      strings.append("<si><t>").append(header[i]).append("</t></si>");
    }
    String rows =
        first
            + "</row><row r=\"2\"><c r=\"A2\"><v>1</v></c><c r=\"B2\" t=\"inlineStr\"><is><t>x"
            + "</t></is></c></row><row r=\"3\"><c r=\"A3\"><v>2</v></c><c r=\"C3\"><f>HYPERLINK("
            + "\"http://127.0.0.1\")</f><v>0</v></c></row>";
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put(
        "[Content_Types].xml",
        utf8(
            "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
                + "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/"
                + "vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/></Types>"));
    entries.put("_rels/.rels", utf8("<Relationships/>"));
    entries.put(
        "xl/workbook.xml", utf8("<workbook><sheets><sheet name=\"s\"/></sheets></workbook>"));
    entries.put(
        "xl/worksheets/sheet1.xml",
        utf8("<worksheet><sheetData>" + rows + "</sheetData></worksheet>"));
    entries.put("xl/sharedStrings.xml", utf8(strings + "</sst>"));
    return zip(entries);
  }

  /**
   * An XLSX-shaped ZIP whose sheet inflates to {@code inflated} bytes: an opening tag, then spaces
   * (which XML allows there, and which deflate about a thousand to one).
   */
  public static byte[] zipBomb(int inflated) {
    byte[] sheet = new byte[inflated];
    Arrays.fill(sheet, (byte) ' ');
    byte[] open = utf8("<worksheet><sheetData>");
    System.arraycopy(open, 0, sheet, 0, open.length);
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put("[Content_Types].xml", utf8("<Types/>"));
    entries.put("xl/workbook.xml", utf8("<workbook/>"));
    entries.put("xl/worksheets/sheet1.xml", sheet);
    return zip(entries);
  }

  public static byte[] zip(Map<String, byte[]> entries) {
    var out = new ByteArrayOutputStream();
    try (var zip = new ZipOutputStream(out)) {
      for (var e : entries.entrySet()) {
        zip.putNextEntry(new ZipEntry(e.getKey()));
        zip.write(e.getValue());
        zip.closeEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** A real Excel 97-2003 workbook (BIFF8 in OLE2), written by Apache POI. */
  public static byte[] xls(String... header) {
    try (var workbook = new HSSFWorkbook()) {
      var row = workbook.createSheet("statement").createRow(0);
      for (int i = 0; i < header.length; i++) {
        row.createCell(i).setCellValue(header[i]);
      }
      var out = new ByteArrayOutputStream();
      workbook.write(out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An OLE2 compound file holding a Word stream and no workbook. */
  public static byte[] ole2WithoutWorkbook() {
    try (var fs = new POIFSFileSystem()) {
      fs.createDocument(new java.io.ByteArrayInputStream(new byte[5000]), "WordDocument");
      var out = new ByteArrayOutputStream();
      fs.writeFilesystem(out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The first bytes of a 64-bit x86 Linux executable (ELF, {@code ET_EXEC}), then zeros. */
  public static byte[] elf(int size) {
    byte[] b = new byte[size];
    byte[] header = {0x7F, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0x3E, 0};
    System.arraycopy(header, 0, b, 0, Math.min(size, header.length));
    return b;
  }

  /** A Windows executable's DOS header ({@code MZ}) pointing at a PE header. */
  public static byte[] windowsExecutable(int size) {
    ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    b.put(ascii("MZ")).putInt(0x3C, 0x80).put(0x80, ascii("PE\0\0"));
    return b.array();
  }

  public static byte[] shellScript() {
    return ascii("#!/bin/sh\ncurl -s http://127.0.0.1/x | sh\n");
  }

  public static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] image(String format, int width, int height, int type) {
    var image = new BufferedImage(width, height, type);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, height);
    g.setColor(Color.BLUE);
    g.drawString("P<UTOERIKSSON<<ANNA", 4, height / 2);
    g.dispose();
    var out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(image, format, out)) {
        throw new IllegalStateException("no ImageIO writer for " + format);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
