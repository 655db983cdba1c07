package dev.fivefold.compress.sensing;

import dev.fivefold.compress.archive.SensedTensor;
import dev.fivefold.tensor.kernel.Parallel;

/**
 * One weight tensor through compressed sensing, block by block (block compressed sensing: Gan
 * 2007, "Block compressed sensing of natural images"), by the rules of {@link SensedTensor}:
 *
 * <pre>
 *   encode: s = Psi^T w                           (the {@link Basis}: identity, or per-filter 2-D DCT)
 *           per block of b coefficients: keep its k(b) largest |s| (the sparse target), y_b = A_b s_b
 *           store the seed, the geometry and y (float32, or int8 with a scale)
 *   decode: per block: s_b = recover(A_b, y_b)    ({@link Omp}, or {@link Fista} debiased on k(b))
 *           w = Psi s
 * </pre>
 *
 * {@code A_b} is {@link Measurement#of} the recipe's operator with {@code rows(b)} rows and {@code
 * b} columns from seed {@link #blockSeed}{@code (seed, b)}: every full block shares one operator.
 * Fixing {@code k} per block (rather than pruning the whole layer to one threshold) keeps every
 * block on the same side of the phase transition; a layer whose large weights cluster in a few
 * blocks pays for it in the weights pruned there.
 *
 * <p>Decoding runs the blocks in parallel ({@link Parallel}), each block alone in double precision,
 * so the weights are bit-identical for any thread count; the result is cast to float32.
 */
public final class LayerSensing {
  private LayerSensing() {}

  /**
   * What {@link #encode} gives.
   *
   * @param sensed the measurements and recipe, as the archive stores them
   * @param target the weights the measurements are of: {@code w} with all but {@code k(b)}
   *     coefficients per block zeroed (what exact recovery gives back), float32
   */
  public record Encoded(SensedTensor sensed, float[] target) {}

  /**
   * The operator seed of a block of {@code b} coefficients: {@code seed + 0x9E3779B97F4A7C15 * b}.
   *
   * @param seed the recipe's seed
   * @param b the block's length
   * @return the block operator's seed
   */
  public static long blockSeed(long seed, int b) {
    return seed + 0x9E3779B97F4A7C15L * b;
  }

  /**
   * Measures weights {@code w} of {@code shape} by {@code recipe}, the measurements stored at {@code bits} (32 or 8).
   *
   * @param name the parameter's name
   * @param w the weights, row-major
   * @param shape their shape
   * @param recipe the operator, basis, recovery and block geometry
   * @param bits 32 (float32 measurements) or 8 (int8 with a scale)
   * @return the sensed tensor and its sparse target
   */
  public static Encoded encode(String name, float[] w, int[] shape, SensedTensor.Recipe recipe, int bits) {
    Basis basis = Basis.of(recipe.basis());
    int n = w.length;
    double[] s = basis.analyze(toDouble(w), shape);
    float[] y = new float[Math.toIntExact(recipe.measurements(n))];
    int block = recipe.block();
    Measurement full = null;
    for (int off = 0, yo = 0; off < n; off += block) {
      int b = Math.min(block, n - off);
      TopK.keep(s, off, off + b, Math.min(b, recipe.sparsity(b)));
      Measurement a = b == block ? (full != null ? full : (full = operator(recipe, b))) : operator(recipe, b);
      double[] yb = new double[a.rows()];
      a.apply(java.util.Arrays.copyOfRange(s, off, off + b), yb);
      for (int i = 0; i < yb.length; i++) y[yo + i] = (float) yb[i];
      yo += yb.length;
    }
    float[] target = toFloat(basis.synthesize(s, shape));
    return new Encoded(new SensedTensor(name, shape, recipe, bits, SensedTensor.payload(y, bits)), target);
  }

  /**
   * The weights recovered from {@code t}'s measurements, in {@code t}'s shape (row-major), float32.
   *
   * @param t the sensed tensor
   * @return the recovered weights
   */
  public static float[] decode(SensedTensor t) {
    SensedTensor.Recipe r = t.recipe();
    int n = t.size(), block = r.block();
    int blocks = (n + block - 1) / block;
    float[] y = t.measurements();
    double[] s = new double[n];
    Measurement full = n >= block ? operator(r, block) : null;
    Measurement last = n % block != 0 ? operator(r, n % block) : null;
    Parallel.forRange(0, blocks, (lo, hi) -> {
      for (int j = lo; j < hi; j++) {
        int off = j * block, b = Math.min(block, n - off);
        Measurement a = b == block ? full : last;
        int yo = j * r.rows();
        double[] yb = new double[a.rows()];
        for (int i = 0; i < yb.length; i++) yb[i] = y[yo + i];
        double[] x = SparseRecovery.of(r, Math.min(b, r.sparsity(b))).recover(a, yb);
        System.arraycopy(x, 0, s, off, b);
      }
    });
    return toFloat(Basis.of(r.basis()).synthesize(s, t.shape()));
  }

  /** The operator of a block of {@code b} coefficients. */
  static Measurement operator(SensedTensor.Recipe r, int b) {
    return Measurement.of(r.operator(), r.rows(b), b, blockSeed(r.seed(), b));
  }

  static double[] toDouble(float[] w) {
    double[] d = new double[w.length];
    for (int i = 0; i < w.length; i++) d[i] = w[i];
    return d;
  }

  static float[] toFloat(double[] d) {
    float[] w = new float[d.length];
    for (int i = 0; i < d.length; i++) w[i] = (float) d[i];
    return w;
  }
}
