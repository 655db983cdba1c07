package dev.fivefold.nn;

import dev.fivefold.compress.Inference;

import dev.fivefold.perception.Mlp;
import dev.fivefold.tensor.kernel.Gemm;
import dev.fivefold.tensor.kernel.VecOps;

/**
 * The implementation before the one forward (kept verbatim as a test oracle: the models\' tape-free
 * forward must give bit-identical logits). Inference-only forward pass of a ReLU {@link Mlp} on raw arrays, without the tape: each layer is
 * either dense, y = x·Wᵀ + b by {@link Gemm#sgemm} (out·in multiply-adds per sample), or sparse,
 * the same product from the CSR of W's non-zeros by {@link SparseLinear} (nnz multiply-adds per
 * sample), so a pruned model runs without being densified. Both forms see the same weights and give
 * the same logits up to float rounding (the sums run in different orders).
 *
 * <p>What it is for: measuring what pruning buys at inference. Unstructured pruning keeps the
 * shapes and needs the sparse form to save work; structured pruning ({@link StructuredPruning})
 * gives a smaller dense model that the dense form runs.
 *
 * <p>Scratch buffers are kept for the last batch size, so repeated calls at one batch size do not
 * allocate. Not thread-safe (one instance per caller); the kernels themselves use the
 * {@code Parallel} pool.
 */
public final class LegacyMlpInference {
  private final Inference.Kind kind;
  private final int[] sizes;
  private final float[][] weights, biases;
  private final SparseLinear[] sparse;
  private int scratchBatch = -1;
  private float[][] acts;
  private float[] xt, yt;

  private LegacyMlpInference(Mlp m, Inference.Kind kind) {
    if (!m.activation().equals("relu")) throw new IllegalArgumentException("MlpInference runs ReLU MLPs, got activation " + m.activation());
    this.kind = kind;
    this.sizes = m.sizes();
    int n = m.layers().size();
    weights = new float[n][];
    biases = new float[n][];
    sparse = new SparseLinear[n];
    for (int l = 0; l < n; l++) {
      Linear lin = m.layers().get(l);
      weights[l] = lin.weight().value().data().clone();
      biases[l] = lin.bias() == null ? new float[sizes[l + 1]] : lin.bias().value().data().clone();
      if (kind == Inference.Kind.SPARSE) sparse[l] = SparseLinear.of(lin.weight().value(), lin.bias() == null ? null : lin.bias().value());
    }
  }

  /** A snapshot of {@code m}'s current weights in the given form. */
  public static LegacyMlpInference of(Mlp m, Inference.Kind kind) {
    return new LegacyMlpInference(m, kind);
  }

  public Inference.Kind kind() {
    return kind;
  }

  public int features() {
    return sizes[0];
  }

  public int classes() {
    return sizes[sizes.length - 1];
  }

  /** Multiply-adds per sample, which is also the weight entries stored: Σ out·in (dense) or Σ nnz (sparse). */
  public long multiplyAdds() {
    long s = 0;
    for (int l = 0; l < weights.length; l++) s += kind == Inference.Kind.DENSE ? (long) sizes[l] * sizes[l + 1] : sparse[l].nonZeros();
    return s;
  }

  /**
   * Logits [batch, classes] of the inputs {@code x} [batch, features] (row-major). The returned
   * array is a scratch buffer, overwritten by the next call.
   */
  public float[] logits(float[] x, int batch) {
    if (batch < 1) throw new IllegalArgumentException("batch (" + batch + ") must be ≥ 1");
    if (x.length < (long) batch * sizes[0]) throw new IllegalArgumentException("input has " + x.length + " values, need batch " + batch + " × " + sizes[0]);
    ensureScratch(batch);
    float[] in = x;
    for (int l = 0; l < weights.length; l++) {
      int k = sizes[l], n = sizes[l + 1];
      float[] y = acts[l];
      if (kind == Inference.Kind.DENSE) {
        Gemm.sgemm(false, true, batch, n, k, in, 0, k, weights[l], 0, k, 0f, y, 0, n);
        VecOps.addRowBroadcast(y, 0, batch, n, biases[l], 0);
      } else {
        sparse[l].forward(in, batch, y, xt, yt);
      }
      if (l + 1 < weights.length) VecOps.relu(y, 0, y, 0, batch * n);
      in = y;
    }
    return acts[weights.length - 1];
  }

  private void ensureScratch(int batch) {
    if (batch == scratchBatch) return;
    acts = new float[weights.length][];
    int widest = 0;
    for (int l = 0; l < weights.length; l++) {
      acts[l] = new float[batch * sizes[l + 1]];
      widest = Math.max(widest, Math.max(sizes[l], sizes[l + 1]));
    }
    xt = new float[widest * batch];
    yt = new float[widest * batch];
    scratchBatch = batch;
  }
}
