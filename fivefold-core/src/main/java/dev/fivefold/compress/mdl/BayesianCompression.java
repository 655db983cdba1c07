package dev.fivefold.compress.mdl;

import dev.fivefold.compress.Masks;
import dev.fivefold.compress.SharedWeights;
import dev.fivefold.compress.WeightSharing;
import dev.fivefold.data.Dataset;
import dev.fivefold.nn.Module;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Bayesian compression in its practical form (Louizos, Ullrich &amp; Welling, "Bayesian Compression
 * for Deep Learning", NIPS 2017): group sparsity from a structured variational posterior, then a
 * fixed-point grid per layer whose step comes from the posterior's uncertainty — the paper's second
 * idea, "use the posterior uncertainties to determine the optimal fixed point precision".
 *
 * <ol>
 *   <li>Variational training ({@link VariationalTraining}; by default structured, one log α per
 *       output neuron / filter, so whole rows and filters go), pruning by log α &gt; threshold.
 *   <li>Per layer l, the quantisation step Δ_l is the {@link Step#MEAN mean} (or the
 *       {@link Step#MIN smallest}) posterior standard deviation of its kept weights (σ_ij, or
 *       √α_i·|θ_ij| when structured): rounding moves a weight by at most Δ_l/2, inside the noise the
 *       posterior says the data tolerate. (The paper bounds the unit round-off by the posterior
 *       variance in the same spirit; this is the exact rule used here.)
 *   <li>Each kept θ becomes k·Δ_l with k = round(θ/Δ_l); a weight with k = 0 is pruned as well. The
 *       codebook is the grid points used, ascending, coded with b_l = ⌈log₂ #points⌉ bits; while
 *       #points &gt; 2^{maxBits}, Δ_l doubles (a coarser grid). b_l is the layer's bit width.
 * </ol>
 * No fine-tuning: the codebook stays on the grid. A layer left with no weight is refused
 * (IllegalArgumentException naming it).
 */
public final class BayesianCompression {
  private BayesianCompression() {}

  /** Which posterior standard deviation of a layer's kept weights sets its grid step. */
  public enum Step {
    /** The mean posterior standard deviation of the kept weights. */
    MEAN,
    /** The smallest posterior standard deviation of the kept weights (a finer grid). */
    MIN
  }

  /**
   * The pipeline's settings, validated on construction.
   *
   * @param training the variational training (structured for group sparsity)
   * @param threshold prune groups / weights with log α above it, in [−10, 10]
   * @param step the rule for Δ_l
   * @param maxBits the widest code a layer may get, 1..16
   */
  public record Config(VariationalTraining.Config training, double threshold, Step step, int maxBits) {
    /**
     * Validates the settings.
     *
     * @throws IllegalArgumentException if {@code training} or {@code step} is null, {@code threshold} is
     *     outside [−10, 10], or {@code maxBits} outside 1..16
     */
    public Config {
      if (training == null) throw new IllegalArgumentException("training (null) must be given");
      if (step == null) throw new IllegalArgumentException("step (null) must be given");
      if (!(threshold >= KlApproximation.MIN_LOG_ALPHA && threshold <= KlApproximation.MAX_LOG_ALPHA)) {
        throw new IllegalArgumentException("threshold (" + threshold + ") must be in [-10, 10]");
      }
      if (maxBits < 1 || maxBits > 16) throw new IllegalArgumentException("maxBits (" + maxBits + ") must be in 1..16");
    }
  }

  /**
   * What {@link #run} leaves.
   *
   * @param masks the kept weights after pruning and the grid (k = 0 pruned)
   * @param shared per layer the weights on its grid, in layer order
   * @param bits per layer, the code width b_l
   * @param steps per layer, the grid step Δ_l
   * @param logAlpha per layer, each weight's log α
   * @param accuracyMeans test accuracy at the posterior means θ after training
   * @param accuracyPruned test accuracy after pruning by log α
   * @param accuracyQuantised test accuracy with the weights on their grids
   */
  public record Result(Masks masks, List<SharedWeights> shared, Map<String, Integer> bits, Map<String, Double> steps, Map<String, double[]> logAlpha,
      double accuracyMeans, double accuracyPruned, double accuracyQuantised) {}

  /**
   * Trains, prunes and quantises {@code model} in place.
   *
   * @param model the classifier; trained, pruned and quantised in place
   * @param train the training set
   * @param test the test set the accuracies are measured on
   * @param cfg the settings
   * @param log receives the progress lines
   * @return the masks, shared layers, bit widths, steps, log α and accuracies
   * @throws IllegalArgumentException if a layer has no weight left on its grid
   */
  public static Result run(Module model, Dataset train, Dataset test, Config cfg, Consumer<String> log) {
    VariationalNet net = VariationalTraining.run(model, train, test, cfg.training(), log);
    double means = SparseVariationalDropout.accuracy(model, test);
    Map<String, double[]> la = SparseVariationalDropout.logAlpha(net);
    Masks masks = SparseVariationalDropout.prune(net, cfg.threshold());
    double pruned = SparseVariationalDropout.accuracy(model, test);
    log.accept(String.format(Locale.ROOT, "pruned log-alpha > %s: weights kept %.2f%%, test accuracy %.4f", cfg.threshold(), 100 * (1 - masks.sparsity()), pruned));
    List<SharedWeights> shared = new ArrayList<>();
    Map<String, Integer> bits = new LinkedHashMap<>();
    Map<String, Double> steps = new LinkedHashMap<>();
    Masks kept = new Masks();
    for (VariationalLayer l : net.layers()) {
      boolean[] keep = masks.mask(l.name());
      double delta = step(l.posteriorStd(), keep, cfg.step());
      Grid g = quantise(l, keep, delta, cfg.maxBits());
      SharedWeights s = g.shared();
      shared.add(s);
      bits.put(l.name(), s.toQuantized().bits());
      steps.put(l.name(), g.step());
      kept.put(l.name(), l.theta(), keepOf(s, l.theta().size()));
      log.accept(String.format(Locale.ROOT, "%s: step %.4g, %d grid points, %d bits, %d weights kept", l.name(), g.step(),
          s.codebook().size(), s.toQuantized().bits(), s.positions().length));
    }
    double q = SparseVariationalDropout.accuracy(model, test);
    log.accept(String.format(Locale.ROOT, "quantised to the posterior grids: test accuracy %.4f", q));
    return new Result(kept, shared, bits, steps, la, means, pruned, q);
  }

  /**
   * Δ: the mean or the smallest of {@code sd} over the kept positions (1 if none is kept or the value is not finite and &gt; 0).
   *
   * @param sd the posterior standard deviation of each weight
   * @param keep which weights are kept
   * @param rule mean or smallest
   * @return the step Δ &gt; 0
   */
  public static double step(double[] sd, boolean[] keep, Step rule) {
    double sum = 0, min = Double.POSITIVE_INFINITY;
    int n = 0;
    for (int i = 0; i < sd.length; i++) {
      if (!keep[i]) continue;
      sum += sd[i];
      min = Math.min(min, sd[i]);
      n++;
    }
    double d = n == 0 ? 1 : rule == Step.MEAN ? sum / n : min;
    return Double.isFinite(d) && d > 0 ? d : 1;
  }

  /**
   * The kept weights of {@code l} rounded to the grid k·Δ (Δ doubled while more than 2^maxBits points
   * are used), k = 0 dropped; the layer's weights materialised from it. Refuses an empty layer.
   */
  /** A layer on its grid: the shared weights and the step Δ used. */
  record Grid(SharedWeights shared, double step) {}

  static Grid quantise(VariationalLayer l, boolean[] keep, double delta, int maxBits) {
    float[] w = l.theta().value().data();
    TreeMap<Long, Integer> used;
    while (true) {
      used = new TreeMap<>();
      for (int i = 0; i < w.length; i++) {
        if (!keep[i]) continue;
        long k = Math.round(w[i] / delta);
        if (k != 0) used.put(k, 0);
      }
      if (used.size() <= (1 << maxBits)) break;
      delta *= 2;
    }
    if (used.isEmpty()) {
      throw new IllegalArgumentException(l.name() + ": every kept weight rounds to 0 on the posterior grid (step " + delta + "); lower the KL weight");
    }
    float[] codebook = new float[used.size()];
    int c = 0;
    for (var e : used.entrySet()) {
      e.setValue(c);
      codebook[c++] = (float) (e.getKey() * delta);
    }
    List<Integer> pos = new ArrayList<>(), codes = new ArrayList<>();
    for (int i = 0; i < w.length; i++) {
      if (!keep[i]) continue;
      long k = Math.round(w[i] / delta);
      if (k == 0) continue;
      pos.add(i);
      codes.add(used.get(k));
    }
    int b = WeightSharing.bitsFor(codebook.length);
    return new Grid(SharedWeights.of(l.name(), l.theta(), b, codebook, pos.stream().mapToInt(Integer::intValue).toArray(),
        codes.stream().mapToInt(Integer::intValue).toArray()), delta);
  }

  static boolean[] keepOf(SharedWeights s, int size) {
    boolean[] k = new boolean[size];
    for (int p : s.positions()) k[p] = true;
    return k;
  }
}
