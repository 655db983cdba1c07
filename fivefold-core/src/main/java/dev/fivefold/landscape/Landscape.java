package dev.fivefold.landscape;

import dev.fivefold.data.Dataset;
import dev.fivefold.nn.Module;
import dev.fivefold.nn.Parameter;
import dev.fivefold.train.ClassificationTask;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * A 2-D slice of a classifier's loss surface: L(α, β) = loss(θ₀ + α δ + β η) for two directions
 * δ, η (usually {@link Directions#filterNormalised}) on an n×n grid α, β ∈ [−span, span] (Li et
 * al. 2018, section 3). The model is evaluated in eval mode with
 * {@link ClassificationTask#evaluate}; its weights are restored exactly afterwards, also when an
 * evaluation throws.
 *
 * <p>The grid coordinates are span·(2i − (n − 1))/(n − 1), so with odd n the centre is exactly
 * (0, 0) and its loss is the model's.
 */
public final class Landscape {
  private Landscape() {}

  /**
   * The evaluated grid.
   * @param coords the n grid coordinates, shared by α and β
   * @param loss loss[i][j] at α = coords[j], β = coords[i] (mean cross-entropy, nats)
   * @param accuracy accuracy at the same points, in [0, 1]
   */
  public record Grid(double[] coords, double[][] loss, double[][] accuracy) {
    /**
     * The number of points per axis.
     * @return n
     */
    public int size() {
      return coords.length;
    }
  }

  /**
   * Grid coordinates span·(2i − (n − 1))/(n − 1), i = 0..n−1.
   * @param n the number of points, ≥ 2
   * @param span the half-width of the range, finite and &gt; 0
   * @return a new array of n coordinates from −span to span
   * @throws IllegalArgumentException if {@code n < 2} or span is not finite and positive
   */
  public static double[] coords(int n, double span) {
    if (n < 2) throw new IllegalArgumentException("grid (" + n + ") must be >= 2");
    if (!(span > 0) || Double.isInfinite(span)) throw new IllegalArgumentException("span (" + span + ") must be > 0");
    double[] c = new double[n];
    for (int i = 0; i < n; i++) c[i] = span * (2 * i - (n - 1)) / (double) (n - 1);
    return c;
  }

  /**
   * Evaluates the grid; {@code progress} (may be null) receives the number of points done.
   * @param model the classifier; its weights move during the call and are restored
   * @param data the examples the loss and accuracy are measured on
   * @param d1 the direction δ of α, one array per parameter ({@code model.parameters()} order)
   * @param d2 the direction η of β, likewise
   * @param n the number of points per axis, ≥ 2
   * @param span the half-width of the range, &gt; 0
   * @param progress receives the number of points evaluated after each point; may be null
   * @return the grid
   * @throws IllegalArgumentException if the directions do not match the parameters, or n or span is out of
   *     range
   */
  public static Grid evaluate(Module model, Dataset data, float[][] d1, float[][] d2, int n, double span, IntConsumer progress) {
    List<Parameter> ps = model.parameters();
    if (d1.length != ps.size() || d2.length != ps.size()) {
      throw new IllegalArgumentException("directions have " + d1.length + " and " + d2.length + " tensors, the model " + ps.size());
    }
    double[] c = coords(n, span);
    float[][] origin = new float[ps.size()][];
    for (int k = 0; k < ps.size(); k++) origin[k] = ps.get(k).value().data().clone();
    double[][] loss = new double[n][n], acc = new double[n][n];
    try {
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          move(ps, origin, d1, d2, c[j], c[i]);
          var r = ClassificationTask.evaluate(model, data, 1000);
          loss[i][j] = r.get("loss");
          acc[i][j] = r.get("accuracy");
          if (progress != null) progress.accept(i * n + j + 1);
        }
      }
    } finally {
      for (int k = 0; k < ps.size(); k++) System.arraycopy(origin[k], 0, ps.get(k).value().data(), 0, origin[k].length);
    }
    return new Grid(c, loss, acc);
  }

  /** θ ← θ₀ + α δ + β η. */
  static void move(List<Parameter> ps, float[][] origin, float[][] d1, float[][] d2, double a, double b) {
    for (int k = 0; k < ps.size(); k++) {
      float[] th = ps.get(k).value().data(), o = origin[k], u = d1[k], v = d2[k];
      if (u.length != o.length || v.length != o.length) throw new IllegalArgumentException("direction " + k + " has the wrong size");
      for (int q = 0; q < th.length; q++) th[q] = (float) (o[q] + a * u[q] + b * v[q]);
    }
  }
}
