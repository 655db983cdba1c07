package dev.fivefold.compress.sensing;

import dev.fivefold.compress.archive.FfzModel;
import dev.fivefold.compress.archive.RawTensor;
import dev.fivefold.compress.archive.SensedTensor;
import dev.fivefold.data.Dataset;
import dev.fivefold.nn.Module;
import dev.fivefold.nn.Parameter;
import dev.fivefold.tensor.Tensor;
import dev.fivefold.train.ClassificationTask;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Compressed sensing of a trained classifier's weights, the study guide's exercise ("write a
 * compressed sensing algorithm to compress model weights"), against magnitude pruning at the same
 * storage. For each measurement ratio {@code r = m/n}, every weight matrix and kernel (rank >= 2;
 * biases stay float32 in both methods) is
 *
 * <ol>
 *   <li>sensed: {@link LayerSensing#encode} with blocks of {@code block} coefficients, {@code
 *       rows = round(r b)} measurements per block and {@code k = floor(rho rows)} coefficients kept
 *       per block (so {@code rho = k/m} sits where recovery works: see {@link DonohoTanner});
 *   <li>recovered: {@link LayerSensing#decode}, exactly the path {@code fivefold eval M.ffz} takes;
 *   <li>compared with magnitude pruning of the same layer to the most weights that fit the same
 *       bytes: {@code bytes(k) = k v + ceil(min(n, k ceil(log2 n)) / 8)} (values of {@code v} bytes
 *       at the measurements' precision, plus a bitmap or explicit positions, whichever is smaller;
 *       plus the 4-byte scale at 8 bits), the largest {@code k} with {@code bytes(k) <= } the layer's
 *       measurement bytes.
 * </ol>
 *
 * Test accuracy is measured for the sparse target (what exact recovery would give), the recovered
 * weights and the pruned weights; the relative recovery error is {@code ||w_hat - w_target|| /
 * ||w_target||} over all sensed weights. A {@link PhaseTransition} on synthetic vectors, if
 * configured, places the chosen {@code (delta, rho)} against the Donoho–Tanner curve.
 */
public final class SensingExperiment {
  private SensingExperiment() {}

  /**
   * The experiment's settings, validated on construction.
   *
   * @param ratios measurement ratios {@code m/n}, each in (0, 1]
   * @param operator gaussian or hadamard
   * @param basis identity, or dct for convolution kernels (matrices stay in identity)
   * @param recovery omp or fista
   * @param block coefficients per block, 1..{@value SensedTensor#MAX_BLOCK} (a smaller layer is one block)
   * @param rho coefficients kept per measurement, {@code k = max(1, floor(rho m))}, in (0, 1]
   * @param bits 32 (float32 measurements) or 8 (int8 with a scale)
   * @param lambda FISTA's l1 weight as a fraction of {@code ||A^T y||_inf}, in (0, 1]
   * @param iterations FISTA's iteration limit
   * @param tolerance FISTA's relative-change tolerance; OMP's residual tolerance
   * @param seed the operators' seed (layer {@code l} uses {@code seed + l})
   * @param phase the synthetic phase transition to run beside, or null
   */
  public record Config(double[] ratios, String operator, Basis basis, String recovery, int block, double rho, int bits, double lambda,
      int iterations, double tolerance, long seed, PhaseTransition.Config phase) {
    /**
     * Copies the ratios and validates the settings.
     *
     * @throws IllegalArgumentException if a value is out of its range or an operator or recovery name is
     *     unknown
     * @throws NullPointerException if {@code basis} is null
     */
    public Config {
      ratios = ratios.clone();
      if (ratios.length == 0) throw new IllegalArgumentException("ratios must not be empty");
      for (double r : ratios) if (!(r > 0 && r <= 1)) throw new IllegalArgumentException("ratio (" + r + ") must be in (0, 1]");
      java.util.Objects.requireNonNull(basis, "basis");
      if (!(rho > 0 && rho <= 1)) throw new IllegalArgumentException("rho (" + rho + ") must be in (0, 1]");
      if (bits != 32 && bits != 8) throw new IllegalArgumentException("bits (" + bits + ") must be 32 or 8");
      if (block < 1 || block > SensedTensor.MAX_BLOCK) throw new IllegalArgumentException("block (" + block + ") must be in 1.." + SensedTensor.MAX_BLOCK);
      recipe(operator, basis.label(), recovery, block, block, 1, rho, lambda, iterations, tolerance, seed); // validates the rest
    }

    /**
     * The defaults: Gaussian, identity, OMP, blocks of 256, rho 0.1, float32, lambda 1e-3, 300
     * iterations, tolerance 1e-6, seed 1, no phase transition. rho 0.1 because OMP's transition on
     * pruned weights (the top k of a Gaussian block: flat magnitudes, OMP's hard case) lies near
     * rho 0.15 at blocks of 256 for ratios 0.1 to 0.5 (measured: 10/10 blocks recovered at 0.1,
     * 9-10/10 at 0.15, 3-5/10 at 0.2); FISTA reaches rho 0.25 at ratio 0.5.
     *
     * @param ratios the measurement ratios, each in (0, 1]
     * @return the configuration
     */
    public static Config defaults(double... ratios) {
      return new Config(ratios, "gaussian", Basis.IDENTITY, "omp", 256, 0.1, 32, 1e-3, 300, 1e-6, 1, null);
    }

    /**
     * These settings with a phase transition run beside.
     *
     * @param p the phase transition's settings, or null for none
     * @return the new configuration
     */
    public Config withPhase(PhaseTransition.Config p) {
      return new Config(ratios, operator, basis, recovery, block, rho, bits, lambda, iterations, tolerance, seed, p);
    }
  }

  /**
   * One weight tensor at one ratio.
   *
   * @param ratio the measurement ratio m/n
   * @param name the parameter's name
   * @param shape its dense shape
   * @param basis the sparsifying basis used ("identity" or "dct")
   * @param block coefficients per block
   * @param rows measurements per block
   * @param sparsity coefficients kept per block in the target
   * @param measurements measurements stored
   * @param bytes their payload bytes (the budget of magnitude pruning)
   * @param kept non-zero coefficients of the sparse target
   * @param keptMagnitude weights magnitude pruning keeps in the same bytes
   * @param error {@code ||w_hat - w_target|| / ||w_target||}
   */
  public record LayerRow(double ratio, String name, int[] shape, String basis, int block, int rows, int sparsity, long measurements, long bytes,
      long kept, long keptMagnitude, double error) {}

  /**
   * One ratio, over all sensed tensors.
   *
   * @param ratio the measurement ratio m/n
   * @param measurements measurements stored
   * @param bytes their payload bytes
   * @param kept non-zero coefficients of the sparse targets
   * @param keptMagnitude weights magnitude pruning keeps in the same bytes
   * @param accuracyTarget test accuracy of the sparse targets (exact recovery)
   * @param accuracySensed test accuracy of the recovered weights
   * @param accuracyMagnitude test accuracy of magnitude pruning at the same bytes
   * @param error relative recovery error against the targets
   * @param errorDense relative error of the recovered weights against the trained ones
   * @param seconds wall time of the ratio
   * @param sensed the tensors as the archive stores them
   */
  public record Row(double ratio, long measurements, long bytes, long kept, long keptMagnitude, double accuracyTarget, double accuracySensed,
      double accuracyMagnitude, double error, double errorDense, double seconds, List<SensedTensor> sensed) {}

  /**
   * The experiment's tables.
   *
   * @param weights elements of the sensed tensors
   * @param denseBytes their bytes as float32
   * @param accuracyDense test accuracy of the trained model
   * @param rows one row per ratio, in the config's order
   * @param layers one row per tensor and ratio
   * @param phase the phase transition, or null
   * @param seconds wall time of the whole run
   */
  public record Result(long weights, long denseBytes, double accuracyDense, List<Row> rows, List<LayerRow> layers, PhaseTransition.Result phase,
      double seconds) {}

  /**
   * The tensors sensed: every parameter of rank >= 2, in parameter order.
   *
   * @param model the model
   * @return its parameters of rank &ge; 2 by name
   */
  public static Map<String, Parameter> weights(Module model) {
    Map<String, Parameter> out = new LinkedHashMap<>();
    for (var e : model.namedParameters().entrySet()) if (e.getValue().value().rank() >= 2) out.put(e.getKey(), e.getValue());
    return out;
  }

  /**
   * The recipe of a tensor of {@code n} elements at {@code ratio}: one block if the tensor is smaller than {@code block}.
   *
   * @param operator "gaussian" or "hadamard"
   * @param basis "identity" or "dct"
   * @param recovery "omp" or "fista"
   * @param block the largest block, &ge; 1
   * @param n the tensor's element count, &ge; 1
   * @param ratio the measurement ratio m/n, in (0, 1]
   * @param rho coefficients kept per measurement, in (0, 1]
   * @param lambda FISTA's l1 weight
   * @param iterations FISTA's iteration limit
   * @param tolerance the recovery tolerance
   * @param seed the operator's seed
   * @return the recipe: {@code b = min(block, n)}, {@code rows = round(ratio b)} in [1, b],
   *     {@code k = floor(rho rows)} in [1, rows]
   * @throws IllegalArgumentException if {@code n} &lt; 1 or the recipe is invalid
   */
  public static SensedTensor.Recipe recipe(String operator, String basis, String recovery, int block, int n, double ratio, double rho, double lambda,
      int iterations, double tolerance, long seed) {
    if (n < 1) throw new IllegalArgumentException("tensor size (" + n + ") must be >= 1");
    int b = Math.min(block, n);
    int rows = (int) Math.min(b, Math.max(1, Math.round(ratio * b)));
    int k = (int) Math.min(rows, Math.max(1, Math.floor(rho * rows)));
    return new SensedTensor.Recipe(operator, basis, recovery, seed, b, rows, k, lambda, iterations, tolerance);
  }

  /**
   * Runs every ratio on a copy of {@code model} (left unchanged), scoring on {@code test}; {@code log} gets one line per ratio.
   *
   * @param model the trained classifier, not changed
   * @param test the test set
   * @param cfg the settings
   * @param log receives one line per ratio
   * @return the rows per ratio and per tensor, and the phase transition if configured
   * @throws IllegalArgumentException if the model has no weight matrix or kernel
   */
  public static Result run(Module model, Dataset test, Config cfg, Consumer<String> log) {
    long t0 = System.nanoTime();
    Module work = model.copy();
    Map<String, Parameter> layers = weights(work);
    if (layers.isEmpty()) throw new IllegalArgumentException("model has no weight matrix or kernel to sense");
    Map<String, float[]> trained = new LinkedHashMap<>();
    long weights = 0;
    for (var e : layers.entrySet()) {
      trained.put(e.getKey(), e.getValue().value().data().clone());
      weights += e.getValue().size();
    }
    double dense = accuracy(work, test);
    log.accept(String.format(Locale.ROOT, "trained model: %d sensed tensors, %,d weights, test accuracy %.4f", layers.size(), weights, dense));
    List<Row> rows = new ArrayList<>();
    List<LayerRow> layerRows = new ArrayList<>();
    for (double ratio : cfg.ratios()) {
      long t1 = System.nanoTime();
      Map<String, float[]> target = new LinkedHashMap<>(), sensedW = new LinkedHashMap<>(), pruned = new LinkedHashMap<>();
      List<SensedTensor> sensed = new ArrayList<>();
      long meas = 0, bytes = 0, kept = 0, keptMag = 0;
      double dd = 0, dt = 0, nt = 0, nw = 0;
      int l = 0;
      for (var e : layers.entrySet()) {
        int[] shape = e.getValue().value().shape().dims();
        float[] w = trained.get(e.getKey());
        Basis basis = cfg.basis().fits(shape) ? cfg.basis() : Basis.IDENTITY;
        SensedTensor.Recipe r = recipe(cfg.operator(), basis.label(), cfg.recovery(), cfg.block(), w.length, ratio, cfg.rho(), cfg.lambda(),
            cfg.iterations(), cfg.tolerance(), cfg.seed() + l++);
        LayerSensing.Encoded enc = LayerSensing.encode(e.getKey(), w, shape, r, cfg.bits());
        float[] back = LayerSensing.decode(enc.sensed());
        long k = nonZeros(basis.analyze(LayerSensing.toDouble(enc.target()), shape));
        long b = enc.sensed().payload().length;
        int km = keptAtBudget(b, w.length, cfg.bits());
        target.put(e.getKey(), enc.target());
        sensedW.put(e.getKey(), back);
        pruned.put(e.getKey(), magnitude(w, km, cfg.bits()));
        sensed.add(enc.sensed());
        double d = 0, n = 0;
        for (int i = 0; i < w.length; i++) {
          d += sq(back[i] - enc.target()[i]);
          n += sq(enc.target()[i]);
          dd += sq(back[i] - w[i]);
          nw += sq(w[i]);
        }
        dt += d;
        nt += n;
        meas += enc.sensed().measurementCount();
        bytes += b;
        kept += k;
        keptMag += km;
        layerRows.add(new LayerRow(ratio, e.getKey(), shape, basis.label(), r.block(), r.rows(), r.sparsity(), enc.sensed().measurementCount(), b, k,
            km, n == 0 ? (d == 0 ? 0 : Double.POSITIVE_INFINITY) : Math.sqrt(d / n)));
      }
      double accTarget = accuracy(set(work, layers, target), test);
      double accMag = accuracy(set(work, layers, pruned), test);
      double accSensed = accuracy(set(work, layers, sensedW), test);
      double err = nt == 0 ? 0 : Math.sqrt(dt / nt), errDense = nw == 0 ? 0 : Math.sqrt(dd / nw);
      Row row = new Row(ratio, meas, bytes, kept, keptMag, accTarget, accSensed, accMag, err, errDense, (System.nanoTime() - t1) / 1e9, sensed);
      rows.add(row);
      log.accept(String.format(Locale.ROOT, "ratio %.3f: %,d measurements (%,d B), target keeps %,d: accuracy target %.4f | sensed %.4f | "
          + "magnitude pruning (%,d kept) %.4f | recovery error %.2e | %.1f s", ratio, meas, bytes, kept, accTarget, accSensed, keptMag, accMag, err,
          row.seconds()));
    }
    PhaseTransition.Result phase = null;
    if (cfg.phase() != null) {
      phase = PhaseTransition.run(cfg.phase());
      log.accept(String.format(Locale.ROOT, "phase transition: %d x %d cells, %d trials each, n %d, %.1f s", cfg.phase().rhos().length,
          cfg.phase().deltas().length, cfg.phase().trials(), cfg.phase().n(), phase.seconds()));
    }
    return new Result(weights, 4 * weights, dense, rows, layerRows, phase, (System.nanoTime() - t0) / 1e9);
  }

  /**
   * The archive of {@code model} with {@code sensed} in place of those tensors: every other
   * parameter and every buffer raw float32. {@code fivefold eval} recovers the sensed weights.
   *
   * @param model the model the other tensors come from
   * @param spec the model's spec string, stored in the header
   * @param metadata free key-value pairs stored in the header
   * @param sensed the sensed tensors
   * @return the archive's model
   */
  public static FfzModel archive(Module model, String spec, Map<String, String> metadata, List<SensedTensor> sensed) {
    java.util.Set<String> names = new java.util.HashSet<>();
    for (SensedTensor s : sensed) names.add(s.name());
    List<RawTensor> raw = new ArrayList<>();
    for (var e : model.namedParameters().entrySet()) {
      if (names.contains(e.getKey())) continue;
      Tensor v = e.getValue().value();
      raw.add(new RawTensor(e.getKey(), v.shape().dims(), v.data().clone()));
    }
    for (var e : model.namedBuffers().entrySet()) raw.add(new RawTensor(e.getKey(), e.getValue().shape().dims(), e.getValue().data().clone()));
    return new FfzModel(spec, metadata, List.of(), raw, sensed);
  }

  /**
   * Bytes of {@code k} of {@code n} weights kept by magnitude pruning: {@code k} values at {@code
   * bits / 8} bytes (plus a 4-byte scale at 8 bits) and their positions as a bitmap ({@code n}
   * bits) or as {@code ceil(log2 n)}-bit indices, whichever is smaller, rounded up to bytes.
   *
   * @param k weights kept
   * @param n the tensor's element count
   * @param bits 32 or 8
   * @return the bytes
   */
  public static long magnitudeBytes(long k, long n, int bits) {
    int width = 64 - Long.numberOfLeadingZeros(Math.max(1, n - 1));
    long index = Math.min(n, k * width);
    return k * (bits / 8) + (bits == 8 ? 4 : 0) + (index + 7) / 8;
  }

  /**
   * The most weights of {@code n} magnitude pruning keeps in {@code bytes} ({@link #magnitudeBytes}); 0 if none fit.
   *
   * @param bytes the budget
   * @param n the tensor's element count
   * @param bits 32 or 8
   * @return the largest k with {@code magnitudeBytes(k, n, bits) <= bytes}
   */
  public static int keptAtBudget(long bytes, int n, int bits) {
    int lo = 0, hi = n;
    while (lo < hi) {
      int mid = (int) (((long) lo + hi + 1) / 2);
      if (magnitudeBytes(mid, n, bits) <= bytes) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** {@code w} with all but its {@code k} largest magnitudes zeroed, the kept ones int8-quantized at 8 bits (scale max|w|/127). */
  static float[] magnitude(float[] w, int k, int bits) {
    double[] d = LayerSensing.toDouble(w);
    TopK.keep(d, 0, d.length, k);
    float[] out = LayerSensing.toFloat(d);
    if (bits == 8) {
      float max = 0;
      for (float v : out) max = Math.max(max, Math.abs(v));
      float s = max / 127f;
      for (int i = 0; i < out.length; i++) out[i] = s == 0 ? 0 : Math.round(out[i] / s) * s;
    }
    return out;
  }

  private static Module set(Module work, Map<String, Parameter> layers, Map<String, float[]> values) {
    for (var e : layers.entrySet()) System.arraycopy(values.get(e.getKey()), 0, e.getValue().value().data(), 0, e.getValue().size());
    return work;
  }

  private static double accuracy(Module m, Dataset test) {
    return ClassificationTask.evaluate(m, test, 1000).get("accuracy");
  }

  private static long nonZeros(double[] s) {
    long k = 0;
    for (double v : s) if (v != 0) k++;
    return k;
  }

  private static double sq(double v) {
    return v * v;
  }
}
