package dev.fivefold.control.experiment;

import dev.fivefold.control.DivergenceGuard;
import dev.fivefold.data.Dataset;
import dev.fivefold.nn.Parameter;
import dev.fivefold.optim.Optimizer;
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
 * The divergence guard's experiment: LeNet-300-100 trained three times from the same weights on
 * the same batches at a constant rate — "normal" at {@code lr}, "high, no guard" at {@code lr ·
 * factor}, and "high, guard" at {@code lr · factor} with {@link DivergenceGuard#defaults()}.
 *
 * <p>A run diverged when its loss became non-finite ({@link DivergenceException}: "NaN at step
 * k", then the test metrics of the weights as they are) or when it ended no better than chance
 * (test loss not below ln 10: "to chance"); otherwise "no".
 */
public final class GuardExperiment {
  private GuardExperiment() {}

  /**
   * The experiment's settings.
   *
   * @param optimizer a name from {@link Optimizers#NAMES}
   * @param lr the normal learning rate, &gt; 0
   * @param factor how many times too high the bad rate is, &gt; 0
   * @param epochs passes over the training data, ≥ 1
   * @param batch batch size, ≥ 1
   * @param seed initial weights and batch order
   */
  public record Config(String optimizer, double lr, double factor, int epochs, int batch, long seed) {
    /**
     * Checks every field.
     *
     * @throws IllegalArgumentException naming the first field out of range
     */
    public Config {
      if (!Optimizers.NAMES.contains(optimizer)) {
        throw new IllegalArgumentException("optimizer (" + optimizer + ") must be one of " + String.join(", ", Optimizers.NAMES));
      }
      if (!(lr > 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("lr (" + lr + ") must be > 0");
      if (!(factor > 0) || Double.isInfinite(factor)) throw new IllegalArgumentException("factor (" + factor + ") must be > 0");
      if (epochs < 1) throw new IllegalArgumentException("epochs (" + epochs + ") must be >= 1");
      if (batch < 1) throw new IllegalArgumentException("batch (" + batch + ") must be >= 1");
    }
  }

  /**
   * One run.
   *
   * @param name "normal", "high, no guard" or "high, guard"
   * @param lr the learning rate the run started at
   * @param losses (step, loss) of every step with a finite loss
   * @param eval the final test metrics
   * @param rollbacks the guard's rollbacks
   * @param nanLosses non-finite losses met (rollbacks for one, or the divergence)
   * @param diverged "no", "NaN at step k" or "to chance"
   * @param maxLoss the largest finite training loss
   * @param finalLr the optimizer's learning rate at the end
   * @param finiteWeights whether every weight is finite at the end
   * @param seconds the training seconds
   */
  public record Run(String name, double lr, List<double[]> losses, Map<String, Double> eval, int rollbacks, int nanLosses, String diverged,
      double maxLoss, double finalLr, boolean finiteWeights, double seconds) {}

  /**
   * The three runs: normal, high without the guard, high with it.
   *
   * @param normal the run at the normal rate
   * @param unguarded the run at the high rate without the guard
   * @param guarded the run at the high rate with the guard
   */
  public record Result(Run normal, Run unguarded, Run guarded) {
    /** {@return the three runs, in order} */
    public List<Run> runs() {
      return List.of(normal, unguarded, guarded);
    }
  }


  /**
   * Runs normal, high without the guard, high with it; {@code listener} is told of each run as it finishes.
   *
   * @param train the training images
   * @param test the test images
   * @param cfg the experiment
   * @param listener told of each run
   * @return the three runs
   */
  public static Result run(Dataset train, Dataset test, Config cfg, Consumer<Run> listener) {
    Run normal = run("normal", cfg.lr(), false, train, test, cfg, listener);
    Run high = run("high, no guard", cfg.lr() * cfg.factor(), false, train, test, cfg, listener);
    Run guarded = run("high, guard", cfg.lr() * cfg.factor(), true, train, test, cfg, listener);
    return new Result(normal, high, guarded);
  }

  private static Run run(String name, double rate, boolean guarded, Dataset train, Dataset test, Config cfg, Consumer<Run> listener) {
    Mlp net = Mlp.lenet300100(cfg.seed());
    ClassificationTask task = new ClassificationTask(net, train, test, cfg.batch(), cfg.seed());
    Optimizer o = Optimizers.byName(cfg.optimizer(), net.parameters(), rate);
    Trainer trainer = trainer(task, o, cfg.epochs(), guarded);
    List<double[]> losses = new ArrayList<>();
    int[] nan = {0}, rollbacks = {0};
    trainer.observe(new TrainObserver() {
      @Override
      public void onStep(Step s) {
        if (Double.isFinite(s.loss())) losses.add(new double[] {s.step(), s.loss()});
      }

      @Override
      public void onRollback(Rollback r) {
        rollbacks[0] = r.rollbacks();
        if (!Double.isFinite(r.loss())) nan[0]++;
      }
    });
    Map<String, Double> eval = Map.of();
    String diverged = "no";
    try {
      eval = trainer.fit();
    } catch (DivergenceException e) {
      nan[0]++;
      diverged = "NaN at step " + e.step();
      eval = task.evaluate();
    }
    if (diverged.equals("no") && !(eval.getOrDefault("loss", Double.NaN) < Math.log(10))) diverged = "to chance";
    double max = Double.NEGATIVE_INFINITY;
    for (double[] p : losses) max = Math.max(max, p[1]);
    boolean finite = true;
    for (Parameter p : o.parameters()) for (float x : p.value().data()) finite &= Float.isFinite(x);
    Run r = new Run(name, rate, losses, eval, rollbacks[0], nan[0], diverged, max, o.learningRate().get(), finite, trainer.seconds());
    listener.accept(r);
    return r;
  }

  /** The one place a run's Trainer is built: {@code epochs} epochs, one evaluation at the end, guarded or not. */
  private static Trainer trainer(ClassificationTask task, Optimizer o, int epochs, boolean guarded) {
    Trainer t = new Trainer(task, o, new TrainConfig(epochs, 0, 0, task.stepsPerEpoch() * epochs));
    if (guarded) t.guard(DivergenceGuard.defaults());
    return t;
  }
}
