package io.bellhop.uploads.ocr;

import io.bellhop.uploads.DocumentType;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Finds a machine-readable zone among OCR lines and reads it. OCR adds spaces, reads lower case,
 * and above all miscounts long runs of fillers, so a line is a candidate when it is close to an MRZ
 * length and its fillers are then added or removed where the check digits say they belong.
 */
final class MrzReader {
  /** How far from an MRZ length an OCR line may be: the fillers' miscount. */
  static final int LENGTH_TOLERANCE = 6;

  private static final int[] LENGTHS = {44, 36, 30};
  private static final int MAX_VARIANTS = 400;

  private MrzReader() {}

  /** A line in MRZ characters only, with its confidence. */
  /** A line in MRZ characters only, with its confidence. */
  record Candidate(String text, double confidence) {}

  static DocumentFields read(DocumentType type, List<OcrLine> lines, LocalDate today) {
    List<Candidate> candidates = new ArrayList<>();
    for (OcrLine line : lines) {
      String text = normalise(line.text());
      if (text.length() >= LENGTHS[LENGTHS.length - 1] / 2) {
        candidates.add(new Candidate(text, line.confidence()));
      }
    }
    MrzFields.Reading best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (int i = 0; i < candidates.size(); i++) {
      for (int length : LENGTHS) {
        int count = length == 30 ? 3 : 2;
        if (i + count > candidates.size()) {
          continue;
        }
        List<Candidate> window = candidates.subList(i, i + count);
        if (!window.stream().allMatch(c -> fits(c.text(), length))
            || window.stream().noneMatch(c -> c.text().contains("<<"))) {
          continue;
        }
        int distance = window.stream().mapToInt(c -> Math.abs(c.text().length() - length)).sum();
        MrzFields.Reading reading = readWindow(window, length, today);
        // Most check digits first, then the closest lengths; on a tie the lower zone.
        if (best == null
            || reading.checksHeld() > best.checksHeld()
            || (reading.checksHeld() == best.checksHeld() && distance <= bestDistance)) {
          best = reading;
          bestDistance = distance;
        }
      }
    }
    if (best == null) {
      return DocumentFields.nothingFound(type, "no machine-readable zone found");
    }
    List<String> reasons = new ArrayList<>(best.reasons());
    String code = best.fields().get(FieldName.DOCUMENT_CODE).value();
    if (type == DocumentType.VISA && !code.startsWith("V")) {
      reasons.add("the upload is a visa but its MRZ is not a visa's");
    } else if (type == DocumentType.PASSPORT && code.startsWith("V")) {
      reasons.add("the upload is a passport but its MRZ is a visa's");
    }
    return DocumentFields.of(type, best.fields(), reasons);
  }

  /**
   * Whether a line could be an MRZ line of {@code length}: within the tolerance once trailing
   * fillers are trimmed; a line ending in fillers may be short by any amount up to half (the names
   * line's padding is the run OCR miscounts most).
   */
  static boolean fits(String text, int length) {
    int trailing = text.length() - text.replaceAll("<+$", "").length();
    int excess = text.length() - length;
    if (excess > 0) {
      return excess - trailing <= LENGTH_TOLERANCE;
    }
    return -excess <= LENGTH_TOLERANCE || (trailing > 0 && text.length() * 2 >= length);
  }

  private static MrzFields.Reading readWindow(List<Candidate> window, int length, LocalDate today) {
    MrzLayout layout =
        MrzLayout.forShape(
            window.size(), length, Confusions.asLetter(window.get(0).text().charAt(0)));
    List<String> fixed = new ArrayList<>();
    double[] confidence = new double[window.size()];
    for (int i = 0; i < window.size(); i++) {
      Map<String, Integer> variants = variants(window.get(i).text(), length);
      String chosen = null;
      int chosenHeld = -1;
      int chosenCost = Integer.MAX_VALUE;
      for (Map.Entry<String, Integer> variant : variants.entrySet()) {
        int held = MrzFields.checksHeldOnLine(layout, i, variant.getKey());
        if (held > chosenHeld || (held == chosenHeld && variant.getValue() < chosenCost)) {
          chosen = variant.getKey();
          chosenHeld = held;
          chosenCost = variant.getValue();
        }
      }
      fixed.add(chosen);
      confidence[i] = Confusions.penalised(window.get(i).confidence(), chosenCost);
    }
    return MrzFields.read(layout, fixed, confidence, today);
  }

  /**
   * Upper case, no spaces, chevron look-alikes as fillers; empty when more than a tenth of the
   * characters cannot be MRZ characters.
   */
  static String normalise(String text) {
    String upper =
        text.toUpperCase(Locale.ROOT)
            .replace("«", "<<")
            .replace('‹', '<')
            .replace('＜', '<')
            .replaceAll("\\s+", "");
    char[] chars = upper.toCharArray();
    int foreign = 0;
    for (int i = 0; i < chars.length; i++) {
      char c = chars[i];
      if (!Confusions.isDigit(c) && !Confusions.isLetter(c) && c != '<') {
        chars[i] = '<';
        foreign++;
      }
    }
    return foreign * 10 > chars.length ? "" : new String(chars);
  }

  /**
   * Versions of {@code line} brought to {@code target} characters by adding or removing fillers,
   * each with its cost: edits inside the line cost 1, at its end nothing (the last filler run is
   * padding whose count OCR cannot be trusted with).
   */
  static Map<String, Integer> variants(String line, int target) {
    Map<String, Integer> current = new LinkedHashMap<>();
    current.put(line, 0);
    for (int step = 0; step < Math.abs(target - line.length()); step++) {
      boolean grow = line.length() < target;
      Map<String, Integer> next = new LinkedHashMap<>();
      for (Map.Entry<String, Integer> entry : current.entrySet()) {
        String s = entry.getKey();
        int cost = entry.getValue();
        if (grow) {
          offer(next, s + '<', cost);
        } else if (s.endsWith("<")) {
          offer(next, s.substring(0, s.length() - 1), cost);
        }
        for (int at = 0; at < s.length() - 1; at++) {
          if (s.charAt(at) == '<' && (at == 0 || s.charAt(at - 1) != '<')) {
            offer(
                next,
                grow
                    ? s.substring(0, at) + '<' + s.substring(at)
                    : s.substring(0, at) + s.substring(at + 1),
                cost + 1);
          }
        }
        if (next.size() >= MAX_VARIANTS) {
          break;
        }
      }
      current = next;
    }
    if (current.isEmpty()) {
      // Too long without fillers to remove: cut the end, then nothing will check.
      current.put(
          line.substring(0, Math.min(line.length(), target)), Math.abs(target - line.length()));
    }
    return current;
  }

  private static void offer(Map<String, Integer> variants, String variant, int cost) {
    variants.merge(variant, cost, Math::min);
  }
}
