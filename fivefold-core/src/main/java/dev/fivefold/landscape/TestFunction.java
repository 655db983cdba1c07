package dev.fivefold.landscape;

import java.util.Arrays;

/**
 * Classic 2-D optimization test functions with analytic gradients, each with a plotting window,
 * a usual start point and its minimiser (null for the saddle, which is unbounded below).
 *
 * <ul>
 *   <li>rosenbrock: f = (1 − x)² + 100 (y − x²)², minimum 0 at (1, 1) at the end of a curved,
 *       flat-bottomed valley (Rosenbrock 1960).</li>
 *   <li>beale: f = (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)², minimum 0 at
 *       (3, 0.5); steep walls, flat plateaus.</li>
 *   <li>saddle: f = x² − y², a saddle point at the origin; a path started near the x-axis must
 *       escape along y.</li>
 * </ul>
 *
 * <p>{@code sgdLr} is a rate plain gradient descent can use from the start point without diverging
 * (below 2/L for the largest curvature L on the way); {@code adaptiveLr} is the per-coordinate
 * step size of the scale-free methods (Adam family, RMSProp, LAMB).
 */
public enum TestFunction {
  /**
   * Rosenbrock's valley, {@code (1 − x)² + 100 (y − x²)²}: minimum 0 at (1, 1); window [−2, 2] × [−1, 3],
   * start (−1.5, 2).
   */
  ROSENBROCK(-2, 2, -1, 3, new double[] {-1.5, 2}, new double[] {1, 1}, 5e-4, 0.05) {
    @Override
    public double value(double x, double y) {
      return sq(1 - x) + 100 * sq(y - x * x);
    }

    @Override
    public double[] gradient(double x, double y) {
      return new double[] {-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)};
    }
  },
  /** Beale's function: minimum 0 at (3, 0.5); window [−4.5, 4.5]², start (1, 1.5). */
  BEALE(-4.5, 4.5, -4.5, 4.5, new double[] {1, 1.5}, new double[] {3, 0.5}, 1e-3, 0.05) {
    @Override
    public double value(double x, double y) {
      return sq(1.5 - x + x * y) + sq(2.25 - x + x * y * y) + sq(2.625 - x + x * y * y * y);
    }

    @Override
    public double[] gradient(double x, double y) {
      double a = 1.5 - x + x * y, b = 2.25 - x + x * y * y, c = 2.625 - x + x * y * y * y;
      return new double[] {2 * a * (y - 1) + 2 * b * (y * y - 1) + 2 * c * (y * y * y - 1),
          2 * a * x + 2 * b * 2 * x * y + 2 * c * 3 * x * y * y};
    }
  },
  /** The saddle {@code x² − y²}, unbounded below; window [−1.5, 1.5]², start (1, 0.001). */
  SADDLE(-1.5, 1.5, -1.5, 1.5, new double[] {1, 1e-3}, null, 0.05, 0.05) {
    @Override
    public double value(double x, double y) {
      return x * x - y * y;
    }

    @Override
    public double[] gradient(double x, double y) {
      return new double[] {2 * x, -2 * y};
    }
  };

  private final double xMin, xMax, yMin, yMax, sgdLr, adaptiveLr;
  private final double[] start, minimum;

  TestFunction(double xMin, double xMax, double yMin, double yMax, double[] start, double[] minimum, double sgdLr, double adaptiveLr) {
    this.xMin = xMin;
    this.xMax = xMax;
    this.yMin = yMin;
    this.yMax = yMax;
    this.start = start;
    this.minimum = minimum;
    this.sgdLr = sgdLr;
    this.adaptiveLr = adaptiveLr;
  }

  /**
   * The function's value f(x, y).
   * @param x the first coordinate
   * @param y the second coordinate
   * @return f(x, y)
   */
  public abstract double value(double x, double y);

  /**
   * (∂f/∂x, ∂f/∂y).
   * @param x the first coordinate
   * @param y the second coordinate
   * @return a new array {∂f/∂x, ∂f/∂y} at (x, y)
   */
  public abstract double[] gradient(double x, double y);

  /**
   * Lower-case name: rosenbrock, beale, saddle.
   * @return the enum name in lower case
   */
  public String id() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * The plotting window {xMin, xMax, yMin, yMax}.
   * @return a new array of the four bounds
   */
  public double[] window() {
    return new double[] {xMin, xMax, yMin, yMax};
  }

  /**
   * The usual start point of an optimisation path.
   * @return a new array {x, y}
   */
  public double[] start() {
    return start.clone();
  }

  /**
   * The global minimiser, or null if there is none (saddle).
   * @return a new array {x, y}, or null
   */
  public double[] minimum() {
    return minimum == null ? null : minimum.clone();
  }

  /**
   * A learning rate plain gradient descent can use from {@link #start()} without diverging.
   * @return the rate, &gt; 0
   */
  public double sgdLr() {
    return sgdLr;
  }

  /**
   * The step size of the scale-free methods (Adam family, RMSProp, LAMB) on this function.
   * @return the rate, &gt; 0
   */
  public double adaptiveLr() {
    return adaptiveLr;
  }

  /**
   * f on the grid xs × ys: {@code z[i][j] = f(xs[j], ys[i])}.
   * @param xs the x coordinates of the columns
   * @param ys the y coordinates of the rows
   * @return a new array [ys.length][xs.length]
   */
  public double[][] sample(double[] xs, double[] ys) {
    double[][] z = new double[ys.length][xs.length];
    for (int i = 0; i < ys.length; i++) for (int j = 0; j < xs.length; j++) z[i][j] = value(xs[j], ys[i]);
    return z;
  }

  /**
   * By id, case-insensitive.
   * @param name an {@link #id()}, any case, surrounding spaces ignored
   * @return the function
   * @throws IllegalArgumentException if no function has that name
   */
  public static TestFunction byName(String name) {
    for (TestFunction f : values()) if (f.id().equalsIgnoreCase(name.strip())) return f;
    throw new IllegalArgumentException("function (" + name + ") must be one of " + names());
  }

  /**
   * The ids of all functions, for messages and help.
   * @return "rosenbrock, beale, saddle"
   */
  public static String names() {
    return String.join(", ", Arrays.stream(values()).map(TestFunction::id).toList());
  }

  /**
   * n evenly spaced points from lo to hi inclusive (n ≥ 2).
   * @param lo the first point
   * @param hi the last point
   * @param n the number of points, ≥ 2
   * @return a new array of n points
   * @throws IllegalArgumentException if {@code n < 2}
   */
  public static double[] linspace(double lo, double hi, int n) {
    if (n < 2) throw new IllegalArgumentException("n (" + n + ") must be >= 2");
    double[] v = new double[n];
    for (int i = 0; i < n; i++) v[i] = lo + (hi - lo) * i / (n - 1);
    return v;
  }

  private static double sq(double v) {
    return v * v;
  }
}
