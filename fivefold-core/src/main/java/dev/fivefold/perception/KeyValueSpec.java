package dev.fivefold.perception;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code key=value,key=value} argument form of model specs ({@code gpt:…}, {@code vit:…}),
 * parsed once for every family that uses it. Errors name the whole spec.
 */
final class KeyValueSpec {
  private KeyValueSpec() {}

  /**
   * The pairs of {@code args} (null or empty: none), keys and values trimmed, in order.
   *
   * @param family names the family in the unknown-key message
   * @param keys the keys allowed, or null for any
   */
  static Map<String, String> pairs(String spec, String args, String family, List<String> keys) {
    Map<String, String> kv = new LinkedHashMap<>();
    if (args == null || args.isEmpty()) return kv;
    for (String p : args.split(",")) {
      String[] a = p.split("=", 2);
      if (a.length != 2) throw new IllegalArgumentException("model spec (" + spec + "): '" + p + "' is not key=value");
      String k = a[0].trim();
      if (keys != null && !keys.contains(k)) {
        throw new IllegalArgumentException("model spec (" + spec + "): " + family + " key (" + k + ") must be one of " + String.join(", ", keys));
      }
      kv.put(k, a[1].trim());
    }
    return kv;
  }

  /** The integer under {@code k}, or {@code def} if absent. */
  static int intOf(Map<String, String> kv, String k, int def, String spec) {
    String v = kv.get(k);
    if (v == null) return def;
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("model spec (" + spec + "): " + k + " (" + v + ") is not an integer");
    }
  }
}
