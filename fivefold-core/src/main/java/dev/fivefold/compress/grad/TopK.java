package dev.fivefold.compress.grad;

import java.util.Arrays;
import java.util.Locale;

/**
 * Top-k sparsification with error feedback, and Deep Gradient Compression (Lin, Han, Mao, Wang
 * &amp; Dally, "Deep Gradient Compression: Reducing the Communication Bandwidth for Distributed
 * Training", ICLR 2018, Algorithm 1 and §3) as the same compressor with its four techniques
 * switched on ({@link Dgc}). Per step on worker w, with accumulation v and velocity u:
 * <pre>
 *   g ← (η_t/η_0) · g                                  only with rateWeighted (not in the paper)
 *   g ← g · min(1, c / ‖g‖₂)                           local gradient clipping (c: the local threshold)
 *   u ← m·u + g;  v ← v + u                           momentum correction   (without: v ← v + g)
 *                 v ← v + m·u + g                     the same with Nesterov momentum (as the DGC authors' code offers)
 *   per tensor: S = indices of the k = ⌈ρ·n⌉ largest |v|   (ρ ramped down during the warm-up)
 *   send (S, v_S);  v_S ← 0;  u_S ← 0                 momentum factor masking zeroes u_S
 * </pre>
 * Plain top-k (Aji &amp; Heafield 2017; Stich et al. 2018) is all four off: v is the error-feedback
 * residual and sent + v = old v + g. With momentum correction the compressor carries the momentum,
 * so the step after it is plain SGD ({@link #correctsMomentum()}); without it the momentum is the
 * optimizer's, on the aggregated sparse gradient (DGC's "no momentum correction" ablation).
 *
 * <p>Selection is exact and deterministic: the k-th largest |v| by quickselect, then the larger
 * ones and ties in index order. Per tensor (DGC's layer-wise selection) each tensor sends its own
 * ⌈ρ·n⌉; with {@code global} the same total K = Σ⌈ρ·n_t⌉ goes to the K largest |v| of the whole
 * model, ties by (tensor, index), so tensors whose accumulated values are larger (typically the
 * small last layers) send more of them (global top-k: Shi et al., "A Distributed Synchronous SGD
 * Algorithm with Global Top-k Sparsification for Low Bandwidth Networks", ICDCS 2019).
 *
 * <p>Warm-up (DGC §3.4, "exponentially increasing sparsity"): over the first W steps in four
 * equal stages the density is max(ρ, 0.25, 0.0625, 0.015625, 0.004) — DGC's 75%, 93.75%,
 * 98.4375%, 99.6% sparsity — then ρ.
 *
 * <p>Payload per tensor: k as a varint, the index gaps (first index + 1, then differences) as
 * varints in a block, and the k values in the form {@link Values} names, each block entropy-coded
 * when that is shorter. The ratio ρ is in (0, 1]; ρ = 1 sends every index. A value sent in a
 * shorter form than float32 leaves its rounding error in v (error feedback of the quantiser:
 * v_S ← v_S − Q(v_S) instead of 0), so sent + v is still the old v plus what came in.
 *
 * @param ratio ρ, the density sent per tensor, in (0, 1]
 * @param dgc DGC's techniques; null for none (plain top-k)
 * @param values the form the selected values travel in; null for {@link Values#FP32}
 * @param global select the K largest over the whole model instead of ⌈ρ·n⌉ per tensor
 */
public record TopK(double ratio, Dgc dgc, Values values, boolean global) implements GradientCompressor {
  /**
   * The form of the selected values on the wire.
   * <ul>
   *   <li>{@code FP32}: as they are, float32 byte planes (lossless);
   *   <li>{@code FP16}: IEEE binary16, round to nearest even, two byte planes (the authors' DGC code
   *     offers the same as {@code fp16_values});
   *   <li>{@code SIGN}: one sign bit each and one float32 per tensor, the mean |v| of the selected
   *     values, μ = Σ|v_S|/k, so Q(v_j) = μ·sign(v_j) (Sattler et al.'s sparse ternary
   *     compression, IEEE TNNLS 2019); the signs are entropy-coded when that is shorter.
   * </ul>
   */
  public enum Values {
    /** float32, lossless. */
    FP32,
    /** IEEE binary16. */
    FP16,
    /** a sign per value and the tensor's mean magnitude. */
    SIGN
  }

