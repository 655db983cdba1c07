package dev.fivefold.compress.quant;

import dev.fivefold.perception.Gpt;
import dev.fivefold.perception.LoadedModel;
import dev.fivefold.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Post-training weight quantization of a trained model, as a library call: which weights
 * ({@link #selected}), how ({@link QuantConfig}: RTN or GPTQ with a calibration set), and what it
 * cost (per-tensor mean squared error, bytes before and after).
 *
 * <p>Quantized: every weight matrix (a ".weight" of rank ≥ 2: Linear, and convolutions as
 * [out, in·kh·kw]); for a GPT the token/position embeddings and the output head only when asked.
 * Biases and norms stay float32. GPTQ needs second moments, from a GPT reading the calibration
 * sequences ({@link Calibration}); embeddings have none and take RTN.
 */
public final class PostTrainingQuantization {
  private PostTrainingQuantization() {}

  /**
   * The quantization's settings, validated on construction.
   *
   * @param quant how to quantize
   * @param calibration token sequences for GPTQ (each in [1, context] tokens; ignored for RTN)
   */
  public record Config(QuantConfig quant, List<int[]> calibration) {
    /**
     * Validates the settings and copies the calibration list (null: empty).
     *
     * @throws IllegalArgumentException if {@code quant} is null, or GPTQ is chosen without calibration
     *     sequences
     */
    public Config {
      if (quant == null) throw new IllegalArgumentException("quant must not be null");
      calibration = calibration == null ? List.of() : List.copyOf(calibration);
      if (quant.method() == QuantConfig.Method.GPTQ && calibration.isEmpty()) throw new IllegalArgumentException("calibration set is empty (0 sequences); GPTQ needs one");
    }
  }

  /**
   * One quantized weight: its name, shape as quantized, mean squared error ‖W − Ŵ‖²/n, and bytes as float32 and quantized.
   *
   * @param name the weight's name
   * @param rows rows as quantized (the first dimension)
   * @param cols columns as quantized (the product of the other dimensions)
   * @param mse the mean squared error ‖W − Ŵ‖²/n
   * @param variance the weights' variance, to put the error in scale
   * @param floatBytes bytes as float32
   * @param bytes bytes as quantized (codes, scales and zero points)
   */
  public record TensorResult(String name, int rows, int cols, double mse, double variance, long floatBytes, long bytes) {}

  /**
   * The quantized model and what it cost.
   *
   * @param checkpoint the quantized model (write it with {@link QuantizedCheckpoint#write})
   * @param tensors one entry per quantized weight
   * @param floatBytes the model's weights as float32
   * @param bytes the model's weights as stored
   * @param seconds wall time (calibration included)
   */
  public record Result(QuantizedCheckpoint checkpoint, List<TensorResult> tensors, long floatBytes, long bytes, double seconds) {}

  /**
   * Whether the weight {@code name} of {@code model} is quantized under {@code cfg}.
   *
   * @param model the model (a {@link Gpt} for the embedding and head rules)
   * @param name the weight's name
   * @param t the weight
   * @param cfg the settings
   * @return true for a ".weight" of rank &ge; 2, except a GPT's embeddings and head unless asked for
   */
  public static boolean selected(Object model, String name, Tensor t, QuantConfig cfg) {
    if (t.rank() < 2 || !name.endsWith(".weight")) return false;
    if (model instanceof Gpt) {
      if (name.equals("wte.weight") || name.equals("wpe.weight")) return cfg.includeEmbeddings();
      if (name.equals("lm_head.weight")) return cfg.includeHead();
    }
    return true;
  }

  /**
   * Quantizes {@code model}'s weights.
   *
   * @param model the trained model, not changed
   * @param cfg the settings
   * @return the quantized checkpoint and per-tensor costs
   * @throws IllegalArgumentException naming the tensor when the group size does not divide its row,
   *     or GPTQ is asked of a model that is not a GPT
   */
  public static Result run(LoadedModel model, Config cfg) {
    long t0 = System.nanoTime();
    QuantConfig q = cfg.quant();
    Map<String, double[]> hessians = Map.of();
    if (q.method() == QuantConfig.Method.GPTQ) {
      if (!(model.model() instanceof Gpt g)) throw new IllegalArgumentException("method gptq needs a GPT (calibration from text); model (" + model.spec() + ") takes --method rtn");
      hessians = Calibration.hessians(g, cfg.calibration());
    }
    Map<String, Tensor> floats = new LinkedHashMap<>();
    Map<String, QuantizedMatrix> quantized = new LinkedHashMap<>();
    Map<String, int[]> shapes = new LinkedHashMap<>();
    List<TensorResult> results = new ArrayList<>();
    long floatBytes = 0;
    for (var e : model.model().stateDict().entrySet()) {
      String name = e.getKey();
      Tensor t = e.getValue();
      floatBytes += 4L * t.size();
      if (!selected(model.model(), name, t, q)) {
        floats.put(name, t);
        continue;
      }
      int rows = t.dim(0), cols = t.size() / rows;
      int g = q.group(cols);
      if (cols % g != 0 || (q.bits() == 4 && cols % 2 != 0)) {
        throw new IllegalArgumentException("group size (" + g + ") does not divide the row of " + name + " (" + cols + " inputs)" + (q.bits() == 4 && cols % 2 != 0 ? "; int4 also needs an even row" : ""));
      }
      double[] h = hessians.get(name.substring(0, name.length() - ".weight".length()));
      QuantizedMatrix m = h != null ? Gptq.quantize(t.data(), rows, cols, h, q) : Rtn.quantize(t.data(), rows, cols, q);
      quantized.put(name, m);
      shapes.put(name, t.shape().dims());
      results.add(new TensorResult(name, rows, cols, mse(t.data(), m.dequantize().data()), variance(t.data()), 4L * t.size(), m.bytes()));
    }
    Map<String, String> meta = new LinkedHashMap<>(model.meta());
    meta.remove("format");
    meta.remove("step");
    meta.remove("seconds");
    meta.put("model", model.spec());
    meta.put(QuantizedCheckpoint.KEY, q.toString());
    QuantizedCheckpoint ck = new QuantizedCheckpoint(model.spec(), meta, floats, quantized, shapes);
    return new Result(ck, results, floatBytes, ck.bytes(), (System.nanoTime() - t0) / 1e9);
  }

  static double mse(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      double d = a[i] - b[i];
      s += d * d;
    }
    return s / a.length;
  }

  static double variance(float[] a) {
    double m = 0, s = 0;
    for (float x : a) m += x;
    m /= a.length;
    for (float x : a) s += (x - m) * (x - m);
    return s / a.length;
  }
}
