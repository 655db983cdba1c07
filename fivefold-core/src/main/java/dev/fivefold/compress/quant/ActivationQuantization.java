package dev.fivefold.compress.quant;

import dev.fivefold.perception.Gpt;
import dev.fivefold.perception.generate.Decoder;
import dev.fivefold.perception.generate.RowLinear;
import dev.fivefold.tensor.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * int8 activations: the input row of every linear map is replaced by its round trip through an
 * affine 8-bit grid ({@link UniformGrid#affine}) before the product (simulated quantization, as
 * integer kernels would see it).
 *
 * <p>Granularity: {@code TOKEN} fits the grid to each row's own [min, max] as it arrives (dynamic,
 * no calibration); {@code TENSOR} uses one grid per linear map fixed beforehand from a calibration
 * set's inputs to it (static): their [min, max] ({@code MINMAX}) or the [q, 1 − q] quantiles with
 * q = (100 − percentile)/100 ({@code PERCENTILE}, clipping rare outliers to spend the levels on the
 * bulk). Values outside a static range are clamped.
 */
public final class ActivationQuantization {
  private ActivationQuantization() {}

  /** Which inputs share a grid. */
  public enum Granularity {
    /** One static grid per linear map, calibrated beforehand. */
    TENSOR,
    /** A grid per input row, fitted to its own [min, max] as it arrives. */
    TOKEN
  }

  /** How a static (TENSOR) range is calibrated. */
  public enum Range {
    /** The calibration inputs' [min, max]. */
    MINMAX,
    /** The calibration inputs' [q, 1 − q] quantiles, q = (100 − percentile)/100. */
    PERCENTILE
  }

  /**
   * The activation quantization settings, validated on construction.
   *
   * @param bits 8 (or 4)
   * @param granularity per tensor (static, calibrated) or per token (dynamic)
   * @param range how a static range is calibrated
   * @param percentile for PERCENTILE, in (50, 100]
   */
  public record Config(int bits, Granularity granularity, Range range, double percentile) {
    /**
     * Validates the settings.
     *
     * @throws IllegalArgumentException if {@code bits} is not 8 or 4, an enum is null, or {@code percentile}
     *     is outside (50, 100]
     */
    public Config {
      if (bits != 8 && bits != 4) throw new IllegalArgumentException("activation bits (" + bits + ") must be 8 or 4");
      if (granularity == null || range == null) throw new IllegalArgumentException("granularity and range must not be null");
      if (!(percentile > 50 && percentile <= 100)) throw new IllegalArgumentException("percentile (" + percentile + ") must be in (50, 100]");
    }

    @Override
    public String toString() {
      return "int" + bits + " activations per " + granularity.name().toLowerCase() + (granularity == Granularity.TENSOR ? ", " + (range == Range.MINMAX ? "min/max" : percentile + "th percentile") : "");
    }
  }

  /** Inputs kept per linear map for the percentiles (evenly strided beyond this). */
  private static final int MAX_SAMPLES = 1 << 20;

  /**
   * Per linear map of {@code gpt}, the static grid calibrated on {@code sequences} (TENSOR), or
   * none (TOKEN: an empty map).
   *
   * @param gpt the model, run as a KV-cache decoder over the sequences
   * @param sequences calibration token sequences, each of 1..context tokens (TENSOR only)
   * @param cfg the settings
   * @return the grids by linear map name (e.g. "h.0.attn.c_attn"), empty for TOKEN
   * @throws IllegalArgumentException for TENSOR with no sequences or a sequence of a bad length
   */
  public static Map<String, UniformGrid> calibrate(Gpt gpt, List<int[]> sequences, Config cfg) {
    if (cfg.granularity() == Granularity.TOKEN) return Map.of();
    if (sequences == null || sequences.isEmpty()) throw new IllegalArgumentException("calibration set is empty (0 sequences)");
    Map<String, Tensor> sd = gpt.stateDict();
    Map<String, Sampler> samplers = new LinkedHashMap<>();
    Decoder dec = new Decoder(gpt.config(), sd::get, name -> {
      Sampler s = new Sampler(RowLinear.dense(sd.get(name + ".weight"), sd.get(name + ".bias")));
      samplers.put(name, s);
      return s;
    }, Decoder.cache(gpt.config(), 0));
    for (int i = 0; i < sequences.size(); i++) {
      int[] s = sequences.get(i);
      if (s.length < 1 || s.length > gpt.config().context()) throw new IllegalArgumentException("calibration sequence " + i + " has length " + s.length + "; must be in [1, " + gpt.config().context() + "]");
      dec.reset();
      for (int t : s) dec.step(t);
    }
    Map<String, UniformGrid> grids = new LinkedHashMap<>();
    for (var e : samplers.entrySet()) grids.put(e.getKey(), e.getValue().grid(cfg));
    return grids;
  }