  /**
   * DGC's techniques, each switchable for an ablation.
   *
   * @param momentum m of the momentum correction (DGC: 0.9), in [0, 1)
   * @param momentumCorrection accumulate the velocity u instead of the gradient (needs momentum &gt; 0)
   * @param clip local clipping threshold c of the worker's whole gradient, &gt; 0, or 0 for none
   *     (DGC: the global threshold scaled by N^{-1/2})
   * @param factorMasking zero the velocity where a value was sent
   * @param warmupSteps steps of the exponential sparsity warm-up, &ge; 0 (0: none)
   * @param rateWeighted accumulate (η_t/η_0)·g instead of g, so that v holds rate-weighted steps
   *     ({@link GradientCompressor#weightsByRate()}; not in the paper, off there)
   * @param nesterov correct Nesterov momentum instead of heavy-ball: v ← v + m·u + g, the sum of the
   *     steps Nesterov SGD would have taken (needs momentum correction)
   */
  public record Dgc(double momentum, boolean momentumCorrection, double clip, boolean factorMasking, long warmupSteps, boolean rateWeighted,
      boolean nesterov) {
    /**
     * Validates the techniques.
     *
     * @throws IllegalArgumentException if {@code momentum} is outside [0, 1), momentum correction has m = 0,
     *     {@code clip} is negative or not finite, {@code warmupSteps} is negative, or Nesterov momentum comes
     *     without momentum correction
     */
    public Dgc {
      if (!(momentum >= 0 && momentum < 1)) throw new IllegalArgumentException("momentum (" + momentum + ") must be in [0, 1)");
      if (momentumCorrection && momentum == 0) throw new IllegalArgumentException("momentumCorrection needs momentum > 0 (momentum = 0)");
      if (!(clip >= 0) || Double.isInfinite(clip)) throw new IllegalArgumentException("clip (" + clip + ") must be >= 0 and finite");
      if (warmupSteps < 0) throw new IllegalArgumentException("warmupSteps (" + warmupSteps + ") must be >= 0");
      if (nesterov && !momentumCorrection) throw new IllegalArgumentException("nesterov needs momentum correction (correction = off)");
    }

    /**
     * The techniques with heavy-ball momentum.
     *
     * @param momentum m of the momentum correction, in [0, 1)
     * @param momentumCorrection accumulate the velocity u instead of the gradient
     * @param clip local clipping threshold, &ge; 0 (0: none)
     * @param factorMasking zero the velocity where a value was sent
     * @param warmupSteps steps of the sparsity warm-up, &ge; 0
     * @param rateWeighted accumulate (η_t/η_0)·g instead of g
     */
    public Dgc(double momentum, boolean momentumCorrection, double clip, boolean factorMasking, long warmupSteps, boolean rateWeighted) {
      this(momentum, momentumCorrection, clip, factorMasking, warmupSteps, rateWeighted, false);
    }

    /**
     * The paper's techniques, accumulating gradients (rateWeighted off).
     *
     * @param momentum m of the momentum correction, in [0, 1)
     * @param momentumCorrection accumulate the velocity u instead of the gradient
     * @param clip local clipping threshold, &ge; 0 (0: none)
     * @param factorMasking zero the velocity where a value was sent
     * @param warmupSteps steps of the sparsity warm-up, &ge; 0
     */
    public Dgc(double momentum, boolean momentumCorrection, double clip, boolean factorMasking, long warmupSteps) {
      this(momentum, momentumCorrection, clip, factorMasking, warmupSteps, false);
    }

    /**
     * None of the techniques: plain top-k with error feedback.
     *
     * @return the techniques, all off
     */
    public static Dgc none() {
      return new Dgc(0, false, 0, false, 0);
    }

    /**
     * All four: momentum correction with m, clipping at c, masking, warm-up over W steps.
     *
     * @param momentum m, in (0, 1)
     * @param clip c &gt; 0, or 0 for no clipping
     * @param warmupSteps W &ge; 0
     * @return the techniques, all on
     */
    public static Dgc all(double momentum, double clip, long warmupSteps) {
      return new Dgc(momentum, true, clip, true, warmupSteps);
    }

    boolean any() {
      return momentumCorrection || clip > 0 || factorMasking || warmupSteps > 0;
    }
  }

  /**
   * Checks the ratio; a null {@code dgc} becomes {@link Dgc#none()}.
   *
   * @throws IllegalArgumentException if {@code ratio} is outside (0, 1]
   */
  public TopK {
    Compressors.checkRatio(ratio);
    if (dgc == null) dgc = Dgc.none();
    if (values == null) values = Values.FP32;
  }

