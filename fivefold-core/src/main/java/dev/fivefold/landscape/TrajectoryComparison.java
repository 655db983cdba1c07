package dev.fivefold.landscape;

import dev.fivefold.optim.Optimizers;
import java.util.ArrayList;
import java.util.List;

/**
 * The optimizers' paths on 2-D test functions: every optimizer of the config steps a 2-element
 * parameter from the same start on every function ({@link Trajectory#run}); a path stops when it
 * leaves {@value #ESCAPE}× the plotted window or becomes non-finite.
 *
 * <p>Learning rates, unless one is given for all ({@link #defaultLearningRate}): sgd, momentum and
 * nesterov use a rate gradient descent survives ({@link TestFunction#sgdLr}); the scale-free
 * methods a per-coordinate step ({@link TestFunction#adaptiveLr}; adagrad 10×, lars 100× since its
 * trust coefficient is 0.001); adadelta 1.0, its PyTorch default.
 */
public final class TrajectoryComparison {
  private TrajectoryComparison() {}

  /** The optimizers drawn by default. */
  public static final List<String> DEFAULT_OPTIMIZERS = List.of("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam");

  /** A path stops outside this multiple of the function's window. */
  public static final double ESCAPE = 2.0;

  /**
   * The default rate of optimizer {@code name} on {@code f} (see the class comment).
   * @param name the optimizer's name
   * @param f the function
   * @return the rate, &gt; 0
   */
  public static double defaultLearningRate(String name, TestFunction f) {
    return switch (name) {
      case "sgd", "momentum", "nesterov" -> f.sgdLr();
      case "adagrad" -> 10 * f.adaptiveLr();
      case "lars" -> 100 * f.adaptiveLr();
      case "adadelta" -> 1.0;
      default -> f.adaptiveLr();
    };
  }

  /**
   * The comparison's settings.
   * @param functions the functions, each drawn once
   * @param optimizers names from {@link Optimizers#NAMES}
   * @param steps steps per path, ≥ 0
   * @param start one start point {x, y} for every function, or null for each function's own
   * @param lr one learning rate (&gt; 0) for all, or null for {@link #defaultLearningRate}
   */
  public record Config(List<TestFunction> functions, List<String> optimizers, int steps, double[] start, Double lr) {
    /**
     * Copies the lists and checks the settings.
     * @param functions the functions
     * @param optimizers the optimizers' names
     * @param steps steps per path
     * @param start the common start point, or null
     * @param lr the common learning rate, or null
     * @throws IllegalArgumentException if an optimizer is unknown, {@code steps < 0}, the start is not two
     *     finite numbers or the rate is not finite and positive
     */
    public Config {
      functions = List.copyOf(functions);
      optimizers = List.copyOf(optimizers);
      for (String n : optimizers) {
        if (!Optimizers.NAMES.contains(n)) throw new IllegalArgumentException("optimizer (" + n + ") must be one of " + String.join(", ", Optimizers.NAMES));
      }
      if (steps < 0) throw new IllegalArgumentException("steps (" + steps + ") must be >= 0");
      if (start != null && (start.length != 2 || !Double.isFinite(start[0]) || !Double.isFinite(start[1]))) {
        throw new IllegalArgumentException("start (" + java.util.Arrays.toString(start) + ") must be two finite numbers");
      }
      if (lr != null && (!(lr > 0) || lr.isInfinite())) throw new IllegalArgumentException("lr (" + lr + ") must be > 0");
    }

    /**
     * Where the paths on {@code f} start.
     * @param f the function
     * @return the config's start point, or else the function's own
     */
    public double[] start(TestFunction f) {
      return start != null ? start : f.start();
    }

    /**
     * The rate of optimizer {@code name} on {@code f}.
     * @param name the optimizer's name
     * @param f the function
     * @return the config's rate, or else {@link #defaultLearningRate}
     */
    public double lr(String name, TestFunction f) {
      return lr != null ? lr : defaultLearningRate(name, f);
    }
  }

  /**
   * The paths: {@code byFunction.get(i)} holds those on function i of the config, in the order of {@link
   * Config#optimizers}.
   * @param byFunction the paths per function, then per optimizer
   */
  public record Result(List<List<Trajectory>> byFunction) {
    /**
     * Copies the lists into unmodifiable ones.
     * @param byFunction the paths per function, then per optimizer
     */
    public Result {
      byFunction = byFunction.stream().map(List::copyOf).toList();
    }
  }

  /**
   * Runs every optimizer on every function of {@code cfg}.
   * @param cfg the settings
   * @return the paths
   */
  public static Result run(Config cfg) {
    List<List<Trajectory>> out = new ArrayList<>();
    for (TestFunction f : cfg.functions()) {
      List<Trajectory> paths = new ArrayList<>();
      for (String n : cfg.optimizers()) paths.add(Trajectory.run(f, n, cfg.lr(n, f), cfg.start(f), cfg.steps(), ESCAPE));
      out.add(paths);
    }
    return new Result(out);
  }
}
