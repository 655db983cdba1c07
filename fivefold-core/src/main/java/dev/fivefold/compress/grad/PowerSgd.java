package dev.fivefold.compress.grad;

import dev.fivefold.tensor.Rng;

/**
 * PowerSGD (Vogels, Karimireddy &amp; Jaggi, "PowerSGD: Practical Low-Rank Gradient Compression for
 * Distributed Optimization", NeurIPS 2019, Algorithms 1 and 2): each matrix M (m × n, the tensor's
 * {@link Layout} view) is sent as a rank-r product from one step of subspace iteration,
 * warm-started from the last step's Q, in two all-reduces of summable payloads:
 * <pre>
 *   M_w = g_w + e_w                                  error feedback (if on)
 *   round 0:  P_w = M_w Q                 (m × r)    P = mean_w P_w;  P̂ = orthonormalise(P)
 *   round 1:  Q_w = M_wᵀ P̂               (n × r)    Q = mean_w Q_w
 *             e_w ← M_w − P̂ Q_wᵀ                     (the paper's local decompression)
 *   result:   P̂ Qᵀ = mean_w P̂ Q_wᵀ;   next step starts from this Q
 * </pre>
 * Vectors (biases) are sent dense in round 0, as in the paper. The initial Q is drawn N(0, 1) from
 * the run's seed alone, so every worker starts from the same one. P̂ by Gram–Schmidt on the
 * columns in order (sums in double); a column that vanishes stays 0.
 *
 * <p>Payloads are float32 (raw, since summable payloads must be summed in transit, not
 * entropy-coded). The rank must not exceed any matrix's smaller side ({@link #init} names the
 * tensor).
 *
 * @param rank r &ge; 1
 * @param errorFeedback keep the residual e (the paper's default); off for the SVD oracle test
 */
public record PowerSgd(int rank, boolean errorFeedback) implements GradientCompressor {
  /**
   * Checks the rank.
   *
   * @throws IllegalArgumentException if {@code rank} &lt; 1
   */
  public PowerSgd {
    if (rank < 1) throw new IllegalArgumentException("rank (" + rank + ") must be >= 1");
  }

  @Override
  public String name() {
    return "powersgd(r=" + rank + ")";
  }

  @Override
  public int rounds() {
    return 2;
  }

  @Override
  public boolean summable() {
    return true;
  }

  /**
   * @throws IllegalArgumentException if the rank is larger than a matrix's smaller side, naming it
   */
  @Override
  public WorkerState init(Layout l, long seed, int worker) {
    for (int t = 0; t < l.tensors(); t++) {
      if (l.isMatrix(t) && rank > Math.min(l.rows()[t], l.cols()[t])) {
        throw new IllegalArgumentException("rank (" + rank + ") is larger than layer " + l.names().get(t) + " (" + l.rows()[t] + " × " + l.cols()[t]
            + "): at most " + Math.min(l.rows()[t], l.cols()[t]));
      }
    }
    WorkerState s = new WorkerState(l, worker, null);
    float[][] q = s.slot("warm", lengths(l, false));
    Rng rng = new Rng(Compressors.mix(seed, -1, 0x504f574552L));
    for (float[] x : q) for (int j = 0; j < x.length; j++) x[j] = (float) rng.nextGaussian();
    return s;
  }

  /** Per tensor: m·r (P) or n·r (Q) for a matrix, 0 for a vector. */
  private int[] lengths(Layout l, boolean p) {
    int[] len = new int[l.tensors()];
    for (int t = 0; t < len.length; t++) len[t] = l.isMatrix(t) ? (p ? l.rows()[t] : l.cols()[t]) * rank : 0;
    return len;
  }

