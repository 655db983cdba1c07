package dev.fivefold.compress;

import dev.fivefold.control.Controller;
import dev.fivefold.control.Schedules;
import dev.fivefold.data.Dataset;
import dev.fivefold.nn.Module;
import dev.fivefold.optim.Optimizers;
import dev.fivefold.perception.ImageClassifier;
import dev.fivefold.perception.LeNet5;
import dev.fivefold.perception.Mlp;
import dev.fivefold.perception.ModelSpec;
import dev.fivefold.train.ClassificationTask;
import dev.fivefold.train.TrainConfig;
import dev.fivefold.train.TrainObserver;
import dev.fivefold.train.Trainer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * What pruning buys at inference ({@code fivefold sparse}): a trained image classifier (LeNet-300-100
 * or a LeNet-5) against (a) unstructured magnitude pruning to each sparsity, retrained with masks
 * held, run from its non-zeros by the CSR kernels without being densified (a LeNet-5's
 * convolutions straight from their non-zeros), and (b) structured L1 pruning of whole units
 * (hidden neurons; for a LeNet-5 conv filters and fc1 neurons, Li et al. 2017), a smaller dense
 * model, fine-tuned. Every row runs the same one forward tape-free ({@link Inference}) and reports
 * accuracy, weights stored, multiply-adds per sample and the median time per batch.
 *
 * <p>Times: median of 5 repetitions, each at least {@code repeatSeconds} of calls, after a warm-up
 * of at least 300 calls and 10 × {@code repeatSeconds}; per batch size, on the first {@code b} test
 * images (repeated if the test set is smaller). Training: Adam at {@code lr} with a cosine decay
 * over the run, batch 128, batch order from {@code seed}.
 */
public final class SparseInferenceExperiment {
  private SparseInferenceExperiment() {}

  /** Where the magnitude threshold is taken: one over all layers, or one per layer. */
  public enum Scope {
    /** One threshold over the weights of all layers together, so layers end at different sparsities. */
    GLOBAL,
    /** One threshold per layer: every layer pruned to the same sparsity. */
    LAYER
  }

  /**
   * The experiment's settings, validated on construction.
   *
   * @param sparsities unstructured sparsities, each in (0, 1) (command default 0.5, 0.8, 0.9, 0.95, 0.98)
   * @param scope where the magnitude threshold of unstructured pruning is taken (command default
   *     {@link Scope#GLOBAL})
   * @param keep structured: fractions of each layer's units kept, each in (0, 1) (default 0.75, 0.5, 0.25, 0.1)
   * @param retrain epochs of retraining after pruning, &ge; 0 (default 1)
   * @param batches inference batch sizes timed, each &ge; 1, at least one
   * @param repeatSeconds length of each timed repetition, &gt; 0 (default 0.1)
   * @param lr Adam learning rate for training and retraining, &gt; 0 (default 0.001)
   * @param seed batch order of every training run
   */
  public record Config(List<Double> sparsities, Scope scope, List<Double> keep, int retrain, List<Integer> batches, double repeatSeconds,
      double lr, long seed) {
    /**
     * Validates the settings and copies the lists.
     *
     * @throws IllegalArgumentException if a sparsity or keep fraction is outside (0, 1), {@code scope} is
     *     null, {@code retrain} &lt; 0, {@code batches} is empty or holds a size &lt; 1, or
     *     {@code repeatSeconds} or {@code lr} is not &gt; 0
     */
    public Config {
      sparsities = List.copyOf(sparsities);
      keep = List.copyOf(keep);
      batches = List.copyOf(batches);
      for (double s : sparsities) if (!(s > 0 && s < 1)) throw new IllegalArgumentException("sparsity (" + s + ") must be in (0, 1)");
      for (double k : keep) if (!(k > 0 && k < 1)) throw new IllegalArgumentException("keep (" + k + ") must be in (0, 1)");
      if (scope == null) throw new IllegalArgumentException("scope must not be null");
      if (retrain < 0) throw new IllegalArgumentException("retrain (" + retrain + ") must be >= 0");
      if (batches.isEmpty()) throw new IllegalArgumentException("batches must list at least one size");
      for (int b : batches) if (b < 1) throw new IllegalArgumentException("batch (" + b + ") must be >= 1");
      if (!(repeatSeconds > 0)) throw new IllegalArgumentException("repeatSeconds (" + repeatSeconds + ") must be > 0");
      if (!(lr > 0)) throw new IllegalArgumentException("lr (" + lr + ") must be > 0");
    }
  }

