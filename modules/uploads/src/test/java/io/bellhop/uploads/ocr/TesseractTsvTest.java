package io.bellhop.uploads.ocr;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class TesseractTsvTest {
  static final String HEADER =
      "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n";

  @Test
  void wordsAreGatheredIntoTheirLinesWithTheMeanConfidence() {
    String tsv =
        HEADER
            + "1\t1\t0\t0\t0\t0\t0\t0\t800\t600\t-1\t\n"
            + "4\t1\t1\t1\t1\t0\t10\t10\t300\t20\t-1\t\n"
            + "5\t1\t1\t1\t1\t1\t10\t10\t100\t20\t96.5\tPASSPORT\n"
            + "5\t1\t1\t1\t1\t2\t120\t10\t100\t20\t90.5\tPASSEPORT\n"
            + "5\t1\t2\t1\t1\t1\t10\t500\t700\t20\t80\tP<UTOERIKSSON<<ANNA\n"
            + "5\t1\t2\t1\t2\t1\t10\t530\t700\t20\t-1\t \n"
            + "5\t1\t2\t1\t3\t1\t10\t560\t700\t20\t70\tL898902C36UTO\n";

    assertEquals(
        List.of(
            new OcrLine("PASSPORT PASSEPORT", 0.935),
            new OcrLine("P<UTOERIKSSON<<ANNA", 0.80),
            new OcrLine("L898902C36UTO", 0.70)),
        TesseractTsv.parse(tsv));
  }

  @Test
  void malformedRowsAreSkipped() {
    assertEquals(
        List.of(new OcrLine("ok", 0.5)),
        TesseractTsv.parse(
            HEADER
                + "5\t1\t1\t1\t1\t1\t0\t0\t1\t1\tnot-a-number\tbad\n"
                + "5\t1\t1\t1\t1\n"
                + "garbage\n"
                + "5\t1\t1\t1\t2\t1\t0\t0\t1\t1\t50\tok\r\n"));
    assertEquals(List.of(), TesseractTsv.parse(""));
  }
}
