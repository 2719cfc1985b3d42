package io.bellhop.uploads.inspect;

import io.bellhop.uploads.UploadError;
import io.bellhop.uploads.UploadException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads CSV records as RFC 4180 defines them: fields separated by commas, records by CRLF (a lone
 * LF or CR is taken too), a field in double quotes may hold commas, line breaks and doubled quotes.
 * Strict where the RFC is: a quote inside an unquoted field, text after a closing quote, or a quote
 * left open at the end is refused. UTF-8 only (one leading BOM skipped), no NUL characters, and no
 * record longer than a bound, so memory stays bounded whatever the file. Blank lines are skipped.
 */
final class CsvRecords {
  private static final int EOF = -1;

  private final Reader in;
  private final int maxRecordChars;
  private int line = 1;
  private int recordChars;
  private boolean started;
  private final char[] buffer = new char[16 * 1024];
  private int position;
  private int limit;

  CsvRecords(InputStream bytes, int maxRecordChars) {
    var utf8 =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    this.in = new InputStreamReader(bytes, utf8);
    this.maxRecordChars = maxRecordChars;
  }

  /** The line (1-based, counting line breaks inside quotes) the next record starts on. */
  int line() {
    return line;
  }

  /**
   * The next record's fields, or null at the end.
   *
   * @throws UploadException {@code UNSUPPORTED_TYPE}: the bytes are not CSV
   */
  List<String> nextRecord() throws UploadException, IOException {
    try {
      return read();
    } catch (CharacterCodingException e) {
      throw refused("it is not UTF-8 text (near line " + line + ")");
    }
  }

  private List<String> read() throws UploadException, IOException {
    int c = raw();
    if (!started) {
      started = true;
      if (c == '\uFEFF') {
        c = raw();
      }
    }
    while (c == '\r' || c == '\n') {
      lineBreak(c);
      c = raw();
    }
    if (c == EOF) {
      return null;
    }
    recordChars = 1;
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    while (true) {
      if (c == '"') {
        c = quoted(field);
      } else {
        while (c != ',' && c != '\r' && c != '\n' && c != EOF) {
          if (c == '"') {
            throw refused("line " + line + " has a quote inside an unquoted field");
          }
          field.append((char) c);
          c = next();
        }
      }
      fields.add(field.toString());
      field.setLength(0);
      if (c != ',') {
        if (c != EOF) {
          lineBreak(c);
        }
        return fields;
      }
      c = next();
    }
  }

  /** Reads a quoted field after its opening quote; returns the character after the closing one. */
  private int quoted(StringBuilder field) throws UploadException, IOException {
    int openedOn = line;
    for (int c = next(); ; c = next()) {
      if (c == EOF) {
        throw refused("a quote opened on line " + openedOn + " is never closed");
      }
      if (c == '"') {
        c = next();
        if (c != '"') {
          if (c != ',' && c != '\r' && c != '\n' && c != EOF) {
            throw refused("line " + line + " has text after a closing quote");
          }
          return c;
        }
      } else if (c == '\r' || c == '\n') {
        lineBreak(c);
        field.append('\n');
        continue;
      }
      field.append((char) c);
    }
  }

  /** Consumes the rest of a line break that started with {@code c}: the LF of a CRLF. */
  private void lineBreak(int c) throws IOException {
    line++;
    if (c == '\r' && peek() == '\n') {
      position++;
    }
  }

  /** The next character within a record, counted against the bound. */
  private int next() throws UploadException, IOException {
    if (++recordChars > maxRecordChars) {
      throw refused(
          "the record starting near line "
              + line
              + " is longer than "
              + maxRecordChars
              + " characters");
    }
    return raw();
  }

  /** The next character without consuming it; EOF at the end. */
  private int peek() throws IOException {
    if (position == limit) {
      int n = in.read(buffer, 0, buffer.length);
      if (n <= 0) {
        return EOF;
      }
      position = 0;
      limit = n;
    }
    return buffer[position];
  }

  private int raw() throws UploadException, IOException {
    int c = peek();
    if (c != EOF) {
      position++;
    }
    if (c == 0) {
      throw refused("it holds a NUL character on line " + line + " (binary, not text)");
    }
    return c;
  }

  static UploadException refused(String why) {
    return new UploadException(
        UploadError.UNSUPPORTED_TYPE,
        "the file does not parse as CSV: " + why + "; the upload was discarded");
  }
}
