package dev.fivefold.info;

import dev.fivefold.data.Dataset;
import dev.fivefold.nn.Module;
import dev.fivefold.perception.Models;
import dev.fivefold.tensor.Rng;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * The description length of a labelled sample under several model families (Blier &amp; Ollivier
 * 2018): per model spec the prequential code ({@link Prequential#code}), the two-part codes with
 * 32-bit weights and with weights quantized to {@code bits} and entropy-coded ({@link
 * WeightEntropy#totalBits}), each plus the data bits under the model trained on all N samples, and
 * the uniform code N · log2 C.
 *
 * <p>The sample is the first {@code min(samples, N)} items of the training set shuffled by {@code
 * seed} ({@link #sample}).
 */
public final class MdlComparison {
  private MdlComparison() {}

  /**
   * What to compare and how each code is computed.
   *
   * @param models model specs ({@link Models#create}), at least one; each is checked here
   * @param samples items coded, ≥ 1
   * @param code the prequential code's training ({@link Prequential.Config}; its seed also shuffles)
   * @param bits quantization bits of the entropy-coded two-part code, in [1, 24]
   */
  public record Config(List<String> models, int samples, Prequential.Config code, int bits) {
    /**
     * Copies {@code models} and validates every component, building each model spec once.
     *
     * @throws IllegalArgumentException if {@code models} is empty or has an invalid spec, {@code samples < 1},
     *     {@code code} is null, or {@code bits} is outside [1, 24]
     */
    public Config {
      models = List.copyOf(models);
      if (models.isEmpty()) throw new IllegalArgumentException("models must list at least one model");
      if (samples < 1) throw new IllegalArgumentException("samples (" + samples + ") must be >= 1");
      if (code == null) throw new IllegalArgumentException("code must not be null");
      if (bits < 1 || bits > 24) throw new IllegalArgumentException("bits (" + bits + ") must be in [1, 24]");
      for (String m : models) Models.create(m, 0); // validates every spec before any training
    }
  }

  /**
   * One model's code lengths, in bits.
   *
   * @param dataBits Σ −log2 p(y|x) under the model trained on the whole sample
   * @param entropyModelBits its weights quantized and entropy-coded
   * @param spec the model spec
   * @param parameters the model's parameter count
   * @param code the prequential code
   * @param seconds wall time of the row's training and coding, seconds
   */
  public record Row(String spec, long parameters, Prequential.Code code, double dataBits, double entropyModelBits, double seconds) {
    /**
     * 32 bits per parameter plus the data bits.
     *
     * @return {@code 32 · parameters + dataBits}
     */
    public double twoPart32() {
      return parameters * 32.0 + dataBits;
    }

    /**
     * The entropy-coded weights plus the data bits.
     *
     * @return {@code entropyModelBits + dataBits}
     */
    public double twoPartEntropy() {
      return entropyModelBits + dataBits;
    }
  }

  /**
   * One row per model in the config's order, and the number of items coded.
   *
   * @param rows one row per model, in the config's order
   * @param samples the number of items coded, {@code min(samples, N)}
   */
  public record Result(List<Row> rows, int samples) {
    /** Copies {@code rows} into an unmodifiable list. */
    public Result {
      rows = List.copyOf(rows);
    }
  }


  /**
   * The items coded: {@code all} shuffled by {@code seed}, the first {@code min(samples, N)}.
   *
   * @param all the training set
   * @param samples the number of items wanted
   * @param seed the shuffle's seed
   * @return the first {@code min(samples, N)} items of the shuffled set
   */
  public static Dataset sample(Dataset all, int samples, long seed) {
    int[] idx = new int[all.size()];
    Arrays.setAll(idx, i -> i);
    new Rng(seed).shuffle(idx);
    return all.subset(Arrays.copyOf(idx, Math.min(samples, all.size())));
  }

  /**
   * Codes the sample of {@code train} under every model; {@code listener} is told of each row as it is known.
   *
   * @param train the training set to sample from
   * @param cfg the models and codes
   * @param listener told of each row as it completes
   * @return the rows and the number of items coded
   */
  public static Result run(Dataset train, Config cfg, Consumer<Row> listener) {
    Prequential.Config pc = cfg.code();
    Dataset data = sample(train, cfg.samples(), pc.seed());
    List<Row> rows = new ArrayList<>();
    for (String spec : cfg.models()) {
      LongFunction<Module> factory = s -> Models.create(spec, s);
      long t0 = System.nanoTime();
      Prequential.Code code = Prequential.code(data, factory, pc);
      Module fin = Prequential.train(data, factory, pc, pc.seed());
      double dataBits = Prequential.dataBits(fin, data);
      Row row = new Row(spec, fin.parameterCount(), code, dataBits, WeightEntropy.totalBits(fin, cfg.bits()), (System.nanoTime() - t0) / 1e9);
      rows.add(row);
      listener.accept(row);
    }
    return new Result(rows, data.size());
  }
}
