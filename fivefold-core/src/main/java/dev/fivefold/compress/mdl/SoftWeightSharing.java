package dev.fivefold.compress.mdl;

import dev.fivefold.autodiff.Tape;
import dev.fivefold.autodiff.Var;
import dev.fivefold.compress.Pruner;
import dev.fivefold.compress.SharedWeights;
import dev.fivefold.compress.WeightSharing;
import dev.fivefold.data.Dataset;
import dev.fivefold.nn.Module;
import dev.fivefold.nn.Parameter;
import dev.fivefold.optim.Optimizer;
import dev.fivefold.optim.Optimizers;
import dev.fivefold.train.ClassificationTask;
import dev.fivefold.train.DivergenceException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Soft weight-sharing (Ullrich, Meeds &amp; Welling, ICLR 2017) of a trained classifier: retrain
 * the weights jointly with a learned Gaussian-mixture prior ({@link MixturePrior}), then quantise
 * every weight to the mean of its most probable component; the zero component's weights are pruned.
 *
 * <p>The objective is the paper's minimum-description-length bound per training example,
 *
 * <pre>
 *   L(w, θ) = (1/N)·[ −log p(D | w) − τ·log p(w | θ) − τ·log p(θ) ]
 *           = mean cross-entropy of the batch + (τ/N)·(−Σ_i log p(w_i | θ) + Σ_j −log Gamma(λ_j))
 * </pre>
 *
 * over the matrices and kernels (rank ≥ 2; biases stay raw float32 in the archive and get no
 * prior), N the training set size and τ the complexity weight (authors' code: loss weight τ/N on
 * the summed prior, τ = 0.003–0.005; default 0.005). Three Adam optimizers with the authors'
 * learning rates: the network's parameters 5·10⁻⁴, the means 10⁻⁴, the log-precisions and the
 * mixing logits 3·10⁻³, constant, no weight decay.
 *
 * <p>After retraining: components whose means lie within {@code mergeTolerance} of each other are
 * merged ({@link MixturePrior.Mixture#merge}), each weight goes to its merged component of largest
 * responsibility, the zero component's weights to 0 (pruned) and the others to their component's
 * mean (as float). {@link #quantize} writes the weights and returns one {@link SharedWeights} per
 * tensor (codebook = the means that tensor uses, ascending; codes at the kept positions), the unit
 * {@code DeepCompression.archive} stores, so the archive decodes to exactly these weights.
 */
public final class SoftWeightSharing {
  private SoftWeightSharing() {}

  /**
   * The retraining's settings, validated on construction.
   *
   * @param prior the mixture's shape, initial spread and hyper-priors
   * @param tau τ &gt; 0, the weight of the prior's code length
   * @param epochs retraining epochs (fractions allowed), ≥ 0
   * @param lr Adam learning rate of the network's parameters, &gt; 0
   * @param priorLr Adam learning rate of the log-precisions and mixing logits, &gt; 0
   * @param meansLr Adam learning rate of the means, &gt; 0
   * @param mergeTolerance components with means closer than this are merged, ≥ 0
   * @param batch batch size, ≥ 1
   * @param seed data order
   */
  public record Config(MixturePrior.Config prior, double tau, double epochs, double lr, double priorLr, double meansLr,
      double mergeTolerance, int batch, long seed) {
    /**
     * Validates the settings.
     *
     * @throws IllegalArgumentException if {@code prior} is null, {@code tau} or a learning rate is not finite
     *     and &gt; 0, {@code epochs} or {@code mergeTolerance} is negative or not finite, or {@code batch}
     *     &lt; 1
     */
    public Config {
      if (prior == null) throw new IllegalArgumentException("prior config must be given");
      if (!(tau > 0) || Double.isInfinite(tau)) throw new IllegalArgumentException("tau (" + tau + ") must be > 0");
      if (!(epochs >= 0) || Double.isInfinite(epochs)) throw new IllegalArgumentException("epochs (" + epochs + ") must be >= 0");
      for (double r : new double[] {lr, priorLr, meansLr}) {
        if (!(r > 0) || Double.isInfinite(r)) throw new IllegalArgumentException("learning rate (" + r + ") must be > 0");
      }
      if (!(mergeTolerance >= 0) || Double.isInfinite(mergeTolerance)) {
        throw new IllegalArgumentException("merge tolerance (" + mergeTolerance + ") must be >= 0");
      }
      if (batch < 1) throw new IllegalArgumentException("batch (" + batch + ") must be >= 1");
    }

    /**
     * The authors' settings: 17 components, τ = 0.005, learning rates 5e-4 / 3e-3 / 1e-4, {@code epochs}, batch 128, tolerance 0.005.
     *
     * @param epochs retraining epochs, &ge; 0
     * @param seed data order
     * @return the configuration
     */
    public static Config paper(double epochs, long seed) {
      return new Config(MixturePrior.Config.paper(), 0.005, epochs, 5e-4, 3e-3, 1e-4, 0.005, 128, seed);
    }
  }

  /**
   * One epoch's (or the last part epoch's) means: cross-entropy, prior nats per weight, test accuracy.
   *
   * @param epoch the epochs done, fractional for the last part epoch
   * @param crossEntropy the mean training cross-entropy, nats per example
   * @param priorNatsPerWeight the mean −log p(w | θ) per weight, in nats
   * @param accuracy test accuracy at the end of the epoch, in [0, 1]
   */
  public record Epoch(double epoch, double crossEntropy, double priorNatsPerWeight, double accuracy) {}

  /**
   * What {@link #run} leaves.
   *
   * @param initial the prior before retraining
   * @param learned the prior after retraining
   * @param merged the learned prior after merging: the components the weights were quantised to
   * @param shared one entry per matrix/kernel, in parameter order
   * @param weightsBefore every matrix/kernel weight before retraining, concatenated in parameter order
   * @param weightsAfter the same weights after retraining, before quantisation
   * @param history per epoch
   * @param accuracyRetrained test accuracy after retraining (continuous weights)
   * @param accuracyQuantized test accuracy of the quantised weights
   * @param kept weights not pruned
   * @param total weights under the prior
   */
  public record Result(MixturePrior.Mixture initial, MixturePrior.Mixture learned, MixturePrior.Mixture merged, List<SharedWeights> shared,
      float[] weightsBefore, float[] weightsAfter, List<Epoch> history, double accuracyRetrained, double accuracyQuantized, long kept, long total) {}

  /**
   * Retrains {@code model} in place with the prior, quantises it, and returns the layers; {@code log}
   * gets one line per epoch and one per stage.
   *
   * @param model the trained classifier, retrained and quantised in place
   * @param train the training set; its size is N
   * @param test the test set the accuracies are measured on
   * @param cfg the settings
   * @param log receives the progress lines
   * @return the priors, the shared layers, the weights before and after, and the accuracies
   * @throws IllegalArgumentException if the model has no matrix or kernel, or a tensor has every weight pruned
   * @throws DivergenceException if the loss becomes NaN or infinite
   */
  public static Result run(Module model, Dataset train, Dataset test, Config cfg, Consumer<String> log) {
    Map<String, Parameter> weights = Pruner.weights(model);
    if (weights.isEmpty()) throw new IllegalArgumentException("model has no weight matrix or kernel to share");
    float[] before = concat(weights);
    double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
    for (float v : before) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    MixturePrior prior = MixturePrior.init(cfg.prior(), lo, hi);
    MixturePrior.Mixture initial = prior.mixture();
    Optimizer net = Optimizers.adam(model.parameters(), cfg.lr());
    Optimizer means = Optimizers.adam(List.of(prior.means()), cfg.meansLr());
    Optimizer rest = Optimizers.adam(List.of(prior.logPrecisions(), prior.logits()), cfg.priorLr());
    ClassificationTask task = new ClassificationTask(model, train, test, cfg.batch(), cfg.seed());
    long perEpoch = task.stepsPerEpoch();
    long steps = Math.round(cfg.epochs() * perEpoch);
    double scale = cfg.tau() / train.size();
    List<Epoch> history = new ArrayList<>();
    Tape tape = Tape.training();
    model.train();
    double ce = 0, nll = 0;
    int n = 0;
    for (long s = 0; s < steps; s++) {
      tape.reset();
      Var loss = task.trainLoss(tape);
      double l = loss.item();
      if (!Double.isFinite(l)) throw new DivergenceException(s, l);
      tape.backward(loss);
      double p = 0;
      for (Parameter w : weights.values()) p += prior.accumulate(w.value().data(), w.grad(), scale);
      prior.hyperPrior(scale);
      net.step();
      means.step();
      rest.step();
      ce += l;
      nll += p;
      n++;
      if ((s + 1) % perEpoch == 0 || s + 1 == steps) {
        double acc = SparseVariationalDropout.accuracy(model, test);
        Epoch e = new Epoch((double) (s + 1) / perEpoch, ce / n, nll / n / before.length, acc);
        history.add(e);
        log.accept(String.format(Locale.ROOT, "sws epoch %.2f: cross-entropy %.4f, prior %.4f nats/weight, test accuracy %.4f, near zero %.2f%%",
            e.epoch(), e.crossEntropy(), e.priorNatsPerWeight(), e.accuracy(), 100 * nearZero(weights, prior.mixture())));
        ce = nll = n = 0;
        model.train();
      }
    }
    model.zeroGrad();
    MixturePrior.Mixture learned = prior.mixture();
    float[] after = concat(weights);
    double retrained = SparseVariationalDropout.accuracy(model, test);
    MixturePrior.Mixture merged = learned.merge(cfg.mergeTolerance());
    List<SharedWeights> shared = quantize(weights, merged);
    long kept = 0;
    for (SharedWeights sw : shared) kept += sw.positions().length;
    double quantized = SparseVariationalDropout.accuracy(model, test);
    log.accept(String.format(Locale.ROOT, "sws quantised: %d of %d components after merging (tolerance %s), %d of %d weights kept (%.2f%%), test accuracy %.4f -> %.4f",
        merged.size(), learned.size(), cfg.mergeTolerance(), kept, before.length, 100.0 * kept / before.length, retrained, quantized));
    return new Result(initial, learned, merged, shared, before, after, List.copyOf(history), retrained, quantized, kept, before.length);
  }

  /**
   * Every weight of {@code weights} set to the mean (as float) of its most probable component of
   * {@code mixture}, 0 where that is component 0 (pruned); one {@link SharedWeights} per tensor,
   * in map order, codebook = the means it uses in ascending order, ⌈log₂ k⌉ code bits.
   *
   * @param weights the matrices and kernels by name; overwritten with their quantised values
   * @param mixture the (merged) mixture
   * @return one shared layer per tensor
   * @throws IllegalArgumentException if a tensor has every weight pruned (named, with its size)
   */
  public static List<SharedWeights> quantize(Map<String, Parameter> weights, MixturePrior.Mixture mixture) {
    int J = mixture.size();
    Integer[] byMean = new Integer[J];
    for (int j = 0; j < J; j++) byMean[j] = j;
    java.util.Arrays.sort(byMean, (a, b) -> Double.compare(mixture.means()[a], mixture.means()[b]));
    List<SharedWeights> out = new ArrayList<>();
    for (var e : weights.entrySet()) {
      float[] w = e.getValue().value().data();
      int[] comp = mixture.assign(w);
      boolean[] used = new boolean[J];
      int kept = 0;
      for (int i = 0; i < w.length; i++) {
        if (comp[i] != 0) {
          used[comp[i]] = true;
          kept++;
        }
      }
      if (kept == 0) throw new IllegalArgumentException(e.getKey() + ": soft weight-sharing pruned every weight (all " + w.length
          + " nearest the zero component); lower tau or train fewer epochs");
      int[] code = new int[J];
      List<Float> book = new ArrayList<>();
      for (int j : byMean) {
        if (!used[j]) continue;
        code[j] = book.size();
        book.add((float) mixture.means()[j]);
      }
      float[] codebook = new float[book.size()];
      for (int k = 0; k < codebook.length; k++) codebook[k] = book.get(k);
      int[] positions = new int[kept], codes = new int[kept];
      for (int i = 0, k = 0; i < w.length; i++) {
        if (comp[i] == 0) continue;
        positions[k] = i;
        codes[k++] = code[comp[i]];
      }
      out.add(SharedWeights.of(e.getKey(), e.getValue(), WeightSharing.bitsFor(codebook.length), codebook, positions, codes));
    }
    return out;
  }

  /** The share of weights whose most probable component is the zero component. */
  static double nearZero(Map<String, Parameter> weights, MixturePrior.Mixture m) {
    long z = 0, n = 0;
    for (Parameter p : weights.values()) {
      for (int c : m.assign(p.value().data())) if (c == 0) z++;
      n += p.size();
    }
    return n == 0 ? 0 : (double) z / n;
  }

  static float[] concat(Map<String, Parameter> weights) {
    int n = 0;
    for (Parameter p : weights.values()) n += p.size();
    float[] out = new float[n];
    int o = 0;
    for (Parameter p : weights.values()) {
      System.arraycopy(p.value().data(), 0, out, o, p.size());
      o += p.size();
    }
    return out;
  }
}
