package io.bellhop.uploads.inspect;

import io.bellhop.uploads.inspect.StatementSummary.Cell;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Reads the parts of an XLSX the statement summary needs, as streams of XML events (the JDK's StAX,
 * no DTDs, no external entities; text arrives in chunks, so a huge cell costs no memory): a
 * worksheet's rows, first row and formula cells, and the first shared strings, which the first
 * row's text cells point into.
 */
final class XlsxSheet {
  /** Shared strings kept to resolve the header: a header's are among the first written. */
  static final int SHARED_STRINGS_KEPT = 1000;

  private static final XMLInputFactory XML = xmlFactory();

  long rows;
  int columns;
  long formulas;
  final List<Cell> firstFormulas = new ArrayList<>();

  /** The first row's cells: a shared string's index when {@code sharedIndex[i]}, else its text. */
  final List<String> header = new ArrayList<>();

  final List<Boolean> sharedIndex = new ArrayList<>();

  /** Reads {@code sheet}, a worksheet part ({@code xl/worksheets/sheetN.xml}). */
  static XlsxSheet read(InputStream sheet) throws XMLStreamException {
    var found = new XlsxSheet();
    XMLStreamReader xml = XML.createXMLStreamReader(sheet);
    long row = 0;
    int column = 0;
    boolean inFirstRow = false;
    boolean inValue = false;
    StringBuilder text = new StringBuilder();
    String type = null;
    while (xml.hasNext()) {
      int event = xml.next();
      if (event == XMLStreamConstants.START_ELEMENT) {
        switch (xml.getLocalName()) {
          case "row" -> {
            found.rows++;
            row = number(xml.getAttributeValue(null, "r"), row + 1);
            column = 0;
            inFirstRow = found.rows == 1;
          }
          case "c" -> {
            column = columnOf(xml.getAttributeValue(null, "r"), column + 1);
            type = xml.getAttributeValue(null, "t");
            text.setLength(0);
          }
          case "f" -> {
            found.formulas++;
            if (found.firstFormulas.size() < StatementSummary.POSITIONS) {
              found.firstFormulas.add(new Cell(row, column));
            }
          }
          case "v", "t" -> inValue = inFirstRow;
          default -> {}
        }
      } else if (event == XMLStreamConstants.CHARACTERS && inValue) {
        int room = StatementSummary.CELL_CHARS - text.length();
        text.append(
            xml.getTextCharacters(), xml.getTextStart(), Math.min(room, xml.getTextLength()));
      } else if (event == XMLStreamConstants.END_ELEMENT) {
        switch (xml.getLocalName()) {
          case "v", "t" -> inValue = false;
          case "c" -> {
            if (inFirstRow) {
              found.columns = Math.max(found.columns, column);
              if (found.header.size() < StatementSummary.HEADER_CELLS) {
                found.header.add(text.toString());
                found.sharedIndex.add("s".equals(type));
              }
            }
          }
          case "row" -> inFirstRow = false;
          default -> {}
        }
      }
    }
    return found;
  }

  /**
   * The first {@link #SHARED_STRINGS_KEPT} strings of a shared strings part ({@code
   * xl/sharedStrings.xml}), each cut to the header's cell length.
   */
  static List<String> sharedStrings(InputStream part) throws XMLStreamException {
    List<String> strings = new ArrayList<>();
    XMLStreamReader xml = XML.createXMLStreamReader(part);
    StringBuilder text = new StringBuilder();
    boolean inText = false;
    while (xml.hasNext() && strings.size() < SHARED_STRINGS_KEPT) {
      int event = xml.next();
      if (event == XMLStreamConstants.START_ELEMENT) {
        switch (xml.getLocalName()) {
          case "si" -> text.setLength(0);
          case "t" -> inText = true;
          default -> {}
        }
      } else if (event == XMLStreamConstants.CHARACTERS && inText) {
        int room = StatementSummary.CELL_CHARS - text.length();
        text.append(
            xml.getTextCharacters(), xml.getTextStart(), Math.min(room, xml.getTextLength()));
      } else if (event == XMLStreamConstants.END_ELEMENT) {
        switch (xml.getLocalName()) {
          case "t" -> inText = false;
          case "si" -> strings.add(text.toString());
          default -> {}
        }
      }
    }
    return strings;
  }

  /** The summary, the header's shared strings looked up in {@code shared}. */
  StatementSummary summary(List<String> shared) {
    List<String> cells = new ArrayList<>();
    for (int i = 0; i < header.size(); i++) {
      String cell = header.get(i);
      if (sharedIndex.get(i)) {
        int index = (int) number(cell, -1);
        cell = index >= 0 && index < shared.size() ? shared.get(index) : "";
      }
      cells.add(cell);
    }
    return new StatementSummary(Math.max(0, rows - 1), columns, cells, formulas, firstFormulas);
  }

  /** The column number of a cell reference such as {@code AB12}; {@code otherwise} without one. */
  static int columnOf(String reference, int otherwise) {
    if (reference == null) {
      return otherwise;
    }
    int column = 0;
    for (int i = 0; i < reference.length() && i < 3; i++) {
      char c = reference.charAt(i);
      if (c < 'A' || c > 'Z') {
        break;
      }
      column = column * 26 + (c - 'A' + 1);
    }
    return column == 0 ? otherwise : column;
  }

  private static long number(String digits, long otherwise) {
    if (digits == null || digits.isEmpty() || digits.length() > 12) {
      return otherwise;
    }
    for (int i = 0; i < digits.length(); i++) {
      if (digits.charAt(i) < '0' || digits.charAt(i) > '9') {
        return otherwise;
      }
    }
    return Long.parseLong(digits);
  }

  private static XMLInputFactory xmlFactory() {
    XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
    factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    factory.setProperty(XMLInputFactory.IS_COALESCING, false);
    return factory;
  }
}