  @Override
  public byte[] compress(int round, float[][] gradient, float[][] previous, WorkerState state) {
    Layout l = state.layout();
    float[][] m = state.slot("residual");
    Wire.Out o = new Wire.Out();
    if (round == 0) {
      l.check(gradient, "gradient");
      float[][] q = state.slot("warm", lengths(l, false));
      for (int t = 0; t < m.length; t++) {
        float[] mt = m[t], g = gradient[t];
        if (errorFeedback) for (int j = 0; j < mt.length; j++) mt[j] += g[j];
        else System.arraycopy(g, 0, mt, 0, g.length);
        if (!l.isMatrix(t)) {
          o.floats(mt, 0, mt.length);
          continue;
        }
        int rows = l.rows()[t], cols = l.cols()[t];
        float[] p = new float[rows * rank];
        for (int i = 0; i < rows; i++) {
          for (int c = 0; c < rank; c++) {
            double acc = 0;
            for (int j = 0; j < cols; j++) acc += (double) mt[i * cols + j] * q[t][j * rank + c];
            p[i * rank + c] = (float) acc;
          }
        }
        o.floats(p, 0, p.length);
      }
      return o.bytes();
    }
    if (round != 1) throw new IllegalArgumentException("round (" + round + ") must be 0 or 1 for " + name());
    float[][] basis = state.slot("basis", lengths(l, true));
    float[][] vectors = state.slot("vectors", vectorLengths(l));
    if (previous == null || previous.length != m.length) throw new IllegalArgumentException("round 1 needs the aggregate of round 0 (" + m.length + " tensors)");
    for (int t = 0; t < m.length; t++) {
      float[] mt = m[t];
      if (!l.isMatrix(t)) {
        System.arraycopy(previous[t], 0, vectors[t], 0, mt.length);
        java.util.Arrays.fill(mt, 0f); // sent exactly
        continue;
      }
      int rows = l.rows()[t], cols = l.cols()[t];
      float[] ph = basis[t];
      System.arraycopy(previous[t], 0, ph, 0, ph.length);
      orthonormalise(ph, rows, rank);
      float[] qw = new float[cols * rank];
      for (int j = 0; j < cols; j++) {
        for (int c = 0; c < rank; c++) {
          double acc = 0;
          for (int i = 0; i < rows; i++) acc += (double) mt[i * cols + j] * ph[i * rank + c];
          qw[j * rank + c] = (float) acc;
        }
      }
      float[] local = product(ph, qw, rows, cols, rank);
      for (int j = 0; j < mt.length; j++) mt[j] = errorFeedback ? mt[j] - local[j] : 0f;
      o.floats(qw, 0, qw.length);
    }
    state.step++;
    return o.bytes();
  }

  private static int[] vectorLengths(Layout l) {
    int[] len = new int[l.tensors()];
    for (int t = 0; t < len.length; t++) len[t] = l.isMatrix(t) ? 0 : l.size(t);
    return len;
  }

  @Override
  public float[][] decode(int round, byte[] payload, Layout l) {
    if (round != 0 && round != 1) throw new IllegalArgumentException("round (" + round + ") must be 0 or 1 for " + name());
    Wire.In in = new Wire.In(payload);
    float[][] out = new float[l.tensors()][];
    for (int t = 0; t < out.length; t++) {
      int n = l.isMatrix(t) ? (round == 0 ? l.rows()[t] : l.cols()[t]) * rank : round == 0 ? l.size(t) : 0;
      out[t] = new float[n];
      in.floats(out[t], 0, n);
    }
    in.end();
    return out;
  }

  /** P̂ Qᵀ for the matrices, the round-0 means for the vectors; keeps Q for the warm start. */
  @Override
  public float[][] finish(float[][] aggregate, WorkerState state) {
    Layout l = state.layout();
    float[][] basis = state.slot("basis", lengths(l, true));
    float[][] vectors = state.slot("vectors", vectorLengths(l));
    float[][] warm = state.slot("warm", lengths(l, false));
    float[][] out = new float[l.tensors()][];
    for (int t = 0; t < out.length; t++) {
      if (!l.isMatrix(t)) {
        out[t] = vectors[t].clone();
        continue;
      }
      System.arraycopy(aggregate[t], 0, warm[t], 0, warm[t].length);
      out[t] = product(basis[t], aggregate[t], l.rows()[t], l.cols()[t], rank);
    }
    return out;
  }

  /** P Qᵀ: P is rows × r, Q is cols × r, both row-major. */
  static float[] product(float[] p, float[] q, int rows, int cols, int r) {
    float[] out = new float[rows * cols];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        double acc = 0;
        for (int c = 0; c < r; c++) acc += (double) p[i * r + c] * q[j * r + c];
        out[i * cols + j] = (float) acc;
      }
    }
    return out;
  }

  /** Gram–Schmidt on the r columns of the row-major rows × r matrix {@code p}, in place. */
  static void orthonormalise(float[] p, int rows, int r) {
    for (int c = 0; c < r; c++) {
      for (int prev = 0; prev < c; prev++) {
        double dot = 0;
        for (int i = 0; i < rows; i++) dot += (double) p[i * r + c] * p[i * r + prev];
        for (int i = 0; i < rows; i++) p[i * r + c] -= (float) (dot * p[i * r + prev]);
      }
      double sq = 0;
      for (int i = 0; i < rows; i++) sq += (double) p[i * r + c] * p[i * r + c];
      double norm = Math.sqrt(sq);
      for (int i = 0; i < rows; i++) p[i * r + c] = norm > 1e-30 ? (float) (p[i * r + c] / norm) : 0f;
    }
  }

  @Override
  public String toString() {
    return "powersgd:rank=" + rank + (errorFeedback ? "" : ",ef=off");
  }
}