  /**
   * Top-k or DGC with float32 values, selected per tensor.
   *
   * @param ratio ρ, in (0, 1]
   * @param dgc DGC's techniques; null for none
   */
  public TopK(double ratio, Dgc dgc) {
    this(ratio, dgc, Values.FP32, false);
  }

  /**
   * Plain top-k with error feedback.
   *
   * @param ratio ρ, in (0, 1]
   * @return the compressor
   */
  public static TopK plain(double ratio) {
    return new TopK(ratio, Dgc.none(), Values.FP32, false);
  }

  @Override
  public String name() {
    return (dgc.any() ? "dgc" : "topk") + "(" + ratio + (values == Values.FP32 ? "" : "," + values.name().toLowerCase(Locale.ROOT))
        + (global ? ",global" : "") + (dgc.rateWeighted() ? ",step" : "") + (dgc.nesterov() ? ",nesterov" : "") + ")";
  }

  @Override
  public boolean correctsMomentum() {
    return dgc.momentumCorrection();
  }

  @Override
  public boolean correctsNesterov() {
    return dgc.nesterov();
  }

  @Override
  public boolean weightsByRate() {
    return dgc.rateWeighted();
  }

  @Override
  public WorkerState init(Layout layout, long seed, int worker) {
    return new WorkerState(layout, worker, null);
  }

  /**
   * The density at step {@code step} (counted from 0): ρ, or the warm-up's larger value.
   *
   * @param step the step, from 0
   * @return the density, in (0, 1]
   */
  public double density(long step) {
    if (step >= dgc.warmupSteps()) return ratio;
    int stage = (int) Math.min(3, step * 4 / dgc.warmupSteps());
    return Math.max(ratio, Math.pow(0.25, stage + 1));
  }

  /** k for a tensor of {@code n} values at density {@code d}: ⌈d·n⌉, at least 1, at most n. */
  static int k(double d, int n) {
    return (int) Math.max(1, Math.min(n, Math.ceil(d * n - 1e-9)));
  }

  @Override
  public byte[] compress(int round, float[][] gradient, float[][] previous, WorkerState state) {
    Compressors.checkRound(this, round);
    Layout l = state.layout();
    l.check(gradient, "gradient");
    float[][] v = state.slot("residual");
    float[][] u = dgc.momentumCorrection() ? state.slot("momentum") : null;
    accumulate(gradient, dgc.clip(), dgc.rateWeighted() ? (float) state.rateScale() : 1f, u, (float) dgc.momentum(), dgc.nesterov(), v);
    double d = density(state.step);
    int[][] chosen = global ? largestOverAll(v, d) : null;
    Wire.Out o = new Wire.Out();
    for (int t = 0; t < v.length; t++) {
      float[] vt = v[t];
      int[] idx = chosen != null ? chosen[t] : largest(vt, k(d, vt.length));
      float[] vals = new float[idx.length];
      for (int i = 0; i < idx.length; i++) vals[i] = vt[idx[i]];
      float[] sent = writeSparse(o, idx, vals, values);
      for (int i = 0; i < idx.length; i++) {
        vt[idx[i]] = values == Values.FP32 ? 0f : vt[idx[i]] - sent[i]; // the quantiser's error stays
        if (u != null && dgc.factorMasking()) u[t][idx[i]] = 0;
      }
    }
    state.step++;
    return o.bytes();
  }

  @Override
  public float[][] decode(int round, byte[] payload, Layout l) {
    Compressors.checkRound(this, round);
    Wire.In in = new Wire.In(payload);
    float[][] out = l.zeros();
    for (float[] x : out) readSparse(in, x, values);
    in.end();
    return out;
  }

  /**
   * Adds the clipped gradient to the accumulation: g ← r·g (r the rate weight η_t/η_0, or 1), then
   * g ← g·min(1, c/‖g‖₂) (no clipping when c = 0); then u ← m·u + g and v ← v + u with a velocity u,
   * or v ← v + g without one (u null). Clipping acts on what enters the residual, the rate-weighted
   * gradient: against the raw gradient its threshold is c·η_0/η_t, which grows as the rate decays
   * (session 19: against clipping the raw gradient, ahead in 7 of 10 paired seeds of LeNet-300-100,
   * most at 8 workers; docs/distributed.md). With r = 1 every product is the one without a rate.
   */
  static void accumulate(float[][] gradient, double clip, float rate, float[][] u, float m, boolean nesterov, float[][] v) {
    float scale = 1f;
    if (clip > 0) {
      double sq = 0;
      for (float[] g : gradient) {
        for (float x : g) {
          float y = x * rate;
          sq += (double) y * y;
        }
      }
      double norm = Math.sqrt(sq);
      if (norm > clip) scale = (float) (clip / norm);
    }
    for (int t = 0; t < gradient.length; t++) {
      float[] g = gradient[t], vt = v[t];
      if (u != null) {
        float[] ut = u[t];
        for (int j = 0; j < g.length; j++) {
          float gj = (g[j] * rate) * scale;
          ut[j] = m * ut[j] + gj;
          vt[j] += nesterov ? m * ut[j] + gj : ut[j];
        }
      } else {
        for (int j = 0; j < g.length; j++) vt[j] += (g[j] * rate) * scale;
      }
    }
  }

