package dev.fivefold.landscape;

import dev.fivefold.nn.Parameter;
import dev.fivefold.tensor.Rng;
import java.util.List;

/**
 * Random directions in weight space with filter normalisation (H. Li, Z. Xu, G. Taylor, C. Studer,
 * T. Goldstein, "Visualizing the Loss Landscape of Neural Nets", NeurIPS 2018, section 4).
 *
 * <p>For each parameter of rank ≥ 2 a Gaussian direction d of the same shape is drawn and every
 * filter — a slice along the first axis: a row [in] of a linear weight [out, in], a kernel
 * [in, k, k] of a conv weight [out, in, k, k] — is rescaled to the norm of the same filter of the
 * weight: d_i ← d_i · ‖θ_i‖ / ‖d_i‖. This removes the scale invariance of ReLU networks from the
 * plot, so landscapes of different models are comparable. Rank-1 parameters (biases, norm gains)
 * get a zero direction, as the paper's {@code ignore='biasbn'} does. A filter with ‖θ_i‖ = 0 gets
 * a zero direction; a Gaussian row is zero with probability 0.
 */
public final class Directions {
  private Directions() {}

  /**
   * One filter-normalised direction per parameter, in the order of {@code ps}.
   * @param ps the model's parameters
   * @param rng the source of the Gaussian entries (advanced by one draw per element of every rank ≥ 2
   *     parameter)
   * @return new arrays, one per parameter and of its size; zero for rank-1 parameters
   */
  public static float[][] filterNormalised(List<Parameter> ps, Rng rng) {
    float[][] d = new float[ps.size()][];
    for (int k = 0; k < ps.size(); k++) {
      Parameter p = ps.get(k);
      float[] w = p.value().data();
      d[k] = new float[w.length];
      if (p.value().rank() < 2) continue; // biases and gains: zero
      int rows = p.value().dim(0), cols = w.length / rows; // [out, in...] as [rows, cols]
      for (int r = 0; r < rows; r++) {
        double dn = 0, wn = 0;
        for (int c = r * cols; c < (r + 1) * cols; c++) {
          d[k][c] = (float) rng.nextGaussian();
          dn += (double) d[k][c] * d[k][c];
          wn += (double) w[c] * w[c];
        }
        double s = dn > 0 ? Math.sqrt(wn / dn) : 0;
        for (int c = r * cols; c < (r + 1) * cols; c++) d[k][c] = (float) (d[k][c] * s);
      }
    }
    return d;
  }

  /**
   * ‖row r of a [rows, cols] view of {@code v}‖₂.
   * @param v the values
   * @param cols the row length
   * @param r the row index
   * @return the Euclidean norm of {@code v[r·cols, (r+1)·cols)}
   */
  public static double rowNorm(float[] v, int cols, int r) {
    double s = 0;
    for (int c = r * cols; c < (r + 1) * cols; c++) s += (double) v[c] * v[c];
    return Math.sqrt(s);
  }
}