  /**
   * {@code inner} with its input rows fake-quantized ({@code grid} null: per token).
   *
   * @param inner the linear map
   * @param grid the static grid, or null to fit each input row's [min, max]
   * @param bits the bit width of a per-row grid
   * @return the wrapped map; not thread-safe (it holds one row buffer)
   */
  public static RowLinear wrap(RowLinear inner, UniformGrid grid, int bits) {
    float[] q = new float[inner.in()];
    return new RowLinear() {
      @Override public int in() { return inner.in(); }
      @Override public int out() { return inner.out(); }
      @Override public long weightBytes() { return inner.weightBytes(); }

      @Override
      public void apply(float[] x, int xOff, float[] y, int yOff) {
        UniformGrid g = grid;
        if (g == null) {
          float min = Float.POSITIVE_INFINITY, max = Float.NEGATIVE_INFINITY;
          for (int i = 0; i < q.length; i++) {
            min = Math.min(min, x[xOff + i]);
            max = Math.max(max, x[xOff + i]);
          }
          g = UniformGrid.affine(bits, min, max);
        }
        for (int i = 0; i < q.length; i++) q[i] = g.decode(g.encode(x[xOff + i]));
        inner.apply(q, 0, y, yOff);
      }
    };
  }

  /**
   * The linear maps of a decoder under {@code cfg}: each of {@code base} wrapped with its grid.
   *
   * @param base the float linear maps by name
   * @param grids the static grids from {@link #calibrate}
   * @param cfg the settings
   * @return the wrapped maps by name; a TENSOR map without a grid throws IllegalArgumentException when asked
   *     for
   */
  public static Function<String, RowLinear> linears(Function<String, RowLinear> base, Map<String, UniformGrid> grids, Config cfg) {
    return name -> {
      UniformGrid g = grids.get(name);
      if (cfg.granularity() == Granularity.TENSOR && g == null) throw new IllegalArgumentException("no calibrated activation range for " + name);
      return wrap(base.apply(name), g, cfg.bits());
    };
  }

  private static final class Sampler implements RowLinear {
    private final RowLinear inner;
    private float[] values = new float[1 << 12];
    private int n;
    private long seen;
    private float min = Float.POSITIVE_INFINITY, max = Float.NEGATIVE_INFINITY;

    Sampler(RowLinear inner) {
      this.inner = inner;
    }

    @Override public int in() { return inner.in(); }
    @Override public int out() { return inner.out(); }
    @Override public long weightBytes() { return inner.weightBytes(); }

    @Override
    public void apply(float[] x, int xOff, float[] y, int yOff) {
      for (int i = 0; i < inner.in(); i++) {
        float v = x[xOff + i];
        min = Math.min(min, v);
        max = Math.max(max, v);
        if (n < MAX_SAMPLES) {
          if (n == values.length) values = Arrays.copyOf(values, Math.min(MAX_SAMPLES, 2 * n));
          values[n++] = v;
        } else {
          // deterministic reservoir-like replacement: overwrite by a fixed stride
          values[(int) (seen % MAX_SAMPLES)] = v;
        }
        seen++;
      }
      inner.apply(x, xOff, y, yOff);
    }

    UniformGrid grid(Config cfg) {
      if (cfg.range() == Range.MINMAX || cfg.percentile() == 100) return UniformGrid.affine(cfg.bits(), min, max);
      float[] a = Arrays.copyOf(values, n);
      Arrays.sort(a);
      double q = (100 - cfg.percentile()) / 100;
      int lo = (int) Math.floor(q * (n - 1)), hi = (int) Math.ceil((1 - q) * (n - 1));
      return UniformGrid.affine(cfg.bits(), a[lo], a[hi]);
    }
  }
}
