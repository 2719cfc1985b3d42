package io.bellhop.uploads.ocr;

import io.bellhop.uploads.DocumentType;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;

/**
 * Turns the OCR lines of an uploaded document into checked fields, by its declared type. Pure: the
 * same lines and day give the same result, and it never throws on any text.
 */
public final class DocumentParser {
  private DocumentParser() {}

  /**
   * Reads the fields of a document of {@code type} from its OCR lines.
   *
   * @param today the day the document is read, which places two-digit MRZ years in their century
   *     and bounds a driving licence's year of issue
   * @return the fields found; when none, an empty result with {@code needsReview} and a reason
   */
  public static DocumentFields parse(DocumentType type, List<OcrLine> lines, LocalDate today) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(today, "today");
    List<OcrLine> safeLines = lines == null ? List.of() : lines;
    try {
      return switch (type) {
        case PASSPORT, VISA -> MrzReader.read(type, safeLines, today);
        case AADHAAR -> AadhaarParser.parse(safeLines);
        case PAN -> PanParser.parse(safeLines);
        case DRIVING_LICENCE -> DrivingLicenceParser.parse(safeLines, today);
        case VOTER_ID -> VoterIdParser.parse(safeLines);
        case PHOTO, STATEMENT -> PlainTextParser.parse(type, safeLines);
      };
    } catch (RuntimeException e) {
      // A parser bug must not fail the upload; the message could quote the text, so it is dropped.
      return DocumentFields.nothingFound(type, "the text could not be read");
    }
  }

  /**
   * {@code text} with every 12-digit number masked to {@code XXXX XXXX 1234}, as an Aadhaar number
   * is everywhere Bellhop keeps text it did not parse (a statement's header, a photo's text).
   */
  public static String maskAadhaarNumbers(String text) {
    return AadhaarParser.maskNumbers(text);
  }
}