  /**
   * One pruned (or the dense) model measured: {@code weights} stored (non-zero for CSR; biases not
   * counted), {@code multAdds} per image (equal to the weights for an MLP; a conv filter is applied at
   * every output position), the fraction of the dense model's weights removed, accuracy on the test
   * set, µs per batch for each of the config's batch sizes.
   *
   * @param kind the row's family: "dense", "unstructured (CSR)" or "structured (dense)"
   * @param setting the sparsity and scope, or the structured model's widths
   * @param removed fraction of the dense model's weights removed, in [0, 1)
   * @param weights weights stored
   * @param multAdds multiply-adds per image
   * @param accuracy test accuracy, in [0, 1]
   * @param micros median µs per batch, one per batch size of {@link Config#batches()}
   */
  public record Row(String kind, String setting, double removed, long weights, long multAdds, double accuracy, double[] micros) {}

  /**
   * The table's title (the model and its widths) and its rows: dense first, then unstructured, then structured.
   *
   * @param title the table's title
   * @param rows the rows, in table order
   */
  public record Result(String title, List<Row> rows) {
    /** Copies {@code rows}. */
    public Result {
      rows = List.copyOf(rows);
    }
  }

  /**
   * Measures {@code base} (a trained Mlp or LeNet5, not changed) and its pruned variants; progress
   * lines go to {@code log}.
   *
   * @param c the settings
   * @param base the trained model, an {@link Mlp} or a {@link LeNet5}
   * @param train the training set for retraining and fine-tuning
   * @param test the test set the accuracy is measured on
   * @param log receives progress lines
   * @return the table: the dense row, then one row per sparsity, then one per keep fraction
   * @throws IllegalArgumentException if {@code base} is not an image classifier, or not an Mlp or LeNet5
   */
  public static Result run(Config c, Module base, Dataset train, Dataset test, Consumer<String> log) {
    if (!(base instanceof ImageClassifier classifier)) throw new IllegalArgumentException("the model must be an image classifier, got " + base.getClass().getSimpleName());
    Names names = names(classifier.spec());
    base.eval();
    float[][] probes = probes(test, c.batches());
    List<Row> rows = new ArrayList<>();
    long denseWeights = weights(base);
    rows.add(measure(c, "dense", names.dense(), 0, denseWeights, Inference.of(base, Inference.Kind.DENSE), test, probes));
    for (double s : c.sparsities()) {
      Module m = base.copy();
      var w = Pruner.weights(m);
      Masks masks = c.scope() == Scope.GLOBAL ? Pruner.global(w, s) : Pruner.perLayerSparsity(w, s);
      if (c.retrain() > 0) train(String.format(Locale.ROOT, "retraining at %.0f%% sparsity", 100 * s), m, train, test, c.retrain(), masks, c.lr(), c.seed(), log);
      m.eval();
      long kept = nonZeroWeights(m);
      rows.add(measure(c, "unstructured (CSR)", String.format(Locale.ROOT, "%.0f%% %s", 100 * s, c.scope().name().toLowerCase(Locale.ROOT)),
          1 - (double) kept / denseWeights, kept, Inference.of(m, Inference.Kind.SPARSE), test, probes));
      log.accept(String.format(Locale.ROOT, "unstructured %.2f: accuracy %.4f", s, rows.getLast().accuracy()));
    }
    for (double k : c.keep()) {
      Module small = StructuredPruning.pruneByL1(base, k);
      String name = names(((ImageClassifier) small).spec()).structured();
      if (c.retrain() > 0) train(String.format(Locale.ROOT, "retraining keep %.2f (%s)", k, name), small, train, test, c.retrain(), null, c.lr(), c.seed(), log);
      small.eval();
      rows.add(measure(c, "structured (dense)", name, 1 - (double) weights(small) / denseWeights, weights(small),
          Inference.of(small, Inference.Kind.DENSE), test, probes));
      log.accept(String.format(Locale.ROOT, "structured keep %.2f: accuracy %.4f", k, rows.getLast().accuracy()));
    }
    return new Result(names.title(), rows);
  }

  /** How a family's rows are named: the dense row's setting, a structured model's setting, the table's title. */
  private record Names(String dense, String structured, String title) {}

  private static Names names(ModelSpec spec) {
    return switch (spec) {
      case Mlp.Spec s -> {
        String sizes = String.join("-", Arrays.stream(s.sizes()).mapToObj(Integer::toString).toList());
        yield new Names("-", sizes, "LeNet-300-100 " + Arrays.toString(s.sizes()));
      }
      case LeNet5.Spec s -> {
        String w = "lenet5:" + s.conv1Channels() + "-" + s.conv2Channels() + "-" + s.hidden();
        yield new Names(w, w, "LeNet-5 [" + s.conv1Channels() + ", " + s.conv2Channels() + ", " + s.hidden() + "]");
      }
      default -> throw new IllegalArgumentException("sparse inference takes an mlp or a lenet5, not " + spec);
    };
  }

