package io.bellhop.uploads.ocr;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads tesseract's TSV output: one row per page, block, paragraph, line and word; only word rows
 * (level 5) carry text and a confidence (0-100, -1 for none). Words are gathered into their lines.
 */
final class TesseractTsv {
  private static final int COLUMNS = 12;
  private static final int LEVEL = 0;
  private static final int CONFIDENCE = 10;
  private static final int TEXT = 11;
  private static final String WORD_LEVEL = "5";

  private TesseractTsv() {}

  static List<OcrLine> parse(String tsv) {
    Map<String, LineBuilder> lines = new LinkedHashMap<>();
    for (String row : (Iterable<String>) tsv.lines()::iterator) {
      String[] cells = row.split("\t", -1);
      if (cells.length < COLUMNS || !cells[LEVEL].equals(WORD_LEVEL)) {
        continue;
      }
      double confidence;
      try {
        confidence = Double.parseDouble(cells[CONFIDENCE]);
      } catch (NumberFormatException e) {
        continue;
      }
      String word = cells[TEXT].strip();
      if (confidence < 0 || word.isEmpty()) {
        continue;
      }
      // page, block, paragraph and line numbers identify the line
      String key = cells[1] + '/' + cells[2] + '/' + cells[3] + '/' + cells[4];
      lines.computeIfAbsent(key, k -> new LineBuilder()).add(word, confidence);
    }
    List<OcrLine> result = new ArrayList<>(lines.size());
    for (LineBuilder line : lines.values()) {
      result.add(line.build());
    }
    return result;
  }

  private static final class LineBuilder {
    private final StringBuilder text = new StringBuilder();
    private double confidenceSum;
    private int words;

    void add(String word, double confidence) {
      if (words > 0) {
        text.append(' ');
      }
      text.append(word);
      confidenceSum += confidence;
      words++;
    }

    OcrLine build() {
      double mean = confidenceSum / words / 100;
      return new OcrLine(text.toString(), Math.max(0, Math.min(1, mean)));
    }
  }
}
