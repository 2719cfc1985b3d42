package io.bellhop.bench;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Tree-less JSON read/write of plain maps, lists and scalars (jackson-core only, no databind). */
final class Json {
  static final JsonFactory FACTORY = new JsonFactory();

  private Json() {}

  static Object parse(byte[] bytes) throws IOException {
    try (JsonParser p = FACTORY.createParser(bytes)) {
      p.nextToken();
      return read(p);
    }
  }

  static Object parse(File file) throws IOException {
    try (JsonParser p = FACTORY.createParser(file)) {
      p.nextToken();
      return read(p);
    }
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> parseObject(File file) throws IOException {
    return (Map<String, Object>) parse(file);
  }

  private static Object read(JsonParser p) throws IOException {
    // A poly expression (its target is Object): each arm is boxed as it is, longs stay Long.
    return switch (p.currentToken()) {
      case START_OBJECT -> {
        Map<String, Object> m = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          p.nextToken();
          m.put(name, read(p));
        }
        yield m;
      }
      case START_ARRAY -> {
        List<Object> l = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          l.add(read(p));
        }
        yield l;
      }
      case VALUE_STRING -> p.getText();
      case VALUE_NUMBER_INT -> p.getLongValue();
      case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
      case VALUE_TRUE -> true;
      case VALUE_FALSE -> false;
      default -> null;
    };
  }

  static void write(File file, Object value) throws IOException {
    File parent = file.getAbsoluteFile().getParentFile();
    if (parent != null) {
      parent.mkdirs();
    }
    try (JsonGenerator g = FACTORY.createGenerator(file, JsonEncoding.UTF8)) {
      g.useDefaultPrettyPrinter();
      write(g, value);
    }
  }

  static String toString(Object value) {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = FACTORY.createGenerator(w)) {
      write(g, value);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return w.toString();
  }

  private static void write(JsonGenerator g, Object v) throws IOException {
    if (v == null) {
      g.writeNull();
    } else if (v instanceof Map<?, ?> m) {
      g.writeStartObject();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        g.writeFieldName(String.valueOf(e.getKey()));
        write(g, e.getValue());
      }
      g.writeEndObject();
    } else if (v instanceof Iterable<?> it) {
      g.writeStartArray();
      for (Object o : it) {
        write(g, o);
      }
      g.writeEndArray();
    } else if (v instanceof Double d) {
      g.writeNumber(Math.round(d * 1000.0) / 1000.0);
    } else if (v instanceof Number n) {
      g.writeNumber(n.longValue());
    } else if (v instanceof Boolean b) {
      g.writeBoolean(b);
    } else {
      g.writeString(v.toString());
    }
  }

  static long num(Map<String, Object> m, String key) {
    Object v = m.get(key);
    return v instanceof Number n ? n.longValue() : 0L;
  }

  static double dbl(Map<String, Object> m, String key) {
    Object v = m.get(key);
    return v instanceof Number n ? n.doubleValue() : 0.0;
  }
}
