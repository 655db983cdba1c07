package dev.fivefold.train.curriculum;

import dev.fivefold.data.Dataset;
import dev.fivefold.nn.Module;
import dev.fivefold.optim.Optimizers;
import dev.fivefold.perception.Models;
import dev.fivefold.tensor.Rng;
import dev.fivefold.train.TrainConfig;
import dev.fivefold.train.TrainObserver;
import dev.fivefold.train.Trainer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Does the order of the training examples matter? Curriculum learning (Bengio et al. 2009) in
 * the setting of Hacohen &amp; Weinshall ("On The Power of Curriculum Learning in Training Deep
 * Networks", ICML 2019): rank the training examples by difficulty, draw each batch from the easiest
 * g(i)·N of them ({@link Pacing}), and compare with controls that differ only in the order.
 *
 * <p>For each seed s, every arm starts from the same weights ({@code Models.create(model, s)}),
 * trains the same number of steps with the same optimizer (Adam, constant rate) and the same batch
 * generator ({@link CurriculumTask}), and is evaluated on the same test set every
 * {@code evalEvery} steps. The arms:
 * <ul>
 *   <li>{@code vanilla}: every batch from the whole set (no pacing);
 *   <li>{@code random/P}: pacing P over a random order (H&amp;W's control: pacing without difficulty);
 *   <li>{@code transfer/P}: pacing P, easiest first by the loss of a teacher — the same
 *       architecture from another initialisation trained {@code teacherSteps} steps on the same
 *       subset (transfer scoring, {@link Difficulty});
 *   <li>{@code anti/P}: the same scores, hardest first (anti-curriculum);
 *   <li>{@code self-paced/P}: easiest first by the model's own loss, re-scored every
 *       {@code rescoreEvery} steps (self-paced learning, Kumar et al. 2010).
 * </ul>
 * for every pacing kind P asked for. With {@code balanced} (the default) the scored orders are
 * class-balanced ({@link Difficulty#balancedOrder}): the pool holds the easiest examples of every
 * class rather than the easiest classes. All paced arms reach the whole set at step
 * {@code ramp · steps}. The result holds every run's final accuracy and curve; {@link
 * Result#summaries} gives mean and spread (sample standard deviation) per arm. The training and
 * test sets are the first {@code trainSize} and {@code testSize} examples of the given sets.
 */
public final class CurriculumExperiment {
  private CurriculumExperiment() {}

  /**
   * The study: the model, the data sizes, the training budget, the seeds and the pacings.
   *
   * @param model a {@link Models} spec (e.g. {@code mlp}, {@code lenet5})
   * @param trainSize training examples used, &ge; batch
   * @param testSize test examples used, &ge; 1
   * @param steps training steps of every arm, &ge; 1
   * @param batch batch size, &ge; 1
   * @param lr Adam's learning rate, &gt; 0
   * @param seeds how many seeds (s = seed, seed + 1, …), &ge; 1
   * @param seed the first seed
   * @param pacings the pacing kinds, at least one, no repeats
   * @param start g(0), in (0, 1]
   * @param inc the exponential's growth factor, &gt; 1
   * @param ramp fraction of the steps after which every paced arm sees the whole set, in (0, 1]
   * @param rescoreEvery self-paced re-scoring period in steps, &ge; 1
   * @param teacherSteps steps the transfer teacher trains (on the whole subset, uniformly), &ge; 1
   * @param evalEvery steps between test evaluations of the curves, &ge; 1
   * @param balanced order the scored arms class by class ({@link Difficulty#balancedOrder}) so every pool is class-balanced
   */
  public record Config(String model, int trainSize, int testSize, int steps, int batch, double lr, int seeds, long seed,
      List<Pacing.Kind> pacings, double start, double inc, double ramp, long rescoreEvery, long teacherSteps, long evalEvery,
      boolean balanced) {
    /**
     * Checks every field (the model spec is parsed) and copies the pacings.
     *
     * @throws IllegalArgumentException naming the first field out of range
     */
    public Config {
      if (model == null || model.isBlank()) throw new IllegalArgumentException("model must be a spec");
      Models.parse(model);
      if (batch < 1) throw new IllegalArgumentException("batch (" + batch + ") must be >= 1");
      if (trainSize < batch) throw new IllegalArgumentException("train size (" + trainSize + ") must be >= batch (" + batch + ")");
      if (testSize < 1) throw new IllegalArgumentException("test size (" + testSize + ") must be >= 1");
      if (steps < 1) throw new IllegalArgumentException("steps (" + steps + ") must be >= 1");
      if (!(lr > 0 && lr < Double.POSITIVE_INFINITY)) throw new IllegalArgumentException("lr (" + lr + ") must be > 0");
      if (seeds < 1) throw new IllegalArgumentException("seeds (" + seeds + ") must be >= 1");
      if (pacings == null || pacings.isEmpty()) throw new IllegalArgumentException("pacings must name at least one kind");
      if (pacings.stream().distinct().count() != pacings.size()) throw new IllegalArgumentException("pacings " + pacings + " repeat a kind");
      pacings = List.copyOf(pacings);
      if (!(ramp > 0 && ramp <= 1)) throw new IllegalArgumentException("ramp (" + ramp + ") must be in (0, 1]");
      pacing(pacings.getFirst(), start, inc, Math.max(1, Math.round(ramp * steps))); // validates start and inc
      if (rescoreEvery < 1) throw new IllegalArgumentException("rescore every (" + rescoreEvery + ") must be >= 1");
      if (teacherSteps < 1) throw new IllegalArgumentException("teacher steps (" + teacherSteps + ") must be >= 1");
      if (evalEvery < 1) throw new IllegalArgumentException("eval every (" + evalEvery + ") must be >= 1");
    }

    /**
     * The default study, under 15 minutes on 2 cores: LeNet-300-100 on 10,000 training images,
     * 1,500 steps of 64 (about 10 epochs), 3 seeds, every pacing kind from 10% to the whole set at
     * half the run (the exponential doubling), the teacher trained for one epoch, class-balanced.
     *
     * @return the default config
     */
    public static Config defaults() {
      return new Config("mlp", 10_000, 10_000, 1500, 64, 1e-3, 3, 1, List.of(Pacing.Kind.values()), 0.1, 2, 0.5, 100, 157, 100, true);
    }

    /**
     * A few seconds: a small MLP, 400 examples, 40 steps, 2 seeds, every pacing kind.
     *
     * @return the quick config
     */
    public static Config quick() {
      return new Config("mlp:784-32-10", 400, 200, 40, 16, 3e-3, 2, 1, List.of(Pacing.Kind.values()), 0.2, 2, 0.5, 10, 25, 10, true);
    }

    /**
     * The pacing of kind {@code k} for this config.
     *
     * @param k the pacing kind
     * @return the pacing from {@code start} growing by {@code inc}, reaching the whole set at step {@code
     *   ramp · steps}
     */
    public Pacing pacing(Pacing.Kind k) {
      return pacing(k, start, inc, Math.max(1, Math.round(ramp * steps)));
    }

    private static Pacing pacing(Pacing.Kind k, double start, double inc, long ramp) {
      return new Pacing(k, start, inc, ramp);
    }

    /**
     * The arms in run order: vanilla, then per pacing random, transfer, anti, self-paced.
     *
     * @return the arm names, e.g. {@code "transfer/linear"}
     */
    public List<String> arms() {
      List<String> a = new ArrayList<>(List.of(VANILLA));
      for (Pacing.Kind k : pacings) for (String s : SCORED) a.add(s + "/" + k.label);
      return a;
    }
  }

  /** The arm without pacing. */
  public static final String VANILLA = "vanilla";

  /** The paced arms' scorings, in run order. */
  public static final List<String> SCORED = List.of("random", "transfer", "anti", "self-paced");

  /**
   * One arm trained from one seed.
   *
   * @param arm the arm's name, e.g. {@code "anti/step"}
   * @param seed the seed of the initial weights and batches
   * @param accuracy the final test accuracy, in [0, 1]
   * @param loss the final test loss (mean cross-entropy, nats)
   * @param curve (step, test accuracy) from step 0 (the shared initialisation) every evalEvery steps and at the end
   */
  public record Run(String arm, long seed, double accuracy, double loss, List<double[]> curve) {}

  /**
   * Mean and spread of one arm's final test accuracy over the seeds; spread = sample standard deviation (0 for one seed).
   *
   * @param arm the arm's name
   * @param seeds the number of runs
   * @param mean the mean final accuracy
   * @param spread the sample standard deviation of the final accuracy
   * @param min the lowest final accuracy
   * @param max the highest final accuracy
   */
  public record Summary(String arm, int seeds, double mean, double spread, double min, double max) {}

  /**
   * The study's outcome.
   *
   * @param config the config that was run
   * @param runs every run, seed by seed in arm order
   * @param teacherAccuracy per seed, the transfer teacher's test accuracy
   */
  public record Result(Config config, List<Run> runs, double[] teacherAccuracy) {
    /**
     * The runs of one arm, by seed.
     *
     * @param arm an arm name
     * @return its runs, empty if none
     */
    public List<Run> of(String arm) {
      return runs.stream().filter(r -> r.arm().equals(arm)).toList();
    }

    /**
     * One summary per arm, in {@link Config#arms} order.
     *
     * @return the summaries
     */
    public List<Summary> summaries() {
      List<Summary> out = new ArrayList<>();
      for (String arm : config.arms()) {
        double[] acc = of(arm).stream().mapToDouble(Run::accuracy).toArray();
        if (acc.length == 0) continue;
        double mean = 0, min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        for (double a : acc) {
          mean += a / acc.length;
          min = Math.min(min, a);
          max = Math.max(max, a);
        }
        double ss = 0;
        for (double a : acc) ss += (a - mean) * (a - mean);
        out.add(new Summary(arm, acc.length, mean, acc.length > 1 ? Math.sqrt(ss / (acc.length - 1)) : 0, min, max));
      }
      return out;
    }

    /**
     * The arm's curve averaged over seeds, point by point (the seeds share their evaluation steps).
     *
     * @param arm an arm name
     * @return (step, mean accuracy) points, empty if the arm has no runs
     */
    public List<double[]> meanCurve(String arm) {
      List<Run> rs = of(arm);
      List<double[]> out = new ArrayList<>();
      if (rs.isEmpty()) return out;
      for (int i = 0; i < rs.getFirst().curve().size(); i++) {
        double s = 0;
        for (Run r : rs) s += r.curve().get(i)[1];
        out.add(new double[] {rs.getFirst().curve().get(i)[0], s / rs.size()});
      }
      return out;
    }
  }

  /**
   * Runs every seed's arms in order; {@code listener} hears each run as it ends.
   *
   * @param train the training set; its first {@code trainSize} examples are used
   * @param test the test set; its first {@code testSize} examples are used
   * @param cfg the study
   * @param listener told of each run
   * @return every run and the teachers' accuracies
   * @throws IllegalArgumentException if {@code train} has fewer than {@code trainSize} examples
   */
  public static Result run(Dataset train, Dataset test, Config cfg, Consumer<Run> listener) {
    if (train.size() < cfg.trainSize()) throw new IllegalArgumentException("train size (" + cfg.trainSize() + ") must be <= the training set (" + train.size() + ")");
    Dataset tr = train.take(cfg.trainSize()), te = test.take(cfg.testSize());
    List<Run> runs = new ArrayList<>();
    double[] teacherAcc = new double[cfg.seeds()];
    for (int si = 0; si < cfg.seeds(); si++) {
      long seed = cfg.seed() + si;
      Module teacher = Models.create(cfg.model(), seed + 100_003);
      teacherAcc[si] = train(teacher, new CurriculumTask(teacher, tr, te, cfg.batch(), seed + 7, identity(tr.size()), null, 0), cfg.teacherSteps(), cfg, null);
      double[] scores = Difficulty.losses(teacher, tr);
      int[] easy = cfg.balanced() ? Difficulty.balancedOrder(scores, tr.y(), tr.classes(), false) : Difficulty.order(scores, false);
      int[] hard = cfg.balanced() ? Difficulty.balancedOrder(scores, tr.y(), tr.classes(), true) : Difficulty.order(scores, true);
      int[] random = identity(tr.size());
      new Rng(seed + 31).shuffle(random);
      for (String arm : cfg.arms()) {
        Module m = Models.create(cfg.model(), seed);
        String[] parts = arm.split("/");
        Pacing pacing = parts.length == 1 ? null : cfg.pacing(Pacing.Kind.of(parts[1]));
        CurriculumTask task = switch (parts[0]) {
          case VANILLA -> new CurriculumTask(m, tr, te, cfg.batch(), seed, identity(tr.size()), null, 0);
          case "random" -> new CurriculumTask(m, tr, te, cfg.batch(), seed, random, pacing, 0);
          case "transfer" -> new CurriculumTask(m, tr, te, cfg.batch(), seed, easy, pacing, 0);
          case "anti" -> new CurriculumTask(m, tr, te, cfg.batch(), seed, hard, pacing, 0);
          case "self-paced" -> new CurriculumTask(m, tr, te, cfg.batch(), seed, null, pacing, cfg.rescoreEvery(), cfg.balanced());
          default -> throw new IllegalStateException(arm);
        };
        List<double[]> curve = new ArrayList<>();
        curve.add(new double[] {0, task.evaluate().get("accuracy")});
        double[] loss = new double[1];
        double acc = train(m, task, cfg.steps(), cfg, e -> {
          curve.add(new double[] {e.step(), e.metrics().get("accuracy")});
          loss[0] = e.metrics().get("loss");
        });
        Run r = new Run(arm, seed, acc, loss[0], List.copyOf(curve));
        runs.add(r);
        listener.accept(r);
      }
    }
    return new Result(cfg, List.copyOf(runs), teacherAcc);
  }

  /** Trains {@code steps} steps with Adam at the config's rate; returns the final test accuracy. */
  static double train(Module m, CurriculumTask task, long steps, Config cfg, Consumer<TrainObserver.Eval> evals) {
    int epochs = (int) Math.max(1, (steps + task.stepsPerEpoch() - 1) / task.stepsPerEpoch());
    Trainer t = new Trainer(task, Optimizers.adam(m.parameters(), cfg.lr()), new TrainConfig(epochs, steps, 0, evals == null ? steps : cfg.evalEvery()));
    if (evals != null) {
      t.observe(new TrainObserver() {
        @Override
        public void onEval(Eval e) {
          evals.accept(e);
        }
      });
    }
    Map<String, Double> last = t.fit();
    return last.get("accuracy");
  }

  static int[] identity(int n) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) a[i] = i;
    return a;
  }
}
