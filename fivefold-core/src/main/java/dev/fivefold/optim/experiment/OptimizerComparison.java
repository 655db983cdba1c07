package dev.fivefold.optim.experiment;

import dev.fivefold.control.BiasCorrectedEma;
import dev.fivefold.data.Dataset;
import dev.fivefold.optim.Optimizer;
import dev.fivefold.optim.OptimizerDefaults;
import dev.fivefold.optim.Optimizers;
import dev.fivefold.perception.Mlp;
import dev.fivefold.train.ClassificationTask;
import dev.fivefold.train.DivergenceException;
import dev.fivefold.train.TrainConfig;
import dev.fivefold.train.TrainObserver;
import dev.fivefold.train.Trainer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Every optimizer trains the same LeNet-300-100 (same initial weights, same batches) at its usual
 * constant learning rate ({@link OptimizerDefaults#learningRate}); per optimizer the smoothed and
 * raw training-loss curves, the steps until the smoothed loss reaches a target, and the final test
 * metrics.
 *
 * <p>The smoothed loss is the bias-corrected EMA, β = {@value #SMOOTHING} (a window of about
 * 1/(1 − β) = 50 steps). A run that diverges ({@link DivergenceException}) is kept with its curves
 * up to then, empty test metrics and a {@link Run#failure}.
 */
public final class OptimizerComparison {
  private OptimizerComparison() {}

  /** EMA factor of the smoothed loss. */
  public static final double SMOOTHING = 0.98;

  /**
   * The comparison's settings.
   *
   * @param optimizers names from {@link Optimizers#NAMES}, run in this order
   * @param epochs passes over the training data, ≥ 1
   * @param batch batch size, ≥ 1
   * @param target the smoothed training loss for {@link Run#stepsToTarget}, &gt; 0
   * @param seed initial weights and batch order
   */
  public record Config(List<String> optimizers, int epochs, int batch, double target, long seed) {
    /**
     * Copies the names and checks every field.
     *
     * @throws IllegalArgumentException for an unknown optimizer or a field out of range
     */
    public Config {
      optimizers = List.copyOf(optimizers);
      for (String n : optimizers) OptimizerDefaults.learningRate(n); // validates the name
      if (epochs < 1) throw new IllegalArgumentException("epochs (" + epochs + ") must be >= 1");
      if (batch < 1) throw new IllegalArgumentException("batch (" + batch + ") must be >= 1");
      if (!(target > 0) || Double.isInfinite(target)) throw new IllegalArgumentException("target (" + target + ") must be > 0");
    }
  }

  /**
   * One optimizer's run.
   *
   * @param name the optimizer's name
   * @param lr its default learning rate, the one the run used
   * @param smoothed (step, smoothed loss) per step
   * @param raw the loss of every step
   * @param stepsToTarget the first step whose smoothed loss is at or below the target, -1 if none
   * @param finalLoss the last smoothed loss (NaN if no step)
   * @param eval the final test metrics ("loss", "accuracy"), empty if it diverged
   * @param trainSeconds the training seconds (steps only)
   * @param wallSeconds the run's wall-clock seconds, evaluations included
   * @param failure null, or "diverged: ..." (one line)
   */
  public record Run(String name, double lr, List<double[]> smoothed, List<Double> raw, long stepsToTarget, double finalLoss,
      Map<String, Double> eval, double trainSeconds, double wallSeconds, String failure) {}

  /**
   * The runs in the order of {@link Config#optimizers}.
   *
   * @param runs the runs
   */
  public record Result(List<Run> runs) {
    /** Copies the runs. */
    public Result {
      runs = List.copyOf(runs);
    }
  }


  /**
   * Trains every optimizer of the config in order; {@code listener} is told of each run as it finishes.
   *
   * @param train the training images
   * @param test the test images
   * @param cfg the comparison
   * @param listener told of each run
   * @return the runs
   */
  public static Result run(Dataset train, Dataset test, Config cfg, Consumer<Run> listener) {
    List<Run> runs = new ArrayList<>();
    for (String name : cfg.optimizers()) {
      Run r = train(name, train, test, cfg);
      runs.add(r);
      listener.accept(r);
    }
    return new Result(runs);
  }

  private static Run train(String name, Dataset train, Dataset test, Config cfg) {
    long t0 = System.nanoTime();
    double lr = OptimizerDefaults.learningRate(name);
    Mlp net = Mlp.lenet300100(cfg.seed());
    ClassificationTask task = new ClassificationTask(net, train, test, cfg.batch(), cfg.seed());
    Optimizer o = Optimizers.byName(name, net.parameters(), lr);
    Trainer trainer = trainer(task, o, cfg.epochs());
    List<double[]> smoothed = new ArrayList<>();
    List<Double> raw = new ArrayList<>();
    long[] hit = {-1};
    BiasCorrectedEma ema = new BiasCorrectedEma(SMOOTHING);
    trainer.observe(new TrainObserver() {
      @Override
      public void onStep(Step s) {
        double v = ema.add(s.loss());
        smoothed.add(new double[] {s.step(), v});
        raw.add(s.loss());
        if (hit[0] < 0 && v <= cfg.target()) hit[0] = s.step();
      }
    });
    Map<String, Double> eval = Map.of();
    String failure = null;
    try {
      eval = trainer.fit();
    } catch (DivergenceException e) {
      failure = "diverged: " + (e.getMessage() == null ? "(no message)" : e.getMessage().strip().replaceAll("\\s*\\R\\s*", " "));
    }
    double last = smoothed.isEmpty() ? Double.NaN : smoothed.getLast()[1];
    return new Run(name, lr, smoothed, raw, hit[0], last, eval, trainer.seconds(), (System.nanoTime() - t0) / 1e9, failure);
  }

  /** The one place a run's Trainer is built. */
  private static Trainer trainer(ClassificationTask task, Optimizer o, int epochs) {
    return new Trainer(task, o, TrainConfig.epochs(epochs));
  }
}
