package dev.fivefold.compress.quant;

import dev.fivefold.compress.quant.QuantConfig.Granularity;
import dev.fivefold.compress.quant.QuantConfig.Method;
import dev.fivefold.compress.quant.QuantConfig.Scheme;
import dev.fivefold.data.TextCorpus;
import dev.fivefold.perception.Gpt;
import dev.fivefold.perception.LoadedModel;
import dev.fivefold.perception.generate.Decoder;
import dev.fivefold.perception.generate.DecoderEval;
import dev.fivefold.perception.generate.RowLinear;
import dev.fivefold.tensor.Tensor;
import dev.fivefold.train.LanguageModelTask;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The table for one GPT, in one run: held-out bits/char and the weights' size in bytes of
 * float32; int8 per-channel round-to-nearest; int4 group-wise round-to-nearest and GPTQ at each
 * group size; the float model with an int8 KV cache; and with int8 activations (per token, and per
 * tensor with min/max ranges calibrated on the calibration set).
 *
 * <p>All rows score the same held-out tokens. Weight rows run the training forward on the
 * dequantized weights (the same numbers as {@code eval} of the written checkpoint); KV-cache and
 * activation rows run the KV-cache {@link Decoder} through {@link DecoderEval}, whose float32
 * logits equal the training forward's bit for bit, so every delta is against the same float32
 * figure. Symmetric codes throughout; embeddings and the head stay float32 (as {@code quantize}'s
 * default). The model's weights are restored before {@link #run} returns.
 */
public final class QuantizationComparison {
  private QuantizationComparison() {}

  /**
   * The comparison's settings, validated on construction.
   *
   * @param corpus the text corpus, whose held-out split is scored
   * @param batch rows per evaluation batch (the checkpoint's training batch, as {@code eval})
   * @param evalTokens held-out tokens scored (0 = all)
   * @param calibration token sequences for GPTQ and the static activation ranges (not empty)
   * @param groups int4 group sizes (each even, ≥ 2, dividing every quantized row)
   * @param damping GPTQ's λ
   * @param seed the evaluation's seed
   */
  public record Config(TextCorpus corpus, int batch, long evalTokens, List<int[]> calibration, List<Integer> groups, double damping, long seed) {
    /**
     * Validates the settings and copies the lists.
     *
     * @throws IllegalArgumentException if {@code corpus} is null, a count is out of range, the calibration
     *     set or the groups are empty, a group is odd or &lt; 2, or {@code damping} is outside [0, 1]
     */
    public Config {
      if (corpus == null) throw new IllegalArgumentException("corpus must not be null");
      if (batch < 1) throw new IllegalArgumentException("batch (" + batch + ") must be >= 1");
      if (evalTokens < 0) throw new IllegalArgumentException("evalTokens (" + evalTokens + ") must be >= 0");
      if (calibration == null || calibration.isEmpty()) throw new IllegalArgumentException("calibration set is empty (0 sequences)");
      calibration = List.copyOf(calibration);
      if (groups == null || groups.isEmpty()) throw new IllegalArgumentException("groups must not be empty");
      groups = List.copyOf(groups);
      for (int g : groups) if (g < 2 || g % 2 != 0) throw new IllegalArgumentException("group size (" + g + ") must be even and >= 2");
      if (!(damping >= 0 && damping <= 1)) throw new IllegalArgumentException("damping (" + damping + ") must be in [0, 1]");
    }
  }

  /**
   * One row: what, held-out bits/char, its difference to float32, the weights' bytes as stored,
   * the KV cache's bytes at a full context, seconds taken.
   *
   * @param what the row's label
   * @param bpc held-out bits per character
   * @param delta {@code bpc} minus the float32 row's
   * @param weightBytes the weights' bytes as stored
   * @param cacheBytes the KV cache's bytes at a full context
   * @param seconds wall time of the row
   */
  public record Row(String what, double bpc, double delta, long weightBytes, long cacheBytes, double seconds) {}

  /**
   * The table.
   *
   * @param rows the rows, float32 first
   * @param tokens held-out tokens scored per row
   * @param seconds wall time of the whole run
   */
  public record Result(List<Row> rows, double tokens, double seconds) {}