  /**
   * Trains {@code m} for {@code epochs}: Adam at {@code lr} with a cosine decay over the run, batch
   * 128, batch order from {@code seed}; masked (pruned weights held at 0) when {@code masks} is
   * given. One progress line per epoch to {@code log}.
   *
   * @param what the run's name in the progress lines
   * @param m the model, trained in place
   * @param train the training set
   * @param test the test set
   * @param epochs epochs to train, &ge; 1
   * @param masks the pruning masks held during training, or null for unmasked training
   * @param lr the Adam learning rate before the decay, &gt; 0
   * @param seed the batch order's seed
   * @param log receives one line per epoch
   */
  public static void train(String what, Module m, Dataset train, Dataset test, int epochs, Masks masks, double lr, long seed, Consumer<String> log) {
    m.train();
    ClassificationTask task = new ClassificationTask(m, train, test, 128, seed);
    long steps = epochs * task.stepsPerEpoch();
    Trainer t = new Trainer(task, Optimizers.adam(m.parameters(), lr), new TrainConfig(epochs, steps, 0, Long.MAX_VALUE));
    t.controller(Controller.open(Schedules.cosine(lr, steps, 0)));
    long perEpoch = task.stepsPerEpoch();
    t.observe(new TrainObserver() { // progress: one line per epoch
      @Override
      public void onStep(Step s) {
        if (s.step() % perEpoch == 0) {
          log.accept(String.format(Locale.ROOT, "%s: epoch %d/%d, last batch loss %.4f (%.0f s)", what, s.step() / perEpoch, epochs, s.loss(), s.seconds()));
        }
      }
    });
    if (masks != null) t.observe(masks.observer());
    t.fit();
    if (masks != null) masks.apply();
  }

  /** Times {@code inf} on each batch size and scores it; {@code weights} stored (non-zeros for CSR). */
  private static Row measure(Config c, String kind, String setting, double removed, long weights, Inference inf, Dataset test, float[][] probes) {
    double[] micros = new double[probes.length];
    for (int i = 0; i < micros.length; i++) {
      int b = c.batches().get(i);
      float[] x = probes[i];
      micros[i] = microsPerCall(() -> inf.logits(x, b), c.repeatSeconds());
    }
    return new Row(kind, setting, removed, weights, inf.multiplyAdds(), inf.accuracy(test, 1000), micros);
  }

  /**
   * Median of 5 repetitions, each at least {@code seconds} of calls, after a warm-up of at least
   * 300 calls and 10 × {@code seconds}: the Vector API kernels run many times slower until C2 has
   * compiled them, so a warm-up by time alone timed the interpreter on the first rows.
   *
   * @param call the operation timed
   * @param seconds the least length of each repetition, &gt; 0
   * @return the median time of one call, in microseconds
   */
  public static double microsPerCall(Runnable call, double seconds) {
    long calls = 0, w0 = System.nanoTime();
    while (calls < 300 || System.nanoTime() - w0 < 10 * seconds * 1e9) {
      call.run();
      calls++;
    }
    long reps = 1;
    while (true) { // calibration: the repetition count that takes ≥ seconds
      long t0 = System.nanoTime();
      for (long i = 0; i < reps; i++) call.run();
      if (System.nanoTime() - t0 > seconds * 1e9) break;
      reps *= 2;
    }
    double[] t = new double[5];
    for (int k = 0; k < t.length; k++) {
      long t0 = System.nanoTime();
      for (long i = 0; i < reps; i++) call.run();
      t[k] = (System.nanoTime() - t0) / 1e3 / reps;
    }
    Arrays.sort(t);
    return t[2];
  }

  /** Per batch size b, the first b test images (repeated if the test set is smaller), as one row-major array. */
  private static float[][] probes(Dataset test, List<Integer> batches) {
    int f = test.features();
    float[] src = test.x().data();
    float[][] out = new float[batches.size()][];
    for (int i = 0; i < out.length; i++) {
      int n = batches.get(i);
      float[] x = new float[n * f];
      for (int r = 0; r < n; r++) System.arraycopy(src, (r % test.size()) * f, x, r * f, f);
      out[i] = x;
    }
    return out;
  }

  /** Weight entries of a model (its matrices and kernels; biases not counted). */
  private static long weights(Module m) {
    long n = 0;
    for (var p : Pruner.weights(m).values()) n += p.value().size();
    return n;
  }

  /** Non-zero weight entries (biases not counted): what the CSR rows store. */
  private static long nonZeroWeights(Module m) {
    long n = 0;
    for (var p : Pruner.weights(m).values()) for (float v : p.value().data()) if (v != 0f) n++;
    return n;
  }
}
