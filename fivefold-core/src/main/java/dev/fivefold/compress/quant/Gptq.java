package dev.fivefold.compress.quant;

import dev.fivefold.tensor.kernel.VecOps;

/**
 * GPTQ (Frantar, Ashkboos, Hoefler &amp; Alistarh, "GPTQ: Accurate Post-Training Quantization for
 * Generative Pre-trained Transformers", ICLR 2023, Algorithm 1): quantizes W [rows, cols] one
 * input column at a time and pushes each column's rounding error onto the columns not yet
 * quantized, weighted by the inverse Hessian of the layer's reconstruction error ‖WX − ŴX‖².
 *
 * <p>With H = 2·X·Xᵀ [cols, cols] from calibration inputs X (see {@link Calibration}):
 * <ol>
 *   <li>dead inputs (H_ii = 0) get H_ii = 1 and their weights are set to 0;</li>
 *   <li>damping: H ← H + λ·mean(diag H)·I;</li>
 *   <li>U = the upper Cholesky factor of H⁻¹ (H⁻¹ = UᵀU), in double precision;</li>
 *   <li>for i = 0 .. cols−1: q = quant(W[:, i]) on its row's grid; e = (W[:, i] − q) / U_ii;
 *       W[:, j] −= e·U_ij for j &gt; i.</li>
 * </ol>
 * Grids: per tensor and per channel fitted once to the original W (as RTN's); group-wise fitted to
 * the group's current (error-updated) weights when its first column is reached, as the reference
 * implementation does without static groups. Columns are taken in their natural order (no
 * act-order). Cost: O(cols³) for the factorisations plus rows·cols²/2 multiply-adds for the updates.
 */
public final class Gptq {
  private Gptq() {}

  /**
   * Quantizes W [rows, cols] (not modified) with the Hessian {@code h} [cols, cols] (row-major,
   * symmetric, e.g. {@link Calibration#hessians}).
   *
   * @param w0 the weights W, row-major [rows, cols]
   * @param rows outputs
   * @param cols inputs
   * @param h0 the Hessian H [cols, cols], not modified
   * @param cfg bits, scheme, granularity and damping λ
   * @return the quantized matrix
   * @throws IllegalArgumentException if h is not cols×cols, the group size does not divide cols, or
   *     H + damping is not positive definite
   */
  public static QuantizedMatrix quantize(float[] w0, int rows, int cols, double[] h0, QuantConfig cfg) {
    if (h0.length != (long) cols * cols) throw new IllegalArgumentException("Hessian (" + h0.length + " entries) must be cols × cols (" + cols + " × " + cols + ")");
    int g = cfg.group(cols);
    if (cols % g != 0) throw new IllegalArgumentException("group size (" + g + ") does not divide the row (" + cols + " inputs)");
    float[] w = w0.clone();
    double[] h = h0.clone();
    double mean = 0;
    for (int i = 0; i < cols; i++) {
      if (h[i * cols + i] == 0) {
        h[i * cols + i] = 1;
        for (int r = 0; r < rows; r++) w[r * cols + i] = 0f;
      }
      mean += h[i * cols + i];
    }
    mean /= cols;
    for (int i = 0; i < cols; i++) h[i * cols + i] += cfg.damping() * mean;
    float[] u = upperCholeskyOfInverse(h, cols);
    int groups = cols / g;
    boolean perTensor = cfg.granularity() == QuantConfig.Granularity.TENSOR;
    UniformGrid[] grids = new UniformGrid[rows];
    UniformGrid whole = perTensor ? UniformGrid.fit(cfg, w, 0, rows * cols, 1) : null;
    if (cfg.granularity() != QuantConfig.Granularity.GROUP) for (int r = 0; r < rows; r++) grids[r] = perTensor ? whole : UniformGrid.fit(cfg, w, r * cols, cols, 1);
    byte[] codes = new byte[rows * cols];
    float[] s = new float[rows * groups];
    int[] z = new int[rows * groups];
    float[] err = new float[rows];
    for (int i = 0; i < cols; i++) {
      int k = i / g;
      if (i % g == 0) {
        for (int r = 0; r < rows; r++) {
          if (cfg.granularity() == QuantConfig.Granularity.GROUP) grids[r] = UniformGrid.fit(cfg, w, r * cols + i, g, 1);
          s[r * groups + k] = grids[r].scale();
          z[r * groups + k] = grids[r].zero();
        }
      }
      float d = u[i * cols + i];
      for (int r = 0; r < rows; r++) {
        float x = w[r * cols + i];
        int q = grids[r].encode(x);
        codes[r * cols + i] = (byte) q;
        err[r] = (x - grids[r].decode(q)) / d;
      }
      int rest = cols - i - 1;
      if (rest > 0) for (int r = 0; r < rows; r++) VecOps.axpy(-err[r], u, i * cols + i + 1, w, r * cols + i + 1, rest);
    }
    return new QuantizedMatrix(rows, cols, cfg.bits(), cfg.scheme() == QuantConfig.Scheme.SYMMETRIC, perTensor, g, codes, s, z);
  }

  /** U with UᵀU = H⁻¹, U upper triangular, row-major float [n, n]: via L = chol(H), H⁻¹ = L⁻ᵀL⁻¹, then chol(H⁻¹). */
  static float[] upperCholeskyOfInverse(double[] h, int n) {
    double[] l = cholesky(h, n);
    // Linv: lower triangular inverse of l, by forward substitution column by column
    double[] li = new double[n * n];
    for (int j = 0; j < n; j++) {
      li[j * n + j] = 1 / l[j * n + j];
      for (int i = j + 1; i < n; i++) {
        double sum = 0;
        for (int k = j; k < i; k++) sum += l[i * n + k] * li[k * n + j];
        li[i * n + j] = -sum / l[i * n + i];
      }
    }
    // H⁻¹ = Linvᵀ·Linv
    double[] inv = new double[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j <= i; j++) {
        double sum = 0;
        for (int k = i; k < n; k++) sum += li[k * n + i] * li[k * n + j];
        inv[i * n + j] = sum;
        inv[j * n + i] = sum;
      }
    }
    double[] m = cholesky(inv, n); // lower M, M·Mᵀ = H⁻¹, so U = Mᵀ
    float[] u = new float[n * n];
    for (int i = 0; i < n; i++) for (int j = i; j < n; j++) u[i * n + j] = (float) m[j * n + i];
    return u;
  }

  /** Lower L with L·Lᵀ = a (row-major n×n, symmetric positive definite). */
  static double[] cholesky(double[] a, int n) {
    double[] l = new double[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j <= i; j++) {
        double sum = a[i * n + j];
        for (int k = 0; k < j; k++) sum -= l[i * n + k] * l[j * n + k];
        if (i == j) {
          if (!(sum > 0)) throw new IllegalArgumentException("Hessian + damping is not positive definite (pivot " + i + " is " + sum + "); raise the damping");
          l[i * n + i] = Math.sqrt(sum);
        } else {
          l[i * n + j] = sum / l[j * n + j];
        }
      }
    }
    return l;
  }
}