  /**
   * Runs every row on {@code model} (a float GPT), reporting each to {@code each} as it is done.
   *
   * @param model a float GPT; its weights are restored on return
   * @param cfg the settings
   * @param each receives each row as it is done, or null
   * @return the rows
   * @throws IllegalArgumentException if a group size does not divide a quantized row, or the
   *     calibration set does not fit the model (naming the sequence and the value)
   */
  public static Result run(LoadedModel model, Config cfg, Consumer<Row> each) {
    long t0 = System.nanoTime();
    Gpt gpt = model.as(Gpt.class, "gpt");
    Consumer<Row> out = each != null ? each : r -> {};
    Map<String, Tensor> original = gpt.stateDict();
    int c = gpt.config().width();
    for (int g : cfg.groups()) {
      if (c % g != 0) throw new IllegalArgumentException("group size (" + g + ") does not divide the row of h.0.attn.c_attn.weight (" + c + " inputs)");
    }
    Calibration.check(gpt, cfg.calibration());
    List<Row> rows = new ArrayList<>();
    double[] tokens = {0};
    long floatBytes = 0;
    for (var e : original.entrySet()) floatBytes += 4L * e.getValue().size();
    Decoder floatDec = Decoder.of(gpt);
    long cacheFloat = floatDec.cacheBytes();
    try {
      long t = System.nanoTime();
      Map<String, Double> f = tape(gpt, cfg);
      double base = f.get("bpc");
      tokens[0] = f.get("tokens");
      add(rows, out, new Row("float32", base, 0, floatBytes, cacheFloat, secs(t)));
      List<QuantConfig> weights = new ArrayList<>();
      weights.add(QuantConfig.of(8, Scheme.SYMMETRIC, Granularity.CHANNEL, 64, Method.RTN));
      for (int g : cfg.groups()) {
        weights.add(new QuantConfig(4, Scheme.SYMMETRIC, Granularity.GROUP, g, Method.RTN, false, false, cfg.damping()));
        weights.add(new QuantConfig(4, Scheme.SYMMETRIC, Granularity.GROUP, g, Method.GPTQ, false, false, cfg.damping()));
      }
      for (QuantConfig q : weights) {
        t = System.nanoTime();
        PostTrainingQuantization.Result r = PostTrainingQuantization.run(model, new PostTrainingQuantization.Config(q, q.method() == Method.GPTQ ? cfg.calibration() : List.of()));
        gpt.loadStateDict(r.checkpoint().dequantized(), "quantized " + q);
        double bpc = tape(gpt, cfg).get("bpc");
        gpt.loadStateDict(original, "float32");
        String what = q.bits() == 8 ? "int8 weights, per channel, RTN" : "int4 weights, group " + q.groupSize() + ", " + (q.method() == Method.GPTQ ? "GPTQ" : "RTN");
        add(rows, out, new Row(what, bpc, bpc - base, r.bytes(), cacheFloat, secs(t)));
      }
      t = System.nanoTime();
      Decoder kv8 = Decoder.of(gpt, 8);
      double bpc = DecoderEval.evaluate(kv8, cfg.corpus(), cfg.batch(), cfg.evalTokens()).get("bpc");
      add(rows, out, new Row("int8 KV cache (per head)", bpc, bpc - base, floatBytes, kv8.cacheBytes(), secs(t)));
      for (ActivationQuantization.Granularity ag : ActivationQuantization.Granularity.values()) {
        t = System.nanoTime();
        var ac = new ActivationQuantization.Config(8, ag, ActivationQuantization.Range.MINMAX, 100);
        Map<String, UniformGrid> grids = ActivationQuantization.calibrate(gpt, cfg.calibration(), ac);
        Function<String, RowLinear> base32 = name -> RowLinear.dense(original.get(name + ".weight"), original.get(name + ".bias"));
        Decoder dec = new Decoder(gpt.config(), original::get, ActivationQuantization.linears(base32, grids, ac), Decoder.cache(gpt.config(), 0));
        double b = DecoderEval.evaluate(dec, cfg.corpus(), cfg.batch(), cfg.evalTokens()).get("bpc");
        add(rows, out, new Row("int8 activations, " + (ag == ActivationQuantization.Granularity.TOKEN ? "per token" : "per tensor (min/max)"), b, b - base,
            floatBytes, cacheFloat, secs(t)));
      }
    } finally {
      gpt.loadStateDict(original, "float32 (restore)");
    }
    return new Result(rows, tokens[0], secs(t0));
  }

  private static Map<String, Double> tape(Gpt g, Config cfg) {
    return new LanguageModelTask(g, cfg.corpus(), cfg.batch(), g.config().context(), cfg.seed(), cfg.evalTokens()).evaluate();
  }

  private static void add(List<Row> rows, Consumer<Row> out, Row r) {
    rows.add(r);
    out.accept(r);
  }

  private static double secs(long t) {
    return (System.nanoTime() - t) / 1e9;
  }
}
