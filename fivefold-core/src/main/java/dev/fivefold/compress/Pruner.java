package dev.fivefold.compress;

import dev.fivefold.nn.Module;
import dev.fivefold.nn.Parameter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Unstructured magnitude pruning (Han et al., "Learning both Weights and Connections", NIPS 2015;
 * "Deep Compression", ICLR 2016, §2). Lifecycle as PyTorch's {@code torch.ao.pruning}:
 * {@link #prepare} (all-ones masks) → {@link #step(double)} (re-rank and update the masks to a
 * sparsity, usually from a {@link SparsitySchedule}) → {@link #squash} (masks applied, returned).
 *
 * <p>Three criteria, all keeping the largest |w|:
 * <ul>
 *   <li>{@link #perLayerQuality}: Han's threshold per layer, prune |w| ≤ quality · std(w_layer);
 *   <li>{@link #perLayerSparsity}: every layer pruned to the same fraction;
 *   <li>{@link #global}: one threshold across all layers chosen so the overall fraction pruned is
 *       the target (layers end up with different sparsities).
 * </ul>
 * Fractions are exact: the ⌊s·n⌋ smallest |w| are pruned, ties broken by position (lower first).
 * Already-pruned weights are 0, so they are ranked first and stay pruned when the sparsity grows.
 * NaN weights rank as the largest (kept), so they surface rather than hide.
 */
public final class Pruner {
  /** How {@link #step} ranks weights. */
  public enum Scope {
    /** Every layer pruned to the same sparsity ({@link Pruner#perLayerSparsity}). */
    PER_LAYER,
    /** One threshold across all layers ({@link Pruner#global}). */
    GLOBAL
  }

  private final Map<String, Parameter> params;
  private final Scope scope;
  private Masks masks;

  /**
   * A pruner over {@code params} (copied, in their order) ranking by {@code scope}; call {@link #prepare} or
   * {@link #step} next.
   *
   * @param params the parameters to prune, by name, at least one
   * @param scope how {@link #step} ranks weights
   * @throws IllegalArgumentException if {@code params} is empty
   */
  public Pruner(Map<String, Parameter> params, Scope scope) {
    if (params.isEmpty()) throw new IllegalArgumentException("no parameters to prune");
    this.params = new LinkedHashMap<>(params);
    this.scope = scope;
  }

  /**
   * The weight matrices and conv kernels of {@code m} (rank ≥ 2): what Han prunes; biases are left dense.
   *
   * @param m the model
   * @return its parameters of rank &ge; 2 by name, in the model's order
   */
  public static Map<String, Parameter> weights(Module m) {
    Map<String, Parameter> out = new LinkedHashMap<>();
    for (var e : m.namedParameters().entrySet()) if (e.getValue().value().rank() >= 2) out.put(e.getKey(), e.getValue());
    return out;
  }

  /**
   * All-ones masks; returns them (shared with this pruner).
   *
   * @return the masks, all entries kept
   */
  public Masks prepare() {
    masks = new Masks();
    for (var e : params.entrySet()) {
      boolean[] keep = new boolean[e.getValue().size()];
      Arrays.fill(keep, true);
      masks.put(e.getKey(), e.getValue(), keep);
    }
    return masks;
  }

  /**
   * Updates the masks in place to {@code sparsity} (by this pruner's scope) and applies them.
   *
   * @param sparsity the fraction pruned, in [0, 1]
   * @return the masks (shared with this pruner)
   * @throws IllegalArgumentException if {@code sparsity} is outside [0, 1]
   */
  public Masks step(double sparsity) {
    if (masks == null) prepare();
    Masks fresh = scope == Scope.GLOBAL ? global(params, sparsity) : perLayerSparsity(params, sparsity);
    for (var e : fresh.masks().entrySet()) System.arraycopy(e.getValue(), 0, masks.mask(e.getKey()), 0, e.getValue().length);
    masks.apply();
    return masks;
  }

  /**
   * The current masks (null before {@link #prepare}).
   *
   * @return the masks, or null
   */
  public Masks masks() {
    return masks;
  }

  /**
   * Applies the masks for good and returns them; the pruner is reset.
   *
   * @return the final masks
   * @throws IllegalStateException if called before {@link #prepare} or {@link #step}
   */
  public Masks squash() {
    if (masks == null) throw new IllegalStateException("squash before prepare");
    masks.apply();
    Masks m = masks;
    masks = null;
    return m;
  }

  /**
   * Han's rule: in each layer prune |w| ≤ quality · std(w). Applies the masks.
   *
   * @param params the parameters, by name
   * @param quality the threshold factor, &ge; 0
   * @return the new masks
   * @throws IllegalArgumentException if {@code quality} is negative or NaN
   */
  public static Masks perLayerQuality(Map<String, Parameter> params, double quality) {
    if (!(quality >= 0)) throw new IllegalArgumentException("quality (" + quality + ") must be >= 0");
    Masks out = new Masks();
    for (var e : params.entrySet()) {
      float[] w = e.getValue().value().data();
      double t = quality * std(w);
      boolean[] keep = new boolean[w.length];
      for (int i = 0; i < w.length; i++) keep[i] = !(Math.abs(w[i]) <= t);
      out.put(e.getKey(), e.getValue(), keep);
    }
    out.apply();
    return out;
  }

  /**
   * Prunes the same fraction of every layer. Applies the masks.
   *
   * @param params the parameters, by name
   * @param sparsity the fraction pruned per layer, in [0, 1]
   * @return the new masks
   * @throws IllegalArgumentException if {@code sparsity} is outside [0, 1]
   */
  public static Masks perLayerSparsity(Map<String, Parameter> params, double sparsity) {
    checkSparsity(sparsity);
    Masks out = new Masks();
    for (var e : params.entrySet()) {
      float[] w = e.getValue().value().data();
      boolean[] keep = new boolean[w.length];
      Arrays.fill(keep, true);
      long[] keys = ranked(w);
      int prune = (int) Math.floor(sparsity * w.length);
      for (int i = 0; i < prune; i++) keep[(int) keys[i]] = false;
      out.put(e.getKey(), e.getValue(), keep);
    }
    out.apply();
    return out;
  }

  /**
   * One magnitude threshold across all layers pruning ⌊s·Σn⌋ weights. Applies the masks.
   *
   * @param params the parameters, by name; at most 256, each at most 2^24 entries
   * @param sparsity the fraction pruned overall, in [0, 1]
   * @return the new masks
   * @throws IllegalArgumentException if {@code sparsity} is outside [0, 1] or the sizes exceed the limits
   */
  public static Masks global(Map<String, Parameter> params, double sparsity) {
    checkSparsity(sparsity);
    String[] names = params.keySet().toArray(String[]::new);
    long total = 0;
    for (Parameter p : params.values()) total += p.size();
    if (total > Integer.MAX_VALUE) throw new IllegalArgumentException("too many weights for global pruning (" + total + ")");
    // key = |w| bits (32) | layer (8) | index (24): sortable, ties by layer then position
    long[] keys = new long[(int) total];
    int k = 0;
    if (names.length > 256) throw new IllegalArgumentException("global pruning supports at most 256 tensors, got " + names.length);
    for (int l = 0; l < names.length; l++) {
      float[] w = params.get(names[l]).value().data();
      if (w.length > (1 << 24)) throw new IllegalArgumentException(names[l] + ": more than 2^24 weights for global pruning");
      for (int i = 0; i < w.length; i++) keys[k++] = ((long) magnitudeBits(w[i]) << 32) | ((long) l << 24) | i;
    }
    Arrays.sort(keys);
    Masks out = new Masks();
    boolean[][] keep = new boolean[names.length][];
    for (int l = 0; l < names.length; l++) {
      keep[l] = new boolean[params.get(names[l]).size()];
      Arrays.fill(keep[l], true);
    }
    int prune = (int) Math.floor(sparsity * total);
    for (int i = 0; i < prune; i++) keep[(int) ((keys[i] >>> 24) & 0xFF)][(int) (keys[i] & 0xFFFFFF)] = false;
    for (int l = 0; l < names.length; l++) out.put(names[l], params.get(names[l]), keep[l]);
    out.apply();
    return out;
  }

  /**
   * The magnitude threshold {@link #global} would use: the largest pruned |w| (0 when nothing is pruned).
   *
   * @param params the parameters, by name
   * @param sparsity the fraction pruned overall, in [0, 1]
   * @return the threshold, &ge; 0
   * @throws IllegalArgumentException if {@code sparsity} is outside [0, 1]
   */
  public static float globalThreshold(Map<String, Parameter> params, double sparsity) {
    checkSparsity(sparsity);
    int total = 0;
    for (Parameter p : params.values()) total += p.size();
    float[] all = new float[total];
    int k = 0;
    for (Parameter p : params.values()) for (float v : p.value().data()) all[k++] = Math.abs(v);
    Arrays.sort(all);
    int prune = (int) Math.floor(sparsity * total);
    return prune == 0 ? 0f : all[prune - 1];
  }

  /** Indices sorted by |w| ascending (ties by index), in the low 32 bits of each key. */
  static long[] ranked(float[] w) {
    long[] keys = new long[w.length];
    for (int i = 0; i < w.length; i++) keys[i] = ((long) magnitudeBits(w[i]) << 32) | i;
    Arrays.sort(keys);
    for (int i = 0; i < keys.length; i++) keys[i] &= 0xFFFFFFFFL;
    return keys;
  }

  /** Bits of |v| as a non-negative int that sorts like |v|; NaN sorts last. */
  private static int magnitudeBits(float v) {
    return Float.isNaN(v) ? Integer.MAX_VALUE : Float.floatToIntBits(Math.abs(v));
  }

  static double std(float[] w) {
    if (w.length == 0) return 0;
    double mean = 0;
    for (float v : w) mean += v;
    mean /= w.length;
    double var = 0;
    for (float v : w) var += (v - mean) * (v - mean);
    return Math.sqrt(var / w.length);
  }

  static void checkSparsity(double s) {
    if (!(s >= 0 && s <= 1)) throw new IllegalArgumentException("sparsity (" + s + ") must be in [0, 1]");
  }
}
