package dev.fivefold.compress.grad;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The compressors by spec string, so a worker on another machine (a Spark executor) can build the
 * same one from a string; each compressor's {@code toString()} is its spec, and
 * {@code parse(c.toString())} equals {@code c}. Forms, with defaults:
 * <pre>
 *   dense
 *   onebit[:scaling=column|tensor,momentum=M]               column, 0 (M &gt; 0: the worker's velocity inside the EF loop)
 *   signsgd
 *   topk:ratio=R[,values=V,selection=S,residual=E]          R = 0.001, V = fp32, S = layer, E = grad
 *   dgc:ratio=R,momentum=M,correction=on|off,clip=C,masking=on|off,warmup=W[,values=V,selection=S,residual=E,nesterov=on|off]
 *                                                           0.001, 0.9, on, 0 (none), on, 0, fp32, layer, grad, off
 *                                                           (V: fp32, fp16 or sign, {@link TopK.Values}; S: layer or global;
 *                                                           E: grad, or step for a residual of rate-weighted steps,
 *                                                           {@link GradientCompressor#weightsByRate()})
 *   sharedk:ratio=R,momentum=M,clip=C,values=V,selection=S  0.001, 0.9, 0, fp32, layer ({@link SharedTopK})
 *   randomk:ratio=R[,ef=on|off]                             0.001, off (unbiased)
 *   qsgd:levels=S[,bucket=B]                                S = 16, B = 512
 *   powersgd:rank=r[,ef=on|off]                             r = 4, on
 * </pre>
 * Errors name the spec and the value: "compressor (topk:ratio=2) : ratio (2.0) must be in (0, 1]".
 */
public final class Compressors {
  private Compressors() {}

  /** The kinds {@link #parse} knows. */
  public static final List<String> KINDS = List.of("dense", "onebit", "signsgd", "topk", "dgc", "sharedk", "randomk", "qsgd", "powersgd");

  /**
   * The compressor a spec string names.
   *
   * @param spec the spec string, as above
   * @return the compressor
   * @throws IllegalArgumentException naming the spec if it is blank, names no kind, has an unknown key, or a
   *     value is invalid
   */
  public static GradientCompressor parse(String spec) {
    if (spec == null || spec.isBlank()) throw new IllegalArgumentException("compressor spec (" + spec + ") must name one of " + String.join(", ", KINDS));
    String[] parts = spec.trim().split(":", 2);
    String kind = parts[0].toLowerCase(Locale.ROOT);
    Map<String, String> kv = pairs(spec, parts.length > 1 ? parts[1] : null);
    try {
      return switch (kind) {
        case "dense" -> only(spec, kv, List.of(), new Dense());
        case "onebit" -> only(spec, kv, List.of("scaling", "momentum"), new OneBit(scaling(kv.getOrDefault("scaling", "column")), num(kv, "momentum", 0)));
        case "signsgd" -> only(spec, kv, List.of(), new ScaledSign());
        case "topk" -> only(spec, kv, List.of("ratio", "values", "selection", "residual"),
            new TopK(num(kv, "ratio", 0.001), new TopK.Dgc(0, false, 0, false, 0, stepResidual(kv)), values(kv), global(kv)));
        case "dgc" -> only(spec, kv, List.of("ratio", "momentum", "correction", "clip", "masking", "warmup", "values", "selection", "residual", "nesterov"),
            new TopK(num(kv, "ratio", 0.001), new TopK.Dgc(num(kv, "momentum", 0.9), on(kv, "correction", true), num(kv, "clip", 0),
                on(kv, "masking", true), (long) num(kv, "warmup", 0), stepResidual(kv), on(kv, "nesterov", false)), values(kv), global(kv)));
        case "sharedk" -> only(spec, kv, List.of("ratio", "momentum", "clip", "values", "selection"),
            new SharedTopK(num(kv, "ratio", 0.001), num(kv, "momentum", 0.9), num(kv, "clip", 0), values(kv), global(kv)));
        case "randomk" -> only(spec, kv, List.of("ratio", "ef"), new RandomK(num(kv, "ratio", 0.001), on(kv, "ef", false)));
        case "qsgd" -> only(spec, kv, List.of("levels", "bucket"), new Qsgd((int) num(kv, "levels", 16), (int) num(kv, "bucket", 512)));
        case "powersgd" -> only(spec, kv, List.of("rank", "ef"), new PowerSgd((int) num(kv, "rank", 4), on(kv, "ef", true)));
        default -> throw new IllegalArgumentException("must name one of " + String.join(", ", KINDS));
      };
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("compressor (" + spec + "): " + e.getMessage(), e);
    }
  }

  private static GradientCompressor only(String spec, Map<String, String> kv, List<String> keys, GradientCompressor c) {
    for (String k : kv.keySet()) {
      if (!keys.contains(k)) throw new IllegalArgumentException("key (" + k + ") must be " + (keys.isEmpty() ? "absent" : "one of " + String.join(", ", keys)));
    }
    return c;
  }

  private static Map<String, String> pairs(String spec, String args) {
    Map<String, String> kv = new LinkedHashMap<>();
    if (args == null || args.isBlank()) return kv;
    for (String p : args.split(",")) {
      String[] a = p.split("=", 2);
      if (a.length != 2) throw new IllegalArgumentException("compressor (" + spec + "): '" + p + "' is not key=value");
      kv.put(a[0].trim().toLowerCase(Locale.ROOT), a[1].trim());
    }
    return kv;
  }

  private static double num(Map<String, String> kv, String k, double def) {
    String v = kv.get(k);
    if (v == null) return def;
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(k + " (" + v + ") is not a number");
    }
  }

  private static boolean on(Map<String, String> kv, String k, boolean def) {
    String v = kv.get(k);
    if (v == null) return def;
    return switch (v.toLowerCase(Locale.ROOT)) {
      case "on", "true", "yes" -> true;
      case "off", "false", "no" -> false;
      default -> throw new IllegalArgumentException(k + " (" + v + ") must be on or off");
    };
  }

  private static TopK.Values values(Map<String, String> kv) {
    String v = kv.getOrDefault("values", "fp32");
    return switch (v.toLowerCase(Locale.ROOT)) {
      case "fp32" -> TopK.Values.FP32;
      case "fp16" -> TopK.Values.FP16;
      case "sign" -> TopK.Values.SIGN;
      default -> throw new IllegalArgumentException("values (" + v + ") must be fp32, fp16 or sign");
    };
  }

  /**
   * Key {@code k}, one of two words: false for {@code no} (also when absent), true for {@code yes};
   * anything else is named in the error ("selection (row) must be layer or global").
   */
  private static boolean either(Map<String, String> kv, String k, String no, String yes) {
    String v = kv.getOrDefault(k, no);
    String w = v.toLowerCase(Locale.ROOT);
    if (w.equals(no)) return false;
    if (w.equals(yes)) return true;
    throw new IllegalArgumentException(k + " (" + v + ") must be " + no + " or " + yes);
  }

  private static boolean stepResidual(Map<String, String> kv) {
    return either(kv, "residual", "grad", "step");
  }

  private static boolean global(Map<String, String> kv) {
    return either(kv, "selection", "layer", "global");
  }

  private static OneBit.Scaling scaling(String v) {
    return switch (v.toLowerCase(Locale.ROOT)) {
      case "column" -> OneBit.Scaling.COLUMN;
      case "tensor" -> OneBit.Scaling.TENSOR;
      default -> throw new IllegalArgumentException("scaling (" + v + ") must be column or tensor");
    };
  }

  /** Checks a sparsification ratio: in (0, 1]. */
  static void checkRatio(double ratio) {
    if (!(ratio > 0 && ratio <= 1)) throw new IllegalArgumentException("ratio (" + ratio + ") must be in (0, 1]");
  }

  static void checkRound(GradientCompressor c, int round) {
    if (round != 0) throw new IllegalArgumentException("round (" + round + ") must be 0 for " + c.name() + " (one exchange per step)");
  }

  /** A seed for stream {@code salt} of worker {@code worker} in a run seeded {@code seed} (SplitMix64 finaliser). */
  static long mix(long seed, int worker, long salt) {
    long z = seed * 0x9E3779B97F4A7C15L + worker * 0xBF58476D1CE4E5B9L + salt;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
