package dev.fivefold.perception.clip;

/**
 * A 2-D picture of points in the shared space: their coordinates on the first two principal
 * components (PCA of the centred points, by power iteration with deflation on the E×E covariance in
 * double, 200 iterations from a fixed start), with each point's class and whether it is a caption
 * (true) or an image (false). Sign of each component: its largest-magnitude loading positive.
 *
 * @param x first component, one value per point
 * @param y second component
 * @param label each point's class
 * @param caption true for a caption, false for an image
 * @param explained fraction of the total variance on each of the two components
 */
public record Projection(float[] x, float[] y, int[] label, boolean[] caption, double[] explained) {
  /**
   * Checks the per-point arrays have one length.
   *
   * @throws IllegalArgumentException if they differ
   */
  public Projection {
    if (x.length != y.length || x.length != label.length || x.length != caption.length) {
      throw new IllegalArgumentException("projection arrays differ in length (" + x.length + ", " + y.length + ", " + label.length + ", " + caption.length + ")");
    }
  }

  /**
   * The projection of {@code n} points {@code points} [n, e] (row-major).
   *
   * @throws IllegalArgumentException if n &lt; 2 or e &lt; 2
   * @param points n·e floats, row-major
   * @param n the points
   * @param e the dimension
   * @param label each point's class
   * @param caption each point's kind (true: caption)
   * @return the projection
   */
  public static Projection pca(float[] points, int n, int e, int[] label, boolean[] caption) {
    if (n < 2 || e < 2) throw new IllegalArgumentException("PCA needs at least 2 points (" + n + ") of at least 2 dimensions (" + e + ")");
    double[] mean = new double[e];
    for (int i = 0; i < n; i++) for (int d = 0; d < e; d++) mean[d] += points[i * e + d];
    for (int d = 0; d < e; d++) mean[d] /= n;
    double[][] cov = new double[e][e];
    double total = 0;
    for (int i = 0; i < n; i++) {
      for (int a = 0; a < e; a++) {
        double u = points[i * e + a] - mean[a];
        for (int b = 0; b < e; b++) cov[a][b] += u * (points[i * e + b] - mean[b]);
      }
    }
    for (int a = 0; a < e; a++) total += cov[a][a];
    double[][] comps = new double[2][];
    double[] explained = new double[2];
    for (int k = 0; k < 2; k++) {
      double[] v = new double[e];
      for (int d = 0; d < e; d++) v[d] = 1.0 / Math.sqrt(e) * (1 + 0.01 * d);
      double lambda = 0;
      for (int it = 0; it < 200; it++) {
        double[] w = new double[e];
        for (int a = 0; a < e; a++) for (int b = 0; b < e; b++) w[a] += cov[a][b] * v[b];
        double norm = 0;
        for (double z : w) norm += z * z;
        norm = Math.sqrt(norm);
        if (norm == 0) break;
        for (int d = 0; d < e; d++) v[d] = w[d] / norm;
        lambda = norm;
      }
      int big = 0;
      for (int d = 1; d < e; d++) if (Math.abs(v[d]) > Math.abs(v[big])) big = d;
      if (v[big] < 0) for (int d = 0; d < e; d++) v[d] = -v[d];
      comps[k] = v;
      explained[k] = total > 0 ? lambda / total : 0;
      for (int a = 0; a < e; a++) for (int b = 0; b < e; b++) cov[a][b] -= lambda * v[a] * v[b];
    }
    float[] x = new float[n], y = new float[n];
    for (int i = 0; i < n; i++) {
      double px = 0, py = 0;
      for (int d = 0; d < e; d++) {
        double u = points[i * e + d] - mean[d];
        px += u * comps[0][d];
        py += u * comps[1][d];
      }
      x[i] = (float) px;
      y[i] = (float) py;
    }
    return new Projection(x, y, label.clone(), caption.clone(), explained);
  }
}
