package dev.fivefold.io;

import dev.fivefold.tensor.Tensor;
import java.util.Map;

/**
 * Checks that weights are finite before they are used. A checkpoint written after a divergence
 * (or a corrupted file) can hold NaN or ±infinity; scoring it silently reports "accuracy 0.1000 |
 * loss NaN" as if it were a result. Loaders of a model for scoring call {@link #require}.
 */
public final class Finite {
  private Finite() {}

  /**
   * The first non-finite entry of a map of tensors: tensor name, flat index and value.
   * @param tensor the tensor's name
   * @param index the flat (row-major) index of the entry
   * @param value the entry: NaN, +∞ or −∞
   */
  public record Bad(String tensor, int index, float value) {
    /** "tensor "fc1.weight" has NaN at index 17 (and 3 more non-finite values)". */
    String describe(long more) {
      String v = Float.isNaN(value) ? "NaN" : value > 0 ? "+infinity" : "-infinity";
      return "tensor \"" + tensor + "\" has " + v + " at index " + index + (more > 0 ? " (and " + more + " more non-finite values)" : "");
    }
  }

  /**
   * Number of NaN or infinite entries of {@code t}.
   * @param t the tensor
   * @return the count, ≥ 0
   */
  public static long count(Tensor t) {
    long n = 0;
    for (float v : t.data()) if (!Float.isFinite(v)) n++;
    return n;
  }

  /**
   * The first non-finite value in iteration order of {@code tensors}, or null if all are finite.
   * @param tensors tensors by name
   * @return the first non-finite entry, or null
   */
  public static Bad first(Map<String, Tensor> tensors) {
    for (var e : tensors.entrySet()) {
      float[] d = e.getValue().data();
      for (int i = 0; i < d.length; i++) if (!Float.isFinite(d[i])) return new Bad(e.getKey(), i, d[i]);
    }
    return null;
  }

  /**
   * Throws if any tensor holds NaN or ±infinity.
   * @param tensors tensors by name
   * @param source names the file in the message
   * @throws BadInputException {@code "<source>: tensor "w" has NaN at index 17 (and 3 more non-finite
   *     values); the weights are not usable (pass --allow-nonfinite to score them anyway)"}
   */
  public static void require(Map<String, Tensor> tensors, String source) {
    String m = check(tensors, source);
    if (m != null) throw new BadInputException(m + "; the weights are not usable (pass --allow-nonfinite to score them anyway)");
  }

  /**
   * The message {@link #require} would throw, without the advice, or null if all values are finite.
   * @param tensors tensors by name
   * @param source names the file in the message
   * @return {@code "<source>: tensor "w" has NaN at index 17 (and 3 more non-finite values)"}, or null
   */
  public static String check(Map<String, Tensor> tensors, String source) {
    Bad b = first(tensors);
    if (b == null) return null;
    long total = 0;
    for (Tensor t : tensors.values()) total += count(t);
    return source + ": " + b.describe(total - 1);
  }
}
