package dev.fivefold.io;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal JSON (RFC 8259) reader and writer, enough for safetensors headers, metrics and
 * configurations.
 *
 * <p>Reading maps JSON to plain Java values: object to {@link LinkedHashMap}{@code <String,
 * Object>} (keys in file order; a duplicate key is an error), array to {@link ArrayList}, string to
 * {@link String}, a number without fraction or exponent that fits a {@code long} to {@link Long},
 * any other number to {@link Double}, {@code true}/{@code false} to {@link Boolean}, {@code null}
 * to {@code null}. Leading and trailing whitespace is allowed; anything else after the value is an
 * error. Nesting deeper than {@value #MAX_DEPTH} is rejected (no stack overflow on hostile input).
 * Malformed input raises {@link BadInputException} naming the source and the character position,
 * e.g. {@code "model.safetensors: JSON header at position 17: expected ':' but found ','"}.
 *
 * <p>Writing accepts {@link Map} (keys converted with {@code toString}), {@link Iterable}, Java
 * arrays (primitive or object), {@link CharSequence}, {@link Number}, {@link Boolean}, {@link
 * Enum} (its name) and {@code null}. NaN and infinite numbers have no JSON form and raise {@link
 * IllegalArgumentException}. {@link #write} is compact ({@code {"a":1,"b":[1,2]}}); {@link
 * #pretty} indents by two spaces.
 */
public final class Json {
  /** Maximum nesting depth of arrays and objects accepted by the reader. */
  public static final int MAX_DEPTH = 512;

  private Json() {}

  /**
   * Parses {@code text}; errors name the source as {@code "JSON"}.
   * @param text the JSON text
   * @return the value, as described in the class comment
   * @throws BadInputException if the text is not valid JSON or nests deeper than {@link #MAX_DEPTH}
   *     (naming the source and the position)
   */
  public static Object parse(String text) {
    return parse(text, "JSON");
  }

  /**
   * Parses {@code text}. {@code source} names the input in error messages (a file name, or "file:
   * header").
   * @param text the JSON text
   * @param source the input's name for messages
   * @return the value, as described in the class comment
   * @throws BadInputException if the text is not valid JSON or nests deeper than {@link #MAX_DEPTH}
   *     (naming the source and the position)
   */
  public static Object parse(String text, String source) {
    Reader r = new Reader(text, source);
    r.skipSpace();
    Object v = r.value(0);
    r.skipSpace();
    if (r.pos < text.length()) throw r.error("unexpected " + r.describe() + " after the value");
    return v;
  }

  /**
   * Compact JSON for {@code value}.
   * @param value a value of the types the class comment lists
   * @return the JSON text, on one line
   * @throws IllegalArgumentException if the value holds NaN, an infinity or a type that has no JSON form
   */
  public static String write(Object value) {
    StringBuilder sb = new StringBuilder();
    write(sb, value, -1, 0);
    return sb.toString();
  }

  /**
   * JSON for {@code value} indented by two spaces, one member or element per line.
   * @param value a value of the types the class comment lists
   * @return the JSON text, indented
   * @throws IllegalArgumentException if the value holds NaN, an infinity or a type that has no JSON form
   */
  public static String pretty(Object value) {
    StringBuilder sb = new StringBuilder();
    write(sb, value, 2, 0);
    return sb.toString();
  }

  // ---------------------------------------------------------------- writer

  private static void write(StringBuilder sb, Object v, int indent, int level) {
    switch (v) {
      case null -> sb.append("null");
      case CharSequence s -> quote(sb, s.toString());
      case Boolean b -> sb.append(b);
      case Enum<?> e -> quote(sb, e.name());
      case Double d -> number(sb, d, d.toString());
      case Float f -> number(sb, f, f.toString());
      case Number n -> sb.append(n);
      case Character c -> quote(sb, c.toString());
      case Map<?, ?> m -> {
        sb.append('{');
        int i = 0;
        for (Map.Entry<?, ?> e : m.entrySet()) {
          if (i++ > 0) sb.append(',');
          newline(sb, indent, level + 1);
          quote(sb, String.valueOf(e.getKey()));
          sb.append(indent < 0 ? ":" : ": ");
          write(sb, e.getValue(), indent, level + 1);
        }
        if (i > 0) newline(sb, indent, level);
        sb.append('}');
      }
      case Iterable<?> it -> {
        List<Object> items = new ArrayList<>();
        it.forEach(items::add);
        list(sb, items, indent, level);
      }
      default -> {
        if (!v.getClass().isArray()) {
          throw new IllegalArgumentException("cannot write " + v.getClass().getName() + " as JSON");
        }
        int n = Array.getLength(v);
        List<Object> items = new ArrayList<>(n);
        for (int i = 0; i < n; i++) items.add(Array.get(v, i));
        list(sb, items, indent, level);
      }
    }
  }

  private static void list(StringBuilder sb, List<Object> items, int indent, int level) {
    // Short lists of scalars (shapes, offsets) stay on one line even when pretty.
    boolean flat = indent < 0 || items.stream().allMatch(x -> x == null || x instanceof Number || x instanceof Boolean);
    sb.append('[');
    for (int i = 0; i < items.size(); i++) {
      if (i > 0) sb.append(flat && indent >= 0 ? ", " : ",");
      if (!flat) newline(sb, indent, level + 1);
      write(sb, items.get(i), indent, level + 1);
    }
    if (!flat && !items.isEmpty()) newline(sb, indent, level);
    sb.append(']');
  }

  private static void number(StringBuilder sb, double d, String text) {
    if (!Double.isFinite(d)) throw new IllegalArgumentException("JSON has no representation for " + d);
    sb.append(text);
  }

  private static void newline(StringBuilder sb, int indent, int level) {
    if (indent < 0) return;
    sb.append('\n');
    sb.repeat(' ', indent * level);
  }

  private static void quote(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        default -> {
          if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
          else sb.append(c);
        }
      }
    }
    sb.append('"');
  }

  // ---------------------------------------------------------------- reader

  private static final class Reader {
    final String s;
    final String source;
    int pos;

    Reader(String s, String source) {
      this.s = s;
      this.source = source;
    }

    BadInputException error(String what) {
      return new BadInputException(source + " at position " + pos + ": " + what);
    }

    String describe() {
      if (pos >= s.length()) return "end of input";
      char c = s.charAt(pos);
      return c < 0x20 || c > 0x7e ? String.format("character U+%04X", (int) c) : "'" + c + "'";
    }

    void skipSpace() {
      while (pos < s.length()) {
        char c = s.charAt(pos);
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
        pos++;
      }
    }

    void expect(char c) {
      if (pos >= s.length() || s.charAt(pos) != c) throw error("expected '" + c + "' but found " + describe());
      pos++;
    }

    Object value(int depth) {
      if (depth > MAX_DEPTH) throw error("nesting deeper than " + MAX_DEPTH);
      if (pos >= s.length()) throw error("expected a value but found end of input");
      char c = s.charAt(pos);
      return switch (c) {
        case '{' -> object(depth);
        case '[' -> array(depth);
        case '"' -> string();
        case 't' -> literal("true", Boolean.TRUE);
        case 'f' -> literal("false", Boolean.FALSE);
        case 'n' -> literal("null", null);
        default -> {
          if (c == '-' || (c >= '0' && c <= '9')) yield number();
          throw error("expected a value but found " + describe());
        }
      };
    }

    Object literal(String word, Object v) {
      if (!s.startsWith(word, pos)) throw error("expected '" + word + "' but found " + describe());
      pos += word.length();
      return v;
    }

    Map<String, Object> object(int depth) {
      Map<String, Object> m = new LinkedHashMap<>();
      pos++; // '{'
      skipSpace();
      if (pos < s.length() && s.charAt(pos) == '}') {
        pos++;
        return m;
      }
      while (true) {
        skipSpace();
        if (pos >= s.length() || s.charAt(pos) != '"') throw error("expected a string key but found " + describe());
        int keyPos = pos;
        String key = string();
        if (m.containsKey(key)) {
          pos = keyPos;
          throw error("duplicate key \"" + key + "\"");
        }
        skipSpace();
        expect(':');
        skipSpace();
        m.put(key, value(depth + 1));
        skipSpace();
        if (pos < s.length() && s.charAt(pos) == ',') {
          pos++;
          continue;
        }
        if (pos < s.length() && s.charAt(pos) == '}') {
          pos++;
          return m;
        }
        throw error("expected ',' or '}' but found " + describe());
      }
    }

    List<Object> array(int depth) {
      List<Object> a = new ArrayList<>();
      pos++; // '['
      skipSpace();
      if (pos < s.length() && s.charAt(pos) == ']') {
        pos++;
        return a;
      }
      while (true) {
        skipSpace();
        a.add(value(depth + 1));
        skipSpace();
        if (pos < s.length() && s.charAt(pos) == ',') {
          pos++;
          continue;
        }
        if (pos < s.length() && s.charAt(pos) == ']') {
          pos++;
          return a;
        }
        throw error("expected ',' or ']' but found " + describe());
      }
    }

    String string() {
      pos++; // opening quote
      StringBuilder sb = null;
      int start = pos;
      while (true) {
        if (pos >= s.length()) throw error("unterminated string");
        char c = s.charAt(pos);
        if (c == '"') {
          String out = sb == null ? s.substring(start, pos) : sb.append(s, start, pos).toString();
          pos++;
          return out;
        }
        if (c < 0x20) throw error("control character U+" + String.format("%04X", (int) c) + " in string");
        if (c != '\\') {
          pos++;
          continue;
        }
        if (sb == null) sb = new StringBuilder();
        sb.append(s, start, pos);
        pos++;
        if (pos >= s.length()) throw error("unterminated string");
        char e = s.charAt(pos);
        switch (e) {
          case '"', '\\', '/' -> sb.append(e);
          case 'b' -> sb.append('\b');
          case 'f' -> sb.append('\f');
          case 'n' -> sb.append('\n');
          case 'r' -> sb.append('\r');
          case 't' -> sb.append('\t');
          case 'u' -> {
            if (pos + 5 > s.length()) throw error("truncated \\u escape");
            int code = 0;
            for (int k = 1; k <= 4; k++) {
              int d = Character.digit(s.charAt(pos + k), 16);
              if (d < 0) throw error("bad hex digit in \\u escape: " + s.substring(pos - 1, pos + 5));
              code = code * 16 + d;
            }
            sb.append((char) code);
            pos += 4;
          }
          default -> throw error("bad escape \\" + e);
        }
        pos++;
        start = pos;
      }
    }

    Object number() {
      int start = pos;
      if (s.charAt(pos) == '-') pos++;
      if (pos >= s.length() || !isDigit(s.charAt(pos))) throw error("expected a digit but found " + describe());
      if (s.charAt(pos) == '0') {
        pos++;
        if (pos < s.length() && isDigit(s.charAt(pos))) throw error("leading zero in number");
      } else {
        while (pos < s.length() && isDigit(s.charAt(pos))) pos++;
      }
      boolean integral = true;
      if (pos < s.length() && s.charAt(pos) == '.') {
        integral = false;
        pos++;
        if (pos >= s.length() || !isDigit(s.charAt(pos))) throw error("expected a digit after '.' but found " + describe());
        while (pos < s.length() && isDigit(s.charAt(pos))) pos++;
      }
      if (pos < s.length() && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
        integral = false;
        pos++;
        if (pos < s.length() && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) pos++;
        if (pos >= s.length() || !isDigit(s.charAt(pos))) throw error("expected a digit in exponent but found " + describe());
        while (pos < s.length() && isDigit(s.charAt(pos))) pos++;
      }
      String text = s.substring(start, pos);
      if (integral) {
        try {
          return Long.parseLong(text);
        } catch (NumberFormatException tooBig) {
          // falls through to double
        }
      }
      return Double.parseDouble(text);
    }

    static boolean isDigit(char c) {
      return c >= '0' && c <= '9';
    }
  }
}
