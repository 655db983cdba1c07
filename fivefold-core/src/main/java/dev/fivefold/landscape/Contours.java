package dev.fivefold.landscape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Contour lines of a sampled surface by marching squares (Lorensen &amp; Cline 1987, in 2-D): each
 * grid cell whose corners straddle the level contributes one or two segments between points
 * linearly interpolated on its edges. Saddle cells (opposite corners on the same side) are split
 * by the cell-centre average. Cells with a non-finite corner are skipped.
 */
public final class Contours {
  private Contours() {}

  /**
   * Segments {x1, y1, x2, y2} of the level set z = level, where z[i][j] is the value at
   * (xs[j], ys[i]).
   * @param z the sampled values [ys.length][xs.length]
   * @param xs the x coordinates of the columns, increasing
   * @param ys the y coordinates of the rows, increasing
   * @param level the contour level
   * @return the segments, each a new array {x1, y1, x2, y2}, in cell order
   * @throws IllegalArgumentException if z's dimensions do not match xs and ys
   */
  public static List<double[]> segments(double[][] z, double[] xs, double[] ys, double level) {
    if (z.length != ys.length || (z.length > 0 && z[0].length != xs.length)) {
      throw new IllegalArgumentException("z must be [" + ys.length + "][" + xs.length + "]");
    }
    List<double[]> out = new ArrayList<>();
    for (int i = 0; i + 1 < ys.length; i++) {
      for (int j = 0; j + 1 < xs.length; j++) {
        double a = z[i][j], b = z[i][j + 1], c = z[i + 1][j + 1], d = z[i + 1][j]; // corners counter-clockwise from (x_j, y_i)
        if (!(Double.isFinite(a) && Double.isFinite(b) && Double.isFinite(c) && Double.isFinite(d))) continue;
        int code = (a > level ? 1 : 0) | (b > level ? 2 : 0) | (c > level ? 4 : 0) | (d > level ? 8 : 0);
        if (code == 0 || code == 15) continue;
        double x0 = xs[j], x1 = xs[j + 1], y0 = ys[i], y1 = ys[i + 1];
        double[] bottom = {x0 + (x1 - x0) * t(a, b, level), y0};
        double[] right = {x1, y0 + (y1 - y0) * t(b, c, level)};
        double[] top = {x0 + (x1 - x0) * t(d, c, level), y1};
        double[] left = {x0, y0 + (y1 - y0) * t(a, d, level)};
        boolean centreAbove = (a + b + c + d) / 4 > level;
        switch (code) {
          case 1, 14 -> add(out, left, bottom);
          case 2, 13 -> add(out, bottom, right);
          case 3, 12 -> add(out, left, right);
          case 4, 11 -> add(out, right, top);
          case 6, 9 -> add(out, bottom, top);
          case 7, 8 -> add(out, left, top);
          case 5 -> { // a and c above
            if (centreAbove) { add(out, left, top); add(out, bottom, right); } else { add(out, left, bottom); add(out, right, top); }
          }
          case 10 -> { // b and d above
            if (centreAbove) { add(out, left, bottom); add(out, right, top); } else { add(out, left, top); add(out, bottom, right); }
          }
          default -> throw new AssertionError(code);
        }
      }
    }
    return out;
  }

  /**
   * {@code count} levels strictly between the finite minimum and maximum of z: geometrically
   * spaced above the minimum (from 10⁻⁴ of the range to the range) when the values are skewed —
   * the median is within a tenth of the range of the minimum, as in Rosenbrock's valley — else
   * evenly spaced. Empty if z has fewer than two distinct finite values.
   * @param z the sampled values
   * @param count the number of levels wanted; below 1 gives none
   * @return the levels in increasing order
   */
  public static double[] levels(double[][] z, int count) {
    double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
    for (double[] row : z) for (double v : row) if (Double.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    if (!(hi > lo) || count < 1) return new double[0];
    double[] l = new double[count];
    double range = hi - lo;
    boolean geometric = skewed(z);
    for (int k = 0; k < count; k++) {
      double f = (k + 1) / (double) (count + 1);
      l[k] = geometric ? lo + range * 1e-4 * Math.pow(1e4, f) : lo + range * f;
    }
    return l;
  }

  /**
   * Whether the finite values are skewed towards their minimum: the median is within a tenth of
   * the range of the minimum (false if there are fewer than two distinct finite values).
   * @param z the sampled values
   * @return whether the levels should be spaced geometrically
   */
  public static boolean skewed(double[][] z) {
    double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
    for (double[] row : z) for (double v : row) if (Double.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    return hi > lo && median(z) - lo < (hi - lo) / 10;
  }

  private static double median(double[][] z) {
    double[] v = Arrays.stream(z).flatMapToDouble(Arrays::stream).filter(Double::isFinite).sorted().toArray();
    return v[v.length / 2];
  }

  private static double t(double p, double q, double level) {
    return (level - p) / (q - p);
  }

  private static void add(List<double[]> out, double[] p, double[] q) {
    out.add(new double[] {p[0], p[1], q[0], q[1]});
  }
}
