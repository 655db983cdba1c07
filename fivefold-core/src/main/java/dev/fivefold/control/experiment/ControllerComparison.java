package dev.fivefold.control.experiment;

import dev.fivefold.control.BiasCorrectedEma;
import dev.fivefold.control.Controller;
import dev.fivefold.control.Controllers;
import dev.fivefold.control.Schedule;
import dev.fivefold.control.Schedules;
import dev.fivefold.data.Dataset;
import dev.fivefold.data.TextCorpus;
import dev.fivefold.optim.Optimizer;
import dev.fivefold.optim.Optimizers;
import dev.fivefold.perception.Gpt;
import dev.fivefold.perception.GptConfig;
import dev.fivefold.perception.Mlp;
import dev.fivefold.perception.Models;
import dev.fivefold.train.ClassificationTask;
import dev.fivefold.train.DivergenceException;
import dev.fivefold.train.LanguageModelTask;
import dev.fivefold.train.Task;
import dev.fivefold.train.TrainConfig;
import dev.fivefold.train.TrainObserver;
import dev.fivefold.train.Trainer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Open-loop schedules from a small grid against closed-loop learning-rate controllers with their
 * defaults ({@link Controllers}), each run from the same initial weights on the same batches:
 * steps until the smoothed training loss reaches a target, as a ratio to the best schedule's.
 *
 * <p>The smoothed loss is the bias-corrected EMA of the per-step training loss, β = {@value
 * #SMOOTHING} (a window of about 50 steps): {@code m_t = β m_{t−1} + (1−β) loss_t}, reported as
 * {@code m_t / (1 − β^t)}. Schedules ({@link #schedule}): constant; step = ×0.1 every third of the
 * run; cosine to 0; warm-up + cosine = 5% linear warm-up then cosine to 0. Controllers start from
 * {@link Bench#lr0}. The target is given, or (auto, {@code null}) the lowest smoothed loss any
 * schedule has at 80% of the budget. A controller counts as within 1.2× only if it reached the
 * target, did not diverge and its final smoothed loss is still at or below it.
 *
 * <p>A diverged run ({@link DivergenceException}) is kept with its curve up to the divergence and
 * a {@link Run#failure}.
 */
public final class ControllerComparison {
  private ControllerComparison() {}

  /** EMA factor of the smoothed loss. */
  public static final double SMOOTHING = 0.98;

  /** The schedules of the grid, by name ({@link #schedule}). */
  public static final List<String> SCHEDULES = List.of("constant", "step", "cosine", "warmup-cosine");

  /** A ratio to the best schedule at or below this counts as "within". */
  public static final double WITHIN = 1.2;

  /**
   * The training problem every run solves from scratch.
   *
   * @param title describes the problem in reports
   * @param task a fresh model and task, the same for every call (same seed: same weights, same batches)
   * @param optimizer the optimizer's name ({@link Optimizers#byName})
   * @param lr0 the controllers' starting rate, &gt; 0
   * @param steps steps of every run, ≥ 2
   * @param metric the evaluation metric reported beside the loss ("accuracy", "bpc")
   */
  public record Bench(String title, Supplier<Task> task, String optimizer, double lr0, long steps, String metric) {
    /**
     * Checks the problem.
     *
     * @throws IllegalArgumentException if {@code task} is null, the optimizer unknown, {@code lr0} not
     *   positive and finite, or {@code steps} below 2
     */
    public Bench {
      if (task == null) throw new IllegalArgumentException("task must not be null");
      if (!Optimizers.NAMES.contains(optimizer)) throw new IllegalArgumentException("optimizer (" + optimizer + ") must be one of " + Optimizers.NAMES);
      if (!(lr0 > 0) || Double.isInfinite(lr0)) throw new IllegalArgumentException("lr0 (" + lr0 + ") must be > 0");
      if (steps < 2) throw new IllegalArgumentException("steps (" + steps + ") must be >= 2");
    }
  }

  /**
   * LeNet-300-100 on an image set, Adam, controllers from 1e-3; {@code epochs} passes over {@code train}.
   *
   * @param train the training images
   * @param test the evaluation images
   * @param batch the batch size, at least 1
   * @param epochs passes over {@code train}, at least 1
   * @param seed the seed of the weights and batches
   * @return the problem
   * @throws IllegalArgumentException if {@code batch} or {@code epochs} is below 1
   */
  public static Bench mlp(Dataset train, Dataset test, int batch, int epochs, long seed) {
    if (batch < 1) throw new IllegalArgumentException("batch (" + batch + ") must be >= 1");
    if (epochs < 1) throw new IllegalArgumentException("epochs (" + epochs + ") must be >= 1");
    long steps = (long) epochs * Math.max(1, train.size() / batch);
    return new Bench("LeNet-300-100 on Fashion-MNIST, Adam, batch " + batch + ", " + epochs + " epoch" + (epochs == 1 ? "" : "s"),
        () -> new ClassificationTask(Mlp.lenet300100(seed), train, test, batch, seed), "adam", 1e-3, steps, "accuracy");
  }

  /**
   * A character-level GPT on {@code corpus}, AdamW, controllers from 2e-3; {@code evalTokens}
   * held-out tokens scored at the end. The shape is checked here, before any run.
   *
   * @param corpus the text
   * @param layers transformer blocks
   * @param heads attention heads per block
   * @param width the embedding width
   * @param context the context length in tokens
   * @param batch sequences per step
   * @param evalTokens held-out tokens scored at the end
   * @param steps steps of every run
   * @param seed the seed of the weights and batches
   * @return the problem
   * @throws IllegalArgumentException if the shape is invalid or the model does not fit in the heap
   */
  public static Bench gpt(TextCorpus corpus, int layers, int heads, int width, int context, int batch, long evalTokens, long steps,
      long seed) {
    GptConfig spec = new GptConfig(corpus.vocabSize(), context, layers, heads, width, 0f); // checks the shape before any run
    Models.requireFits(spec, batch, "the GPT (" + spec + ")"); // and its size, before anything is allocated
    return new Bench("GPT " + layers + "L " + heads + "H width " + width + " context " + context + " on " + corpus.name() + ", AdamW, batch "
        + batch + ", " + steps + " steps",
        () -> new LanguageModelTask(spec.build(seed), corpus, batch, context, seed, evalTokens), "adamw", 2e-3, steps, "bpc");
  }

  /**
   * What {@link #run} compares.
   *
   * @param bench the problem
   * @param schedules names from {@link #SCHEDULES}, each run at every rate of {@code lrs}
   * @param lrs peak rates of the schedule grid, each &gt; 0
   * @param controllers names from {@link Controllers#NAMES}
   * @param target the target smoothed loss (&gt; 0), or null for auto (see the class comment)
   */
  public record Config(Bench bench, List<String> schedules, List<Double> lrs, List<String> controllers, Double target) {
    /**
     * Copies the lists and checks the names and rates.
     *
     * @throws IllegalArgumentException if {@code bench} is null, a name is unknown, a rate or the target is
     *   not positive and finite
     */
    public Config {
      if (bench == null) throw new IllegalArgumentException("bench must not be null");
      schedules = List.copyOf(schedules);
      lrs = List.copyOf(lrs);
      controllers = List.copyOf(controllers);
      for (String s : schedules) if (!SCHEDULES.contains(s)) throw new IllegalArgumentException("schedule (" + s + ") must be among " + SCHEDULES);
      for (String c : controllers) {
        if (!Controllers.NAMES.contains(c)) throw new IllegalArgumentException("controller (" + c + ") must be among " + Controllers.NAMES);
      }
      for (double lr : lrs) if (!(lr > 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("lr (" + lr + ") must be > 0");
      if (target != null && (!(target > 0) || target.isInfinite())) throw new IllegalArgumentException("target (" + target + ") must be > 0");
    }
  }

  /** Whether a run follows a schedule of the grid or a controller. */
  public enum Kind {
    /** A run following an open-loop schedule of the grid. */
    SCHEDULE,
    /** A run steered by a closed-loop controller. */
    CONTROLLER;

    /**
     * "schedule" or "controller".
     *
     * @return the lowercase name
     */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * One run: smoothed loss and learning rate per step (index i = after step i + 1).
   *
   * @param name the schedule's or controller's name
   * @param kind schedule or controller
   * @param lr the schedule's peak rate, or the controller's starting rate
   * @param smoothed the smoothed loss after each step
   * @param lrs the learning rate of each step
   * @param eval the final evaluation (empty if the run diverged)
   * @param wallSeconds the run's wall-clock time, in seconds
   * @param failure null, or why the run stopped ("diverged at step 12")
   * @param controller the controller that steered the run (null for a schedule): its final state
   */
  public record Run(String name, Kind kind, double lr, double[] smoothed, double[] lrs, Map<String, Double> eval, double wallSeconds,
      String failure, Controller controller) {
    /**
     * The first step (1-based) whose smoothed loss is at or below {@code target}, or -1.
     *
     * @param target the target smoothed loss
     * @return the step, or -1 if the run never reached it
     */
    public long stepsTo(double target) {
      for (int i = 0; i < smoothed.length; i++) if (smoothed[i] <= target) return i + 1;
      return -1;
    }

    /**
     * The last smoothed loss, NaN if no step was taken.
     *
     * @return the final smoothed loss
     */
    public double finalLoss() {
      return smoothed.length == 0 ? Double.NaN : smoothed[smoothed.length - 1];
    }

    /**
     * "cosine 0.003" for a schedule, the name for a controller.
     *
     * @return the run's label
     */
    public String label() {
      return kind == Kind.SCHEDULE ? name + " " + lr : name;
    }
  }

  /**
   * The outcome of {@link #run}.
   *
   * @param runs every run, the schedules first, in order
   * @param target the target used (given or auto; NaN if auto found no schedule long enough)
   * @param autoStep for an auto target, the 1-based step it was read at; -1 if it was given
   * @param bestSteps the best schedule's steps to the target, -1 if none reached it
   * @param bestSchedule that schedule's label, "-" if none
   * @param within controllers within {@link #WITHIN}× of it and still at or below the target at the end
   * @param bestRatio the lowest such controller's ratio (+∞ if none reached the target)
   */
  public record Result(List<Run> runs, double target, long autoStep, long bestSteps, String bestSchedule, int within, double bestRatio) {
    /** Copies the runs. */
    public Result {
      runs = List.copyOf(runs);
    }

    /**
     * Steps to the target divided by the best schedule's, NaN if either never reached it.
     *
     * @param r a run of this result
     * @return the ratio
     */
    public double ratio(Run r) {
      long k = r.stepsTo(target);
      return k > 0 && bestSteps > 0 ? k / (double) bestSteps : Double.NaN;
    }

    /**
     * The controller runs, in order.
     *
     * @return the runs of kind {@link Kind#CONTROLLER}
     */
    public List<Run> controllers() {
      return runs.stream().filter(r -> r.kind() == Kind.CONTROLLER).toList();
    }
  }


  /**
   * The schedule {@code name} of the grid at peak rate {@code lr} for a run of {@code steps}
   * steps: constant; step (×0.1 every third); cosine to 0; warmup-cosine (5% linear warm-up, then
   * cosine to 0 over the rest).
   *
   * @param name a name from {@link #SCHEDULES}
   * @param lr the peak rate
   * @param steps the run length in steps
   * @return the schedule
   * @throws IllegalArgumentException for an unknown name
   */
  public static Schedule schedule(String name, double lr, long steps) {
    long w = warmup(steps);
    return switch (name) {
      case "constant" -> Schedules.constant(lr);
      case "step" -> Schedules.step(lr, Math.max(1, steps / 3), 0.1);
      case "cosine" -> Schedules.cosine(lr, steps, 0);
      case "warmup-cosine" -> Schedules.warmup(w, Schedules.cosine(lr, Math.max(1, steps - w), 0));
      default -> throw new IllegalArgumentException("schedule (" + name + ") must be among " + SCHEDULES);
    };
  }

  /** 5% of the run, at least one step: the warm-up of warmup-cosine and plateau+warmup. */
  static long warmup(long steps) {
    return Math.max(1, steps / 20);
  }

  /**
   * Runs the grid, then the controllers, and scores them against the target; {@code listener} is told of each run as it finishes.
   *
   * @param cfg the comparison
   * @param listener told of each run as it finishes
   * @return the runs and their scores
   */
  public static Result run(Config cfg, Consumer<Run> listener) {
    Bench b = cfg.bench();
    long n = b.steps(), w = warmup(n);
    List<Run> runs = new ArrayList<>();
    for (String sch : cfg.schedules()) {
      for (double lr : cfg.lrs()) {
        runs.add(run(b, sch, Kind.SCHEDULE, lr, o -> Controller.open(schedule(sch, lr, n)), listener));
      }
    }
    for (String name : cfg.controllers()) {
      runs.add(run(b, name, Kind.CONTROLLER, b.lr0(), o -> Controllers.byName(name, b.lr0(), n, w, o), listener));
    }
    double tgt;
    long autoStep = -1;
    if (cfg.target() != null) {
      tgt = cfg.target();
    } else {
      int at = (int) Math.max(0, Math.ceil(0.8 * n) - 1);
      tgt = Double.POSITIVE_INFINITY;
      for (Run r : runs) if (r.kind() == Kind.SCHEDULE && r.smoothed().length > at) tgt = Math.min(tgt, r.smoothed()[at]);
      if (!Double.isFinite(tgt)) tgt = Double.NaN;
      autoStep = at + 1;
    }
    long best = -1;
    String bestName = "-";
    for (Run r : runs) {
      long k = r.stepsTo(tgt);
      if (r.kind() == Kind.SCHEDULE && k > 0 && (best < 0 || k < best)) {
        best = k;
        bestName = r.label();
      }
    }
    Result partial = new Result(runs, tgt, autoStep, best, bestName, 0, Double.POSITIVE_INFINITY);
    int within = 0;
    double bestRatio = Double.POSITIVE_INFINITY;
    for (Run r : partial.controllers()) {
      double ratio = partial.ratio(r);
      if (r.failure() == null && r.finalLoss() <= tgt) { // reached it and did not collapse afterwards
        if (ratio <= WITHIN) within++;
        if (ratio < bestRatio) bestRatio = ratio;
      }
    }
    return new Result(runs, tgt, autoStep, best, bestName, within, bestRatio);
  }

  private static Run run(Bench b, String name, Kind kind, double lr, Function<Optimizer, Controller> make, Consumer<Run> listener) {
    long t0 = System.nanoTime();
    Task task = b.task().get();
    Optimizer o = Optimizers.byName(b.optimizer(), task.model().parameters(), lr);
    long n = b.steps();
    Controller c = make.apply(o);
    Trainer trainer = trainer(task, o, n, c);
    double[] sm = new double[(int) n], lrs = new double[(int) n];
    int[] k = {0};
    BiasCorrectedEma ema = new BiasCorrectedEma(SMOOTHING);
    trainer.observe(new TrainObserver() {
      @Override
      public void onStep(Step st) {
        double v = ema.add(st.loss());
        if (k[0] < sm.length) {
          sm[k[0]] = v;
          lrs[k[0]++] = st.lr();
        }
      }
    });
    Map<String, Double> eval = Map.of();
    String failure = null;
    try {
      eval = trainer.fit();
    } catch (DivergenceException e) {
      failure = "diverged at step " + e.step();
    }
    Run r = new Run(name, kind, lr, Arrays.copyOf(sm, k[0]), Arrays.copyOf(lrs, k[0]), eval, (System.nanoTime() - t0) / 1e9, failure,
        kind == Kind.CONTROLLER ? c : null);
    listener.accept(r);
    return r;
  }

  /** The one place a run's Trainer is built: {@code steps} steps, one evaluation at the end, steered by {@code c}. */
  private static Trainer trainer(Task task, Optimizer o, long steps, Controller c) {
    return new Trainer(task, o, new TrainConfig(1_000_000, steps, 0, steps)).controller(c);
  }
}
