package dev.fivefold.compress.grad;

/**
 * 1-bit SGD with error feedback (Seide, Fu, Droppo, Li &amp; Yu, "1-Bit Stochastic Gradient Descent
 * and its Application to Data-Parallel Distributed Training of Speech DNNs", Interspeech 2014).
 * With the residual e: p = g + e; each element is sent as one bit, b = [p ≥ 0], and
 * reconstructed as the mean of the elements of its group on the same side,
 * <pre>
 *   p̂_j = b_j ? mean{p_i ≥ 0 in the group} : mean{p_i &lt; 0 in the group};   e ← p − p̂
 * </pre>
 * so each group's sum is sent exactly. {@link Scaling#COLUMN} (Seide's) takes a group per column
 * of the tensor's matrix view ({@link Layout}: a linear weight's input unit, so an input pixel that
 * is always 0 costs its column a zero reconstruction and no error); {@link Scaling#TENSOR} one
 * group per tensor (two floats per tensor: the ratio is then just under 32×).
 *
 * <p>Momentum inside the error-feedback loop ({@code momentum} m &gt; 0): the worker keeps its own
 * velocity u ← m·u + g and compresses p = u + e instead of g + e, as DGC's momentum correction
 * does for top-k (Lin et al. 2018, §3.2); the step after it is then plain SGD ({@link
 * #correctsMomentum()}). Since the velocity is linear in the gradients, the mean of the workers'
 * velocities is the velocity of the mean gradient: with exact transmission this is momentum SGD.
 * With the optimizer's momentum applied after aggregation instead, the biased 1-bit updates and
 * their delayed corrections are amplified by 1/(1 − m), and the LeNet-300-100 comparison diverged
 * (docs/distributed.md).
 *
 * <p>Payload: the groups' two float32 reconstruction values as one block of byte planes, then the
 * bits of all tensors as one block, each entropy-coded if that is shorter ({@link Wire}). A group
 * without elements on one side sends 0 for it; a group whose two values are equal (all zero: a
 * column whose input is always 0, with no residual) sends no bits at all.
 *
 * @param scaling where the two reconstruction values are shared
 * @param momentum m of the worker-side velocity, in [0, 1) (0: none; the optimizer's momentum applies)
 */
public record OneBit(Scaling scaling, double momentum) implements GradientCompressor {
  /** Where the two reconstruction values are shared. */
  public enum Scaling {
    /** Two values per column of the tensor's matrix view (Seide's). */
    COLUMN,
    /** Two values per tensor. */
    TENSOR
  }

  /**
   * Checks that a scaling is given and the momentum is in range.
   *
   * @throws IllegalArgumentException if {@code scaling} is null or {@code momentum} is outside [0, 1)
   */
  public OneBit {
    if (scaling == null) throw new IllegalArgumentException("scaling must be given (column or tensor)");
    if (!(momentum >= 0 && momentum < 1)) throw new IllegalArgumentException("momentum (" + momentum + ") must be in [0, 1)");
  }

  /**
   * 1-bit EF without momentum of its own.
   *
   * @param scaling where the two reconstruction values are shared
   */
  public OneBit(Scaling scaling) {
    this(scaling, 0);
  }

  @Override
  public boolean correctsMomentum() {
    return momentum > 0;
  }

  @Override
  public String name() {
    return "onebit(" + scaling.name().toLowerCase(java.util.Locale.ROOT) + ")";
  }

  @Override
  public WorkerState init(Layout layout, long seed, int worker) {
    return new WorkerState(layout, worker, null);
  }

  private int groups(Layout l, int i) {
    return scaling == Scaling.COLUMN ? l.cols()[i] : 1;
  }