  /**
   * Writes k, the index gaps and the values in form {@code form}.
   *
   * @return the values as the receiver will decode them
   */
  static float[] writeSparse(Wire.Out o, int[] idx, float[] vals, Values form) {
    writeIndices(o, idx);
    return writeValues(o, vals, form);
  }

  /** Writes k and the index gaps (first index + 1, then differences) as a block of varints. */
  static void writeIndices(Wire.Out o, int[] idx) {
    o.varint(idx.length);
    Wire.Out gaps = new Wire.Out();
    int last = -1;
    for (int i : idx) {
      gaps.varint(i - last);
      last = i;
    }
    o.block(gaps.bytes());
  }

  /**
   * Writes the values (their count is known to the reader) in form {@code form}.
   *
   * @return the values as the receiver will decode them
   */
  static float[] writeValues(Wire.Out o, float[] vals, Values form) {
    int k = vals.length;
    switch (form) {
      case FP32 -> {
        o.floatBlock(vals, k);
        return vals;
      }
      case FP16 -> {
        byte[] planes = new byte[2 * k];
        float[] sent = new float[k];
        for (int i = 0; i < k; i++) {
          short h = Float.floatToFloat16(Math.clamp(vals[i], -65504f, 65504f)); // the largest finite half, not infinity
          planes[i] = (byte) h;
          planes[k + i] = (byte) (h >>> 8);
          sent[i] = Float.float16ToFloat(h);
        }
        o.block(planes);
        return sent;
      }
      case SIGN -> {
        double sum = 0;
        for (float v : vals) sum += Math.abs(v);
        float mu = k == 0 ? 0f : (float) (sum / k);
        int[] neg = new int[k];
        float[] sent = new float[k];
        for (int i = 0; i < k; i++) {
          neg[i] = vals[i] < 0 ? 1 : 0;
          sent[i] = neg[i] == 1 ? -mu : mu;
        }
        o.f32(mu).symbols(neg, k, 2);
        return sent;
      }
      default -> throw new AssertionError(form);
    }
  }

  /** Reads what {@link #writeSparse(Wire.Out, int[], float[], Values)} wrote in form {@code form} into the zeros of {@code x}. */
  static void readSparse(Wire.In in, float[] x, Values form) {
    int[] idx = readIndices(in, x.length);
    float[] vals = readValues(in, idx.length, form);
    for (int i = 0; i < idx.length; i++) x[idx[i]] = vals[i];
  }

  /** Reads what {@link #writeIndices} wrote for a tensor of {@code n} values: the indices, ascending. */
  static int[] readIndices(Wire.In in, int n) {
    int k = in.size(n, "k");
    Wire.In gaps = new Wire.In(in.block(10 * k));
    int[] idx = new int[k];
    int at = -1;
    for (int i = 0; i < k; i++) {
      long gap = gaps.varint();
      if (gap < 1 || at + gap >= n) throw new dev.fivefold.io.BadInputException("payload: index gap (" + gap + ") leaves the tensor of " + n);
      at += (int) gap;
      idx[i] = at;
    }
    gaps.end();
    return idx;
  }

  /** Reads {@code k} values that {@link #writeValues} wrote in form {@code form}. */
  static float[] readValues(Wire.In in, int k, Values form) {
    return switch (form) {
      case FP32 -> in.floatBlock(k);
      case FP16 -> {
        byte[] planes = in.block(2 * k);
        if (planes.length != 2 * k) throw new dev.fivefold.io.BadInputException("payload: half block has " + planes.length + " bytes, " + 2 * k + " expected");
        float[] v = new float[k];
        for (int i = 0; i < k; i++) v[i] = Float.float16ToFloat((short) ((planes[i] & 0xFF) | (planes[k + i] & 0xFF) << 8));
        yield v;
      }
      case SIGN -> {
        float mu = in.f32();
        int[] neg = in.symbols(k, 2);
        float[] v = new float[k];
        for (int i = 0; i < k; i++) v[i] = neg[i] == 1 ? -mu : mu;
        yield v;
      }
    };
  }

