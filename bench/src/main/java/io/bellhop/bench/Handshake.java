package io.bellhop.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Bellhop's stream handshake frame: {@code {"token":..,"services":[..],"version":1}} plus, to
 * resume, {@code "lastSeq"} and {@code "epoch"} exactly as {@code GET /v2/realtime/cursor} gave
 * them.
 */
final class Handshake {
  private Handshake() {}

  static String live(String token, List<String> services) {
    return resume(token, services, null, null);
  }

  static String resume(String token, List<String> services, Object lastSeq, Object epoch) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("token", token);
    if (services != null) {
      m.put("services", services);
    }
    m.put("version", 1);
    if (lastSeq != null) {
      m.put("lastSeq", lastSeq);
    }
    if (epoch != null) {
      m.put("epoch", epoch);
    }
    return Json.toString(m);
  }

  static List<String> services(String csv) {
    return List.of(csv.trim().split("\\s*,\\s*"));
  }
}