  @Override
  public byte[] compress(int round, float[][] gradient, float[][] previous, WorkerState state) {
    Compressors.checkRound(this, round);
    Layout l = state.layout();
    l.check(gradient, "gradient");
    float[][] e = state.slot("residual");
    float[][] u = momentum > 0 ? state.slot("momentum") : null;
    float m = (float) momentum;
    Wire.Out o = new Wire.Out();
    int groups = 0;
    for (int t = 0; t < gradient.length; t++) groups += groups(l, t);
    float[] scales = new float[2 * groups];
    int[] bits = new int[(int) l.total()];
    int at = 0, g0 = 0;
    for (int t = 0; t < gradient.length; t++) {
      float[] p = e[t], g = gradient[t];
      if (u == null) {
        for (int j = 0; j < p.length; j++) p[j] += g[j];
      } else {
        float[] ut = u[t];
        for (int j = 0; j < p.length; j++) {
          ut[j] = m * ut[j] + g[j];
          p[j] += ut[j];
        }
      }
      int c = l.cols()[t], gs = groups(l, t);
      double[] pos = new double[gs], neg = new double[gs];
      int[] np = new int[gs], nn = new int[gs];
      for (int j = 0; j < p.length; j++) {
        int k = gs == 1 ? 0 : j % c;
        if (p[j] >= 0) {
          pos[k] += p[j];
          np[k]++;
        } else {
          neg[k] += p[j];
          nn[k]++;
        }
      }
      float[] hi = new float[gs], lo = new float[gs];
      for (int k = 0; k < gs; k++) {
        hi[k] = np[k] == 0 ? 0f : (float) (pos[k] / np[k]);
        lo[k] = nn[k] == 0 ? 0f : (float) (neg[k] / nn[k]);
        scales[2 * (g0 + k)] = hi[k];
        scales[2 * (g0 + k) + 1] = lo[k];
      }
      for (int j = 0; j < p.length; j++) {
        int k = gs == 1 ? 0 : j % c;
        boolean b = p[j] >= 0;
        if (!same(hi[k], lo[k])) bits[at++] = b ? 1 : 0;
        p[j] -= b ? hi[k] : lo[k];
      }
      g0 += gs;
    }
    o.floatBlock(scales, scales.length);
    o.block(Wire.pack(bits, at, 1));
    state.step++;
    return o.bytes();
  }

  /** A group whose two values are equal (all of it 0, typically) needs no bits: every element decodes alike. */
  private static boolean same(float hi, float lo) {
    return Float.floatToRawIntBits(hi) == Float.floatToRawIntBits(lo);
  }

  @Override
  public float[][] decode(int round, byte[] payload, Layout l) {
    Compressors.checkRound(this, round);
    Wire.In in = new Wire.In(payload);
    float[][] out = l.zeros();
    int groups = 0;
    for (int t = 0; t < out.length; t++) groups += groups(l, t);
    float[] scales = in.floatBlock(2 * groups);
    int needed = 0, g0 = 0;
    for (int t = 0; t < out.length; t++) {
      int c = l.cols()[t], gs = groups(l, t);
      for (int k = 0; k < gs; k++) {
        if (!same(scales[2 * (g0 + k)], scales[2 * (g0 + k) + 1])) needed += gs == 1 ? out[t].length : out[t].length / c;
      }
      g0 += gs;
    }
    int[] bits = Wire.unpack(in.block((needed + 7) / 8), needed, 1);
    in.end();
    int at = 0;
    g0 = 0;
    for (int t = 0; t < out.length; t++) {
      int c = l.cols()[t], gs = groups(l, t);
      float[] x = out[t];
      for (int j = 0; j < x.length; j++) {
        int k = g0 + (gs == 1 ? 0 : j % c);
        float hi = scales[2 * k], lo = scales[2 * k + 1];
        x[j] = same(hi, lo) ? hi : bits[at++] == 1 ? hi : lo;
      }
      g0 += gs;
    }
    return out;
  }

  @Override
  public String toString() {
    String s = "onebit:scaling=" + scaling.name().toLowerCase(java.util.Locale.ROOT);
    return momentum == 0 ? s : s + ",momentum=" + momentum;
  }
}