  /**
   * Per tensor, the indices among the K = Σ k(d, n_t) largest |v| over all tensors, ascending: NaN
   * first, then larger magnitudes, ties by (tensor, index), as {@link #largest} ranks them.
   */
  static int[][] largestOverAll(float[][] v, double d) {
    int total = 0, kk = 0;
    for (float[] x : v) {
      total += x.length;
      kk += k(d, x.length);
    }
    float[] a = new float[total];
    int p = 0;
    for (float[] x : v) for (float y : x) a[p++] = Math.abs(y);
    float thr = kthLargest(a, kk);
    boolean[][] pick = new boolean[v.length][];
    for (int t = 0; t < v.length; t++) pick[t] = new boolean[v[t].length];
    int c = 0;
    for (int pass = 0; pass < 3; pass++) {
      for (int t = 0; t < v.length && c < kk; t++) {
        for (int j = 0; j < v[t].length && c < kk; j++) {
          float y = Math.abs(v[t][j]);
          boolean take = pass == 0 ? Float.isNaN(y) : pass == 1 ? y > thr : y == thr;
          if (take && !pick[t][j]) {
            pick[t][j] = true;
            c++;
          }
        }
      }
    }
    int[][] out = new int[v.length][];
    for (int t = 0; t < v.length; t++) {
      int n = 0;
      for (boolean b : pick[t]) if (b) n++;
      int[] idx = new int[n];
      n = 0;
      for (int j = 0; j < pick[t].length; j++) if (pick[t][j]) idx[n++] = j;
      out[t] = idx;
    }
    return out;
  }

  /** The indices of the k largest |v|, ascending; ties go to the smaller index. */
  static int[] largest(float[] v, int k) {
    int n = v.length;
    if (k >= n) {
      int[] all = new int[n];
      Arrays.setAll(all, i -> i);
      return all;
    }
    float[] a = new float[n];
    for (int i = 0; i < n; i++) a[i] = Math.abs(v[i]);
    float thr = kthLargest(a, k);
    int[] idx = new int[k];
    int c = 0;
    for (int i = 0; i < n && c < k; i++) if (Float.isNaN(v[i])) idx[c++] = i; // NaN ranks largest, as in the selection
    for (int i = 0; i < n && c < k; i++) if (Math.abs(v[i]) > thr) idx[c++] = i;
    for (int i = 0; i < n && c < k; i++) if (Math.abs(v[i]) == thr) idx[c++] = i;
    Arrays.sort(idx);
    return idx;
  }

  /** The k-th largest of {@code a} (1-based; NaN compares as largest), reordering {@code a}. */
  private static float kthLargest(float[] a, int k) {
    int lo = 0, hi = a.length - 1, target = k - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      float pivot = median(a[lo], a[mid], a[hi]);
      int i = lo, j = hi;
      while (i <= j) {
        while (Float.compare(a[i], pivot) > 0) i++;
        while (Float.compare(a[j], pivot) < 0) j--;
        if (i <= j) {
          float t = a[i];
          a[i] = a[j];
          a[j] = t;
          i++;
          j--;
        }
      }
      if (target <= j) hi = j;
      else if (target >= i) lo = i;
      else return a[target];
    }
    return a[target];
  }

  private static float median(float x, float y, float z) {
    return Math.max(Math.min(x, y), Math.min(Math.max(x, y), z));
  }

  @Override
  public String toString() {
    String form = (values == Values.FP32 ? "" : ",values=" + values.name().toLowerCase(Locale.ROOT)) + (global ? ",selection=global" : "");
    String residual = (dgc.rateWeighted() ? ",residual=step" : "") + (dgc.nesterov() ? ",nesterov=on" : "");
    if (!dgc.any() && dgc.momentum() == 0) return "topk:ratio=" + ratio + form + residual;
    return String.format(Locale.ROOT, "dgc:ratio=%s,momentum=%s,correction=%s,clip=%s,masking=%s,warmup=%d", ratio, dgc.momentum(),
        dgc.momentumCorrection() ? "on" : "off", dgc.clip(), dgc.factorMasking() ? "on" : "off", dgc.warmupSteps()) + form + residual;
  }
}
