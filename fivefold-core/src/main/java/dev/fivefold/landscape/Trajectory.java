package dev.fivefold.landscape;

import dev.fivefold.nn.Parameter;
import dev.fivefold.optim.Optimizer;
import dev.fivefold.optim.Optimizers;
import dev.fivefold.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * The path of an optimizer on a {@link TestFunction}: the point is a 2-element {@link Parameter}
 * (float32, like any model weight); each step writes the analytic gradient into its accumulator
 * and calls {@link Optimizer#step()}, so the path is what the real optimizer does.
 *
 * <p>The path stops early when a coordinate becomes non-finite or leaves {@code escape} times the
 * window's size around its centre (a diverged or escaped run); {@link #stoppedEarly()} says so.
 *
 * @param points visited points, {x, y}, starting with the start point
 * @param function the test function
 * @param optimizer the optimizer's name ({@link Optimizers#byName})
 * @param lr the learning rate
 * @param stoppedEarly whether the path diverged or escaped before its last step
 */
public record Trajectory(TestFunction function, String optimizer, double lr, List<double[]> points, boolean stoppedEarly) {
  /**
   * Copies the points into an unmodifiable list.
   * @param function the test function
   * @param optimizer the optimizer's name
   * @param lr the learning rate
   * @param points visited points, {x, y}, starting with the start point
   * @param stoppedEarly whether the path diverged or escaped
   */
  public Trajectory {
    points = List.copyOf(points);
  }

  /**
   * Runs {@code steps} steps of optimizer {@code name} (see {@link Optimizers#byName}) from {@code start}.
   * @param f the function
   * @param name the optimizer's name ({@link Optimizers#byName})
   * @param lr the learning rate
   * @param start the start point {x, y}
   * @param steps the number of steps, ≥ 0
   * @param escape the path stops outside this multiple of the function's window around its centre
   * @return the path
   * @throws IllegalArgumentException if {@code steps < 0}, {@code start} has not two coordinates or the
   *     optimizer is unknown
   */
  public static Trajectory run(TestFunction f, String name, double lr, double[] start, int steps, double escape) {
    if (steps < 0) throw new IllegalArgumentException("steps (" + steps + ") must be >= 0");
    if (start.length != 2) throw new IllegalArgumentException("start must have 2 coordinates, got " + start.length);
    Parameter p = new Parameter(Tensor.of(new float[] {(float) start[0], (float) start[1]}, 2));
    Optimizer opt = Optimizers.byName(name, List.of(p), lr);
    double[] w = f.window();
    double cx = (w[0] + w[1]) / 2, cy = (w[2] + w[3]) / 2, rx = escape * (w[1] - w[0]) / 2, ry = escape * (w[3] - w[2]) / 2;
    List<double[]> pts = new ArrayList<>();
    float[] th = p.value().data();
    pts.add(new double[] {th[0], th[1]});
    boolean early = false;
    for (int s = 0; s < steps; s++) {
      double[] g = f.gradient(th[0], th[1]);
      p.grad()[0] = (float) g[0];
      p.grad()[1] = (float) g[1];
      opt.step();
      double x = th[0], y = th[1];
      if (!Double.isFinite(x) || !Double.isFinite(y) || Math.abs(x - cx) > rx || Math.abs(y - cy) > ry) {
        if (Double.isFinite(x) && Double.isFinite(y)) pts.add(new double[] {x, y});
        early = true;
        break;
      }
      pts.add(new double[] {x, y});
    }
    return new Trajectory(f, name, lr, pts, early);
  }

  /**
   * The last point of the path (where it stopped).
   * @return a new array {x, y}
   */
  public double[] last() {
    return points.getLast().clone();
  }

  /**
   * Steps taken (points − 1).
   * @return the number of steps taken, ≥ 0
   */
  public int steps() {
    return points.size() - 1;
  }

  /**
   * First step at which the point is within {@code tol} (Euclidean) of the minimiser; -1 if never or none.
   * @param tol the distance, &gt; 0
   * @return the step index (0 is the start), or -1
   */
  public int stepsTo(double tol) {
    double[] m = function.minimum();
    if (m == null) return -1;
    for (int i = 0; i < points.size(); i++) {
      if (Math.hypot(points.get(i)[0] - m[0], points.get(i)[1] - m[1]) < tol) return i;
    }
    return -1;
  }
}
