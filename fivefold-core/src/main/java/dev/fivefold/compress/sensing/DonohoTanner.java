package dev.fivefold.compress.sensing;

/**
 * The phase transition of l1 recovery: with {@code m} Gaussian measurements of a {@code k}-sparse
 * vector in {@code R^n}, basis pursuit succeeds with high probability above the curve and fails
 * below it, sharply as {@code n} grows (Donoho &amp; Tanner 2009, "Counting faces of randomly
 * projected polytopes when the projection radically lowers dimension", the weak threshold
 * {@code rho_W(delta)} of the cross-polytope, in coordinates {@code delta = m/n}, {@code rho = k/m}).
 *
 * <p>Computed as the statistical dimension of the l1 descent cone (Amelunxen, Lotz, McCoy &amp;
 * Tropp 2014, "Living on the edge", Prop. 4.5 and Thm. II; the same curve as Donoho–Tanner's):
 * with {@code eps = k/n},
 *
 * <pre>
 *   psi(eps) = inf_{tau >= 0} eps (1 + tau^2) + (1 - eps) 2 [(1 + tau^2) Q(tau) - tau phi(tau)]
 * </pre>
 *
 * ({@code phi} the standard normal density, {@code Q} its upper tail), and the transition sits at
 * {@code delta = psi(eps)}. For a given {@code delta}, {@link #rho} solves {@code psi(eps) = delta}
 * by bisection and returns {@code eps / delta}. E.g. {@code rho(0.5) ≈ 0.385}, {@code rho(0.1) ≈ 0.19}.
 * OMP's empirical transition lies below this curve at these sizes; it is the reference, not OMP's own.
 */
public final class DonohoTanner {
  private DonohoTanner() {}

  /**
   * The transition's {@code rho = k/m} at {@code delta = m/n} in (0, 1]: 1 at {@code delta = 1}, 0 at 0.
   *
   * @param delta m/n, in [0, 1]
   * @return rho_W(delta), in [0, 1]
   * @throws IllegalArgumentException if {@code delta} is outside [0, 1] or NaN
   */
  public static double rho(double delta) {
    if (!(delta >= 0 && delta <= 1)) throw new IllegalArgumentException("delta (" + delta + ") must be in [0, 1]");
    if (delta == 0) return 0;
    if (delta == 1) return 1;
    double lo = 0, hi = delta; // psi(eps) >= eps, so eps <= delta
    for (int i = 0; i < 100; i++) {
      double mid = (lo + hi) / 2;
      if (psi(mid) < delta) lo = mid;
      else hi = mid;
    }
    return (lo + hi) / 2 / delta;
  }

  /**
   * {@code psi(eps)}: the statistical dimension of the l1 descent cone at an {@code eps n}-sparse point, over {@code n}.
   *
   * @param eps k/n; 0 at or below 0, 1 at or above 1
   * @return psi(eps), in [0, 1]
   */
  public static double psi(double eps) {
    if (eps <= 0) return 0;
    if (eps >= 1) return 1;
    // the bracket is convex in tau: golden-section search on [0, 12]
    double a = 0, b = 12, g = (Math.sqrt(5) - 1) / 2;
    double c = b - g * (b - a), d = a + g * (b - a);
    double fc = bound(eps, c), fd = bound(eps, d);
    for (int i = 0; i < 200; i++) {
      if (fc < fd) {
        b = d;
        d = c;
        fd = fc;
        c = b - g * (b - a);
        fc = bound(eps, c);
      } else {
        a = c;
        c = d;
        fc = fd;
        d = a + g * (b - a);
        fd = bound(eps, d);
      }
    }
    return Math.min(bound(eps, (a + b) / 2), 1);
  }

  private static double bound(double eps, double tau) {
    double phi = Math.exp(-tau * tau / 2) / Math.sqrt(2 * Math.PI);
    double q = 0.5 * erfc(tau / Math.sqrt(2));
    return eps * (1 + tau * tau) + (1 - eps) * 2 * ((1 + tau * tau) * q - tau * phi);
  }

  /** The complementary error function, Chebyshev fit of Numerical Recipes (2nd ed., 6.2), relative error below 1.2e-7. */
  static double erfc(double x) {
    double z = Math.abs(x);
    double t = 1 / (1 + 0.5 * z);
    double r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807
        + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
    return x >= 0 ? r : 2 - r;
  }
}
