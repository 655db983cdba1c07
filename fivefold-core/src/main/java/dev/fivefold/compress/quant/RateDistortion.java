package dev.fivefold.compress.quant;

import dev.fivefold.compress.code.EntropyCoder;
import dev.fivefold.data.Dataset;
import dev.fivefold.data.TextCorpus;
import dev.fivefold.nn.Module;
import dev.fivefold.perception.Gpt;
import dev.fivefold.tensor.Tensor;
import dev.fivefold.train.ClassificationTask;
import dev.fivefold.train.LanguageModelTask;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Quantization as coding: for every weight matrix of a trained model, distortion against rate for
 * three scalar quantizers at 1..8 bits (uniform, k-means, entropy-constrained; see
 * {@link ScalarQuantizers}), beside the Gaussian rate–distortion bound, and the task metric when
 * every matrix is quantized at the same setting.
 *
 * <p><b>Rate</b> (bits per weight) is measured, not estimated: the codes of a tensor are coded by
 * fivefold's own rANS coder ({@link EntropyCoder#rans}; the stream's header and frequency table
 * included) and the codebook is added at 32 bits per float (uniform: 2 floats, min and step;
 * k-means and ECSQ: one per level in use); rate = (8·stream bytes + 32·floats) / weights. The
 * empirical order-0 entropy of the codes is reported beside it ({@link Point#entropy}, no
 * codebook): the bound the coder approaches on large tensors.
 *
 * <p><b>Distortion</b>: the weight mean squared error D = ‖W − Ŵ‖²/n, reported against the
 * tensor's variance σ² (10·log₁₀(D/σ²) dB). A memoryless Gaussian source of variance σ² cannot be
 * coded at R bits per sample with less than D(R) = σ²·2^(−2R) (Shannon 1959; Cover &amp; Thomas,
 * Theorem 10.3.2), −6.02 dB per bit; weights are not Gaussian, so the bound is a reference, not a
 * limit (a peaked, heavy-tailed tensor can sit below it). The task metric
 * ({@link Metric}: test accuracy for image models, held-out bits/char for a GPT) is computed
 * with every selected matrix replaced by its quantized form, biases and norms kept in float32.
 *
 * <p><b>Per layer</b> ({@link Sensitivity}): the metric with only one matrix quantized (at
 * {@link Config#sensitivityBits} with {@link Config#sensitivityMethod}), the rest float32: the
 * layers whose metric moves most per weight are the ones that deserve bits.
 *
 * <p>Selected matrices: every ".weight" of rank ≥ 2 (linear layers, convolutions as
 * [out, in·kh·kw], and for a GPT also the embeddings and the head). The model's weights are
 * restored before {@link #run} returns, also when it throws.
 */
public final class RateDistortion {
  private RateDistortion() {}

  /** The scalar quantizers compared ({@link ScalarQuantizers}). */
  public enum Method {
    /** 2^b equal cells over [min, max] of the tensor, each reconstructed at its midpoint; codebook: 2 floats. */
    UNIFORM,
    /** Lloyd's k-means with 2^b centroids, linearly initialised; codebook: one float per level in use. */
    KMEANS,
    /** Entropy-constrained scalar quantization with b bits as the entropy budget; codebook: one float per level in use. */
    ECSQ;

    /**
     * The lower-case name used in tables and flags.
     *
     * @return "uniform", "k-means" or "ecsq"
     */
    public String label() {
      return switch (this) {
        case UNIFORM -> "uniform";
        case KMEANS -> "k-means";
        case ECSQ -> "ecsq";
      };
    }
  }

  /** The task metric: a name, its direction, and the score of a model. */
  public interface Metric {
    /**
     * The metric's name, e.g. "test accuracy".
     *
     * @return the name
     */
    String name();

    /**
     * The metric's direction.
     *
     * @return true when a larger score is better
     */
    boolean higherIsBetter();

    /**
     * Scores {@code model} as it is (its weights possibly quantized).
     *
     * @param model the model
     * @return the score
     */
    double score(Module model);

    /**
     * Test accuracy on {@code test} (e.g. the first N test images), batches of 1000.
     *
     * @param test the test set, non-empty
     * @return the metric
     * @throws IllegalArgumentException if {@code test} is null or empty
     */
    static Metric accuracy(Dataset test) {
      if (test == null || test.size() == 0) throw new IllegalArgumentException("test set is empty");
      return new Metric() {
        @Override public String name() { return "test accuracy"; }
        @Override public boolean higherIsBetter() { return true; }
        @Override public double score(Module m) { return ClassificationTask.evaluate(m, test, 1000).get("accuracy"); }
      };
    }

    /**
     * Held-out bits/char of a GPT over the first {@code tokens} held-out tokens (0 = all), as {@code eval}.
     *
     * @param corpus the text corpus, whose held-out split is scored
     * @param batch the evaluation batch size
     * @param seed the evaluation's seed
     * @param tokens the held-out tokens scored, &ge; 0 (0 = all)
     * @return the metric; scoring a model that is not a GPT throws IllegalArgumentException
     * @throws IllegalArgumentException if {@code tokens} &lt; 0
     */
    static Metric bitsPerChar(TextCorpus corpus, int batch, long seed, long tokens) {
      if (tokens < 0) throw new IllegalArgumentException("tokens (" + tokens + ") must be >= 0");
      return new Metric() {
        @Override public String name() { return "held-out bits/char"; }
        @Override public boolean higherIsBetter() { return false; }
        @Override public double score(Module m) {
          if (!(m instanceof Gpt g)) throw new IllegalArgumentException("bits/char needs a gpt, not " + m.getClass().getSimpleName());
          return new LanguageModelTask(g, corpus, batch, g.config().context(), seed, tokens).evaluate().get("bpc");
        }
      };
    }
  }

  /** Reports progress: {@code done} of {@code total} steps, the step just finished. */
  @FunctionalInterface
  public interface Listener {
    /**
     * Called after each step of the study.
     *
     * @param done steps finished, 1..total
     * @param total steps in all
     * @param what the step just finished, e.g. "k-means 3 bits" or a tensor's name
     */
    void progress(int done, int total, String what);
  }

  /**
   * The study's settings, validated on construction.
   *
   * @param bits the bit widths (each in 1..8, distinct; ECSQ takes b as its entropy budget)
   * @param methods the quantizers to run
   * @param metric the task metric (null: weight distortion only)
   * @param sensitivityBits bits of the one-layer-at-a-time view (0: off; needs a metric)
   * @param sensitivityMethod its quantizer
   */
  public record Config(List<Integer> bits, List<Method> methods, Metric metric, int sensitivityBits, Method sensitivityMethod) {
    /**
     * Validates the settings and copies the lists.
     *
     * @throws IllegalArgumentException if {@code bits} or {@code methods} is empty, a bit width is outside
     *     1..8 or repeated, {@code sensitivityBits} is outside 0..8, or the sensitivity view lacks a metric
     *     or a method
     */
    public Config {
      if (bits == null || bits.isEmpty()) throw new IllegalArgumentException("bits must not be empty");
      bits = List.copyOf(bits);
      for (int b : bits) if (b < 1 || b > 8) throw new IllegalArgumentException("bits (" + b + ") must be in 1..8");
      if (bits.stream().distinct().count() != bits.size()) throw new IllegalArgumentException("bits " + bits + " must be distinct");
      if (methods == null || methods.isEmpty()) throw new IllegalArgumentException("methods must not be empty");
      methods = List.copyOf(methods);
      if (sensitivityBits < 0 || sensitivityBits > 8) throw new IllegalArgumentException("sensitivity bits (" + sensitivityBits + ") must be 0 (off) or in 1..8");
      if (sensitivityBits > 0 && metric == null) throw new IllegalArgumentException("the per-layer sensitivity needs a metric");
      if (sensitivityBits > 0 && sensitivityMethod == null) throw new IllegalArgumentException("sensitivity method must not be null");
    }

    /**
     * 1..8 bits, all three quantizers, the metric, per-layer view at 2 bits k-means.
     *
     * @param metric the task metric, or null for weight distortion only
     * @return the default settings
     */
    public static Config of(Metric metric) {
      return new Config(List.of(1, 2, 3, 4, 5, 6, 7, 8), List.of(Method.values()), metric, metric == null ? 0 : 2, Method.KMEANS);
    }
  }

  /**
   * A selected matrix: name, shape, weights, variance σ².
   *
   * @param name the parameter's name
   * @param shape its dense shape
   * @param weights its element count
   * @param variance σ² of its values
   */
  public record TensorInfo(String name, List<Integer> shape, int weights, double variance) {}

  /**
   * One tensor at one setting.
   *
   * @param tensor the parameter's name
   * @param method the quantizer
   * @param bits the bit width (ECSQ: the entropy budget)
   * @param levels levels in use
   * @param entropy empirical order-0 entropy of the codes, bits per weight
   * @param rate coded bits per weight (rANS stream + codebook)
   * @param mse weight mean squared error
   * @param variance the tensor's σ²
   */
  public record Point(String tensor, Method method, int bits, int levels, double entropy, double rate, double mse, double variance) {
    /**
     * 10·log₁₀(D/σ²).
     *
     * @return D/σ² in dB
     */
    public double db() {
      return 10 * Math.log10(mse / variance);
    }

    /**
     * The Gaussian bound at this rate: 10·log₁₀(2^(−2R)) = −6.02·R dB.
     *
     * @return −6.02·rate dB
     */
    public double boundDb() {
      return gaussianDb(rate);
    }
  }

  /**
   * Every selected matrix at one setting: rate and entropy averaged over all their weights,
   * D/σ² as Σ n_t·D_t / Σ n_t·σ_t² (dB), the task metric (NaN without a metric).
   *
   * @param method the quantizer
   * @param bits the bit width
   * @param rate coded bits per weight over all selected weights
   * @param entropy order-0 entropy of the codes, bits per weight
   * @param db D/σ² in dB, as above
   * @param metric the task metric with every selected matrix quantized, NaN without a metric
   */
  public record Setting(Method method, int bits, double rate, double entropy, double db, double metric) {}

  /**
   * The metric with only {@code tensor} quantized ({@link Config#sensitivityBits}).
   *
   * @param tensor the quantized parameter's name
   * @param weights its element count
   * @param rate its coded bits per weight
   * @param db its D/σ² in dB
   * @param metric the task metric with only this tensor quantized
   */
  public record Sensitivity(String tensor, int weights, double rate, double db, double metric) {}

  /**
   * The study's tables.
   *
   * @param tensors the selected matrices, in model order
   * @param points every tensor at every setting
   * @param settings the whole model at every setting, methods outer, bits inner
   * @param sensitivities the per-layer view, empty when it is off
   * @param metricName the metric's name, empty without a metric
   * @param higherIsBetter the metric's direction (true without a metric)
   * @param floatMetric the metric of the float32 model (NaN without a metric)
   * @param weights selected weights in all
   * @param seconds wall-clock time of the study
   */
  public record Result(List<TensorInfo> tensors, List<Point> points, List<Setting> settings, List<Sensitivity> sensitivities,
      String metricName, boolean higherIsBetter, double floatMetric, long weights, double seconds) {}

  /**
   * 10·log₁₀(2^(−2R)), the Gaussian D(R)/σ² in dB.
   *
   * @param rate R, bits per sample
   * @return −6.02·R, in dB
   */
  public static double gaussianDb(double rate) {
    return -20 * rate * Math.log10(2);
  }

  /**
   * Whether {@code name} is a matrix the study quantizes.
   *
   * @param name the parameter's name
   * @param t its value
   * @return true for a ".weight" of rank &ge; 2
   */
  public static boolean selected(String name, Tensor t) {
    return t.rank() >= 2 && name.endsWith(".weight");
  }

  /**
   * Runs the study on {@code model} (its weights restored after).
   *
   * @param model the model; its weights are restored on return
   * @param cfg the settings
   * @param listener receives progress, or null
   * @return the tables
   * @throws IllegalArgumentException if the model has no weight matrix or a weight is NaN
   */
  public static Result run(Module model, Config cfg, Listener listener) {
    long t0 = System.nanoTime();
    Listener out = listener != null ? listener : (d, t, w) -> {};
    Map<String, Tensor> original = model.stateDict();
    Map<String, ScalarQuantizers.Sorted> sorted = new LinkedHashMap<>();
    List<TensorInfo> infos = new ArrayList<>();
    long weights = 0;
    for (var e : original.entrySet()) {
      if (!selected(e.getKey(), e.getValue())) continue;
      Tensor t = e.getValue();
      ScalarQuantizers.Sorted s;
      try {
        s = new ScalarQuantizers.Sorted(t.data());
      } catch (IllegalArgumentException x) {
        throw new IllegalArgumentException(e.getKey() + ": " + x.getMessage());
      }
      sorted.put(e.getKey(), s);
      List<Integer> shape = new ArrayList<>();
      for (int d : t.shape().dims()) shape.add(d);
      infos.add(new TensorInfo(e.getKey(), List.copyOf(shape), t.size(), s.variance));
      weights += t.size();
    }
    if (sorted.isEmpty()) throw new IllegalArgumentException("model has no weight matrix to quantize");
    Metric metric = cfg.metric();
    int total = cfg.methods().size() * cfg.bits().size() + (metric != null ? 1 : 0) + (cfg.sensitivityBits() > 0 ? sorted.size() : 0);
    int[] done = {0};
    List<Point> points = new ArrayList<>();
    List<Setting> settings = new ArrayList<>();
    List<Sensitivity> sens = new ArrayList<>();
    double floatMetric = Double.NaN;
    try {
      if (metric != null) {
        floatMetric = metric.score(model);
        out.progress(++done[0], total, "float32");
      }
      for (Method m : cfg.methods()) {
        for (int b : cfg.bits()) {
          Map<String, Tensor> state = new LinkedHashMap<>(original);
          double bitsSum = 0, entSum = 0, errSum = 0, varSum = 0;
          for (var e : sorted.entrySet()) {
            Tensor t = original.get(e.getKey());
            Coded c = code(e.getValue(), t.data(), m, b);
            Point p = new Point(e.getKey(), m, b, c.fit.levels().length, c.entropy, c.rate, c.mse, e.getValue().variance);
            points.add(p);
            int n = t.size();
            bitsSum += c.rate * n;
            entSum += c.entropy * n;
            errSum += c.mse * n;
            varSum += e.getValue().variance * n;
            if (metric != null) state.put(e.getKey(), Tensor.of(c.fit.dequantize(), t.shape().dims()));
          }
          double score = Double.NaN;
          if (metric != null) {
            model.loadStateDict(state, "rate-distortion");
            score = metric.score(model);
          }
          settings.add(new Setting(m, b, bitsSum / weights, entSum / weights, 10 * Math.log10(errSum / varSum), score));
          out.progress(++done[0], total, m.label() + " " + b + " bits");
        }
      }
      if (cfg.sensitivityBits() > 0) {
        for (var e : sorted.entrySet()) {
          Tensor t = original.get(e.getKey());
          Coded c = code(e.getValue(), t.data(), cfg.sensitivityMethod(), cfg.sensitivityBits());
          Map<String, Tensor> state = new LinkedHashMap<>(original);
          state.put(e.getKey(), Tensor.of(c.fit.dequantize(), t.shape().dims()));
          model.loadStateDict(state, "rate-distortion");
          sens.add(new Sensitivity(e.getKey(), t.size(), c.rate, 10 * Math.log10(c.mse / e.getValue().variance), metric.score(model)));
          out.progress(++done[0], total, e.getKey());
        }
      }
    } finally {
      model.loadStateDict(original, "rate-distortion (restore)");
    }
    return new Result(infos, points, settings, sens, metric != null ? metric.name() : "", metric == null || metric.higherIsBetter(),
        floatMetric, weights, (System.nanoTime() - t0) / 1e9);
  }

  private record Coded(ScalarQuantizers.Fit fit, double entropy, double rate, double mse) {}

  /** Fits {@code method} at {@code bits} and measures its coded rate and error. */
  private static Coded code(ScalarQuantizers.Sorted s, float[] w, Method method, int bits) {
    ScalarQuantizers.Fit f = switch (method) {
      case UNIFORM -> ScalarQuantizers.uniform(s, bits);
      case KMEANS -> ScalarQuantizers.kmeans(s, bits);
      case ECSQ -> ScalarQuantizers.ecsq(s, bits);
    };
    int n = w.length, k = f.levels().length;
    long[] counts = new long[k];
    double err = 0;
    for (int i = 0; i < n; i++) {
      int q = f.codes()[i];
      counts[q]++;
      double d = w[i] - f.levels()[q];
      err += d * d;
    }
    double entropy = dev.fivefold.compress.code.Entropy.bits(counts) / n;
    long streamBits = 8L * EntropyCoder.rans().encode(f.codes(), Math.max(1, k)).length;
    double rate = (streamBits + 32.0 * f.codebookFloats()) / n;
    return new Coded(f, entropy, rate, err / n);
  }
}
