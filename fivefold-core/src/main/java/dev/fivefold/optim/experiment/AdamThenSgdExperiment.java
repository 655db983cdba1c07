package dev.fivefold.optim.experiment;

import dev.fivefold.control.Schedule;
import dev.fivefold.data.Dataset;
import dev.fivefold.optim.AdamThenSgd;
import dev.fivefold.optim.AdamThenSgd.RateEstimate;
import dev.fivefold.optim.OptState;
import dev.fivefold.optim.Optimizer;
import dev.fivefold.optim.Optimizers;
import dev.fivefold.perception.Mlp;
import dev.fivefold.train.ClassificationTask;
import dev.fivefold.train.TrainConfig;
import dev.fivefold.train.TrainObserver;
import dev.fivefold.train.Trainer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Adam (constant rate) against Adam-then-SGD (SWATS, Keskar &amp; Socher 2017) on LeNet-300-100,
 * same weights and batches per seed; test metrics after every epoch, the switch step, and the
 * claim "Adam-then-SGD reaches at least Adam's accuracy" on the mean and per seed ({@link
 * Result#compare}).
 *
 * <p>Runs per seed, in this order: {@code adam}; {@code swats} (switches when |Λ − γ|/Λ &lt; tol
 * after {@code minStep} steps, {@link AdamThenSgd.SwitchRule#swatsRelative}); with {@code
 * annealed}, {@code adam+anneal} (Adam annealed from the step swats switched at, constant if it
 * never did); with {@code switchEpoch} &gt; 0, {@code adam->sgd@E} (forced to SGD after E epochs).
 * After a switch SGD (momentum {@value #MOMENTUM}) runs at the estimated rate (or {@code sgdLr} if
 * &gt; 0), and with {@code annealed} every run but {@code adam} is scaled by a cosine to 0 over the
 * steps left after the switch ({@link #annealAfter}). Seeds are {@code seed, seed + 1, ...}.
 */
public final class AdamThenSgdExperiment {
  private AdamThenSgdExperiment() {}

  /** SGD momentum after the switch (the paper's β1). */
  public static final double MOMENTUM = 0.9;

  /**
   * The experiment's settings.
   *
   * @param epochs passes over the training data, ≥ 1
   * @param seeds how many seeds, ≥ 1
   * @param lr Adam's learning rate, &gt; 0
   * @param tol the relative switch tolerance, &gt; 0
   * @param minStep no switch before this Adam step, ≥ 2
   * @param estimate the SGD rate at the switch
   * @param sgdLr a fixed SGD rate in place of the estimate; 0 = estimate
   * @param annealed cosine to 0 after the switch (and the adam+anneal control)
   * @param switchEpoch also run Adam forced to SGD after this many epochs; 0 = no such run; &lt; epochs
   * @param batch batch size, ≥ 1
   * @param seed the first seed
   */
  public record Config(int epochs, int seeds, double lr, double tol, long minStep, RateEstimate estimate, double sgdLr, boolean annealed,
      int switchEpoch, int batch, long seed) {
    /**
     * Checks every field.
     *
     * @throws IllegalArgumentException naming the first field out of range
     */
    public Config {
      if (epochs < 1) throw new IllegalArgumentException("epochs (" + epochs + ") must be >= 1");
      if (seeds < 1) throw new IllegalArgumentException("seeds (" + seeds + ") must be >= 1");
      if (batch < 1) throw new IllegalArgumentException("batch (" + batch + ") must be >= 1");
      if (!(lr > 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("lr (" + lr + ") must be > 0");
      if (!(tol > 0) || Double.isInfinite(tol)) throw new IllegalArgumentException("tol (" + tol + ") must be > 0");
      if (minStep < 2) throw new IllegalArgumentException("minStep (" + minStep + ") must be >= 2");
      if (estimate == null) throw new IllegalArgumentException("estimate must not be null");
      if (!(sgdLr >= 0) || Double.isInfinite(sgdLr)) throw new IllegalArgumentException("sgdLr (" + sgdLr + ") must be >= 0");
      if (switchEpoch < 0 || switchEpoch >= epochs) throw new IllegalArgumentException("switchEpoch (" + switchEpoch + ") must be in [0, epochs (" + epochs + "))");
    }

    /**
     * The runs of every seed, in order.
     *
     * @return the run names: adam, swats, then adam+anneal and the forced run if asked
     */
    public List<String> runs() {
      List<String> names = new ArrayList<>(List.of("adam", "swats"));
      if (annealed) names.add("adam+anneal");
      if (switchEpoch > 0) names.add(forced());
      return names;
    }

    /**
     * The name of the forced-switch run, {@code adam->sgd@E}.
     *
     * @return the name
     */
    public String forced() {
      return "adam->sgd@" + switchEpoch;
    }
  }

  /**
   * One run's outcome.
   *
   * @param seed the seed of the weights and batches
   * @param run the run's name
   * @param accuracy the final test accuracy, in [0, 1]
   * @param loss the final test loss (mean cross-entropy, nats)
   * @param epochs per epoch {epoch, test accuracy, test loss}
   * @param switchedAt the step after which SGD took over (adam+anneal: annealing began); -1 if never
   * @param sgdRate the SGD rate after the switch (NaN if none)
   * @param estimates at the switch, {swats (1 − μ)Λ, matched} rate estimates (NaN if none)
   */
  public record Outcome(long seed, String run, double accuracy, double loss, List<double[]> epochs, long switchedAt, double sgdRate,
      double[] estimates) {
    /**
     * Whether SGD took over (not the annealing of adam+anneal).
     *
     * @return true if the run switched to SGD
     */
    public boolean sgd() {
      return switchedAt > 0 && !run.equals("adam+anneal");
    }
  }

  /**
   * {@code a} against {@code b}: {@code diff} = mean accuracy of a − of b; {@code wins} = seeds where a ≥ b.
   *
   * @param a the first run's name
   * @param b the second run's name
   * @param seeds the seeds compared
   * @param wins the seeds where a's accuracy is at least b's
   * @param diff a's mean accuracy minus b's
   */
  public record Comparison(String a, String b, int seeds, int wins, double diff) {
    /** {@return whether a's mean accuracy is at least b's} */
    public boolean holds() {
      return diff >= 0;
    }
  }

  /**
   * The experiment's outcome.
   *
   * @param outcomes per run name (in {@link Config#runs} order) the outcome of every seed
   * @param stepsPerEpoch steps of one epoch
   */
  public record Result(Map<String, List<Outcome>> outcomes, long stepsPerEpoch) {
    /**
     * The mean test accuracy ({@code accuracy}) or loss of run {@code name} over the seeds.
     *
     * @param name a run name
     * @param accuracy true for the accuracy, false for the loss
     * @return the mean over the seeds
     */
    public double mean(String name, boolean accuracy) {
      return mean(outcomes.get(name), accuracy);
    }

    static double mean(List<Outcome> os, boolean accuracy) {
      double s = 0;
      for (Outcome o : os) s += accuracy ? o.accuracy() : o.loss();
      return s / os.size();
    }

    /**
     * Run {@code a} against run {@code b} over the seeds.
     *
     * @param a a run name
     * @param b another run name
     * @return the comparison over the seeds both have
     */
    public Comparison compare(String a, String b) {
      List<Outcome> x = outcomes.get(a), y = outcomes.get(b);
      int n = Math.min(x.size(), y.size()), wins = 0;
      for (int i = 0; i < n; i++) if (x.get(i).accuracy() >= y.get(i).accuracy()) wins++;
      return new Comparison(a, b, n, wins, mean(x, true) - mean(y, true));
    }
  }


  /**
   * Runs every seed's runs in order; {@code listener} is told of each outcome as it is known.
   *
   * @param train the training images
   * @param test the test images
   * @param cfg the experiment
   * @param listener told of each outcome
   * @return the outcomes by run name
   */
  public static Result run(Dataset train, Dataset test, Config cfg, Consumer<Outcome> listener) {
    Map<String, List<Outcome>> results = new LinkedHashMap<>();
    for (String n : cfg.runs()) results.put(n, new ArrayList<>());
    for (int si = 0; si < cfg.seeds(); si++) {
      long seed = cfg.seed() + si;
      long swatsSwitch = -1;
      for (String name : cfg.runs()) {
        long stepsPerEpoch = new ClassificationTask(Mlp.lenet300100(seed), train, test, cfg.batch(), seed).stepsPerEpoch();
        AdamThenSgd.SwitchRule rule = switch (name) {
          case "adam", "adam+anneal" -> null; // Adam throughout
          case "swats" -> AdamThenSgd.SwitchRule.swatsRelative(cfg.tol(), cfg.minStep());
          default -> AdamThenSgd.SwitchRule.atStep((long) cfg.switchEpoch() * stepsPerEpoch);
        };
        // adam+anneal anneals from swats's switch (constant, as adam, if swats never switched)
        long annealFrom = name.equals("adam+anneal") ? swatsSwitch : -1;
        Outcome o = run(name, seed, train, test, rule, annealFrom, cfg);
        results.get(name).add(o);
        if (name.equals("swats")) swatsSwitch = o.switchedAt();
        listener.accept(o);
      }
    }
    long stepsPerEpoch = new ClassificationTask(Mlp.lenet300100(cfg.seed()), train, test, cfg.batch(), cfg.seed()).stepsPerEpoch();
    return new Result(results, stepsPerEpoch);
  }

  /** Adam if {@code base} is null (annealed after step {@code annealFrom} if that is &gt; 0), else Adam-then-SGD. */
  private static Outcome run(String name, long seed, Dataset train, Dataset test, AdamThenSgd.SwitchRule base, long annealFrom, Config cfg) {
    Mlp net = Mlp.lenet300100(seed);
    ClassificationTask task = new ClassificationTask(net, train, test, cfg.batch(), seed);
    long total = (long) cfg.epochs() * task.stepsPerEpoch();
    long[] switched = {annealFrom};
    boolean adamOnly = base == null;
    Optimizer o;
    if (adamOnly) {
      o = Optimizers.adam(net.parameters(), cfg.lr(), 0.9, 0.999, 1e-8, 0);
    } else {
      o = Optimizers.adamThenSgd(net.parameters(), cfg.lr(), new AdamThenSgd.SwitchRule() {
        public boolean test(long k, double s) {
          boolean b = base.test(k, s);
          if (b && switched[0] < 0) switched[0] = k;
          return b;
        }

        public boolean relative() {
          return base.relative();
        }
      }, null, cfg.estimate(), cfg.sgdLr(), MOMENTUM, 0);
    }
    Trainer trainer = trainer(task, o, cfg.epochs());
    if (cfg.annealed() && !name.equals("adam")) trainer.controller(dev.fivefold.control.Controller.open(annealAfter(cfg.lr(), switched, total)));
    List<double[]> pts = new ArrayList<>();
    trainer.observe(new TrainObserver() {
      @Override
      public void onEval(Eval e) {
        pts.add(new double[] {e.epoch(), e.metrics().get("accuracy"), e.metrics().get("loss")});
      }
    });
    Map<String, Double> eval = trainer.fit();
    double rate = Double.NaN;
    double[] est = {Double.NaN, Double.NaN};
    if (!adamOnly && switched[0] > 0) {
      OptState st = o.state().find("swats"); // AdamThenSgd's slot "swats" = [switched, λ, η, α_k, ρ]
      if (st != null) {
        float[] sw = st.slot("swats")[0];
        double bc = 1 - Math.pow(0.999, switched[0]); // the estimates stop at the switch
        rate = sw[2];
        est = new double[] {(1 - MOMENTUM) * sw[1] / bc, sw[4] / bc};
      }
    }
    return new Outcome(seed, name, eval.get("accuracy"), eval.get("loss"), pts, switched[0], rate, est);
  }

  /** The one place a run's Trainer is built: {@code epochs} epochs, evaluated after each. */
  private static Trainer trainer(ClassificationTask task, Optimizer o, int epochs) {
    return new Trainer(task, o, TrainConfig.epochs(epochs));
  }

  /**
   * α until the switch (after step s, read from {@code switched}), then α·½(1+cos(π(t-s)/(T-s)))
   * for the 0-based step t about to be taken, T the planned steps: a cosine to 0 over what is
   * left. {@link AdamThenSgd} scales its SGD rate by the same factor.
   */
  static Schedule annealAfter(double lr, long[] switched, long total) {
    return (step, progress) -> {
      long s = switched[0];
      if (s < 0 || step < s || s >= total) return lr;
      return lr * 0.5 * (1 + Math.cos(Math.PI * (step - s) / (double) (total - s)));
    };
  }
}
