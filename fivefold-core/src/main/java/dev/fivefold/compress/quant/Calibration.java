package dev.fivefold.compress.quant;

import dev.fivefold.perception.Gpt;
import dev.fivefold.perception.generate.Decoder;
import dev.fivefold.perception.generate.RowLinear;
import dev.fivefold.tensor.Tensor;
import dev.fivefold.tensor.kernel.Gemm;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The second moments GPTQ needs: for every linear map of a GPT, H = (2/N)·Σ_n x_n x_nᵀ over the N
 * inputs x_n [in] it sees when the float32 model reads the calibration sequences (each fed from
 * position 0 by the {@link Decoder}, which computes the same rows as the training forward). All
 * moments come from the float model in one pass (not layer by layer from the partly quantized
 * model as in the paper's sequential variant). The 1/N keeps H's scale independent of the set's
 * size; GPTQ's result does not depend on it (the damping is relative to mean(diag H)).
 */
public final class Calibration {
  /** Rows gathered before one XᵀX product. */
  private static final int BATCH = 256;

  private Calibration() {}

  /**
   * H per linear map ("h.0.attn.c_attn", …, "lm_head"), [in, in] row-major.
   *
   * @param gpt the float model
   * @param sequences the calibration token sequences
   * @return H by linear map name, in the decoder's order
   * @throws IllegalArgumentException for an empty set, a sequence of length 0 or beyond the context,
   *     or a token outside the vocabulary, naming the sequence and the value
   */
  public static Map<String, double[]> hessians(Gpt gpt, List<int[]> sequences) {
    check(gpt, sequences);
    Map<String, Tensor> sd = gpt.stateDict();
    Map<String, Recorder> recs = new LinkedHashMap<>();
    Decoder dec = new Decoder(gpt.config(), sd::get, name -> {
      Recorder r = new Recorder(RowLinear.dense(sd.get(name + ".weight"), sd.get(name + ".bias")));
      recs.put(name, r);
      return r;
    }, Decoder.cache(gpt.config(), 0));
    for (int[] s : sequences) {
      dec.reset();
      for (int t : s) dec.step(t);
    }
    Map<String, double[]> out = new LinkedHashMap<>();
    for (var e : recs.entrySet()) out.put(e.getKey(), e.getValue().hessian());
    return out;
  }

  /**
   * Refuses a calibration set {@code gpt} cannot read: empty, a sequence of length 0 or beyond the
   * context, or a token outside the vocabulary (naming the sequence and the value).
   *
   * @param gpt the model
   * @param sequences the calibration token sequences
   * @throws IllegalArgumentException if the set is unreadable, as above
   */
  public static void check(Gpt gpt, List<int[]> sequences) {
    if (sequences == null || sequences.isEmpty()) throw new IllegalArgumentException("calibration set is empty (0 sequences)");
    int ctx = gpt.config().context(), v = gpt.config().vocab();
    for (int i = 0; i < sequences.size(); i++) {
      int[] s = sequences.get(i);
      if (s.length < 1 || s.length > ctx) throw new IllegalArgumentException("calibration sequence " + i + " has length " + s.length + "; must be in [1, " + ctx + "] (the context)");
      for (int t : s) if (t < 0 || t >= v) throw new IllegalArgumentException("calibration sequence " + i + " has token " + t + " outside [0, " + v + ")");
    }
  }

  /** Gathers the inputs of one linear map and accumulates XᵀX. */
  private static final class Recorder implements RowLinear {
    private final RowLinear inner;
    private final int in;
    private final float[] rows, xtx;
    private final double[] sum;
    private int n;
    private long total;

    Recorder(RowLinear inner) {
      this.inner = inner;
      this.in = inner.in();
      rows = new float[BATCH * in];
      xtx = new float[in * in];
      sum = new double[in * in];
    }

    @Override public int in() { return in; }
    @Override public int out() { return inner.out(); }
    @Override public long weightBytes() { return inner.weightBytes(); }

    @Override
    public void apply(float[] x, int xOff, float[] y, int yOff) {
      System.arraycopy(x, xOff, rows, n * in, in);
      if (++n == BATCH) flush();
      inner.apply(x, xOff, y, yOff);
    }

    private void flush() {
      if (n == 0) return;
      Gemm.sgemm(true, false, in, in, n, rows, 0, in, rows, 0, in, 0f, xtx, 0, in);
      for (int i = 0; i < sum.length; i++) sum[i] += xtx[i];
      total += n;
      n = 0;
    }

    double[] hessian() {
      flush();
      double[] h = new double[in * in];
      for (int i = 0; i < h.length; i++) h[i] = 2 * sum[i] / Math.max(1, total);
      return h;
    }
  }
}
