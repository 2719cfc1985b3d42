package io.bellhop.uploads.inspect;

import io.bellhop.uploads.DocumentType;
import io.bellhop.uploads.UploadException;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;

/**
 * Validates what arrives in an upload, in two steps. While bytes arrive, a {@link HeadSniffer}
 * refuses a file whose first bytes are not of a type its document type accepts, before they are
 * stored. When the file is complete, {@link #inspect} sniffs the stored head again and looks inside
 * a spreadsheet: an XLSX must be a bounded ZIP holding a workbook, an XLS an OLE2 file holding a
 * {@code Workbook} stream, a CSV must parse (and is summarised). Images and PDFs are taken on their
 * signature. Every refusal is {@code UNSUPPORTED_TYPE}; the session core then discards the upload.
 */
@Singleton
public final class ContentInspector {
  private final InspectConfig config;
  private final JsonMapper json;

  @Inject
  ContentInspector(InspectConfig config, JsonMapper json) {
    this.config = config;
    this.json = json;
  }

  /** A sniffer for a new or resumed upload of {@code type} and {@code size} bytes. */
  public HeadSniffer sniffer(DocumentType type, long size) {
    return new HeadSniffer(type, size, config.getSniffBytes());
  }

  /**
   * Inspects a complete upload, reading its bytes from {@code file} (as far as needed; not closed).
   *
   * @throws UploadException {@code UNSUPPORTED_TYPE}, with what was wrong
   * @throws IOException reading {@code file} failed
   */
  public Inspection inspect(DocumentType type, long size, InputStream file)
      throws UploadException, IOException {
    int headLength = (int) Math.min(config.getSniffBytes(), size);
    byte[] head = file.readNBytes(headLength);
    if (head.length != headLength) {
      throw new IOException("the store holds fewer than " + headLength + " bytes");
    }
    Format format = TypeSniffer.accepted(type, head, headLength);
    InputStream whole = new SequenceInputStream(new ByteArrayInputStream(head), file);
    StatementSummary statement = null;
    switch (format) {
      case XLSX -> statement = new WorkbookZip(config).check(whole);
      case XLS -> WorkbookOle2.check(whole, size);
      case CSV -> statement = StatementSummary.ofCsv(whole, config.getCsvMaxRecordChars());
      default -> {}
    }
    return new Inspection(format.mimetype(), statement);
  }

  /** {@code statement} as the JSON stored with the session; null for null. */
  public String toJson(StatementSummary statement) throws IOException {
    return statement == null ? null : json.writeValueAsString(statement);
  }
}
