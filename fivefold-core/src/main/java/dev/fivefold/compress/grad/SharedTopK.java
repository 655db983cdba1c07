package dev.fivefold.compress.grad;

import dev.fivefold.io.BadInputException;
import java.util.List;
import java.util.Locale;

/**
 * Top-k on one support for all workers: ScaleCom's cyclic local top-k (Chen, Ni, Venkataramani,
 * Vishnu, Srinivasan, Gopalakrishnan et al., "ScaleCom: Scalable Sparsified Gradient Compression
 * for Communication-Efficient Distributed Training", NeurIPS 2020), with DGC's momentum
 * correction and local clipping. Per step, on worker w of N, with accumulation v and velocity u:
 * <pre>
 *   g ← g · min(1, c / ‖g‖₂);  u ← m·u + g;  v ← v + u       as {@link TopK}'s DGC (m = 0: v ← v + g)
 *   round 0: the leader, worker (step mod N), sends S = the indices of its K largest |v|
 *            (per tensor ⌈ρ·n⌉, or the K = Σ⌈ρ·n_t⌉ largest of the whole model); the others send one byte
 *   round 1: every worker sends v_S, values only, in S's order;  v_S ← v_S − Q(v_S)
 *   update: the mean over workers of v_S, at S
 * </pre>
 * Every worker sends its values at the same indices, so the update at S is the mean of all
 * workers' accumulations there, as a dense all-reduce would give, rather than each worker's own
 * largest (and noisiest) values at different places (DGC): with small per-worker batches, what
 * per-worker top-k selects is partly the noise. All workers clear v at S together, so every
 * coordinate's pending sum spans the same steps on every worker. Taking turns as leader spreads
 * the choice over the workers' data. The indices cost one worker's index block per step, the
 * values k floats (or halves) per worker and no indices.
 *
 * <p>Error feedback as in {@link TopK}: sent + v is the old v plus what came in. Momentum factor
 * masking and the sparsity warm-up are not offered (session 18: masking cost accuracy here, the
 * warm-up half the ratio).
 *
 * @param ratio ρ, the density of the support, in (0, 1]
 * @param momentum m of the momentum correction, in [0, 1) (0: none; the optimizer's momentum then applies)
 * @param clip each worker's gradient-norm threshold c, &ge; 0 (0: none)
 * @param values the form the values travel in; null for {@link TopK.Values#FP32}
 * @param global choose the support over the whole model instead of per tensor
 */
public record SharedTopK(double ratio, double momentum, double clip, TopK.Values values, boolean global) implements GradientCompressor {
  private static final int FOLLOWER = 0, LEADER = 1;

  /**
   * Validates the components; a null {@code values} becomes float32.
   *
   * @throws IllegalArgumentException if {@code ratio} is outside (0, 1], {@code momentum} outside [0, 1), or
   *     {@code clip} negative or not finite
   */
  public SharedTopK {
    Compressors.checkRatio(ratio);
    if (!(momentum >= 0 && momentum < 1)) throw new IllegalArgumentException("momentum (" + momentum + ") must be in [0, 1)");
    if (!(clip >= 0) || Double.isInfinite(clip)) throw new IllegalArgumentException("clip (" + clip + ") must be >= 0 and finite");
    if (values == null) values = TopK.Values.FP32;
  }

  @Override
  public String name() {
    return "sharedk(" + ratio + (values == TopK.Values.FP32 ? "" : "," + values.name().toLowerCase(Locale.ROOT)) + (global ? ",global" : "") + ")";
  }

  @Override
  public int rounds() {
    return 2;
  }

  @Override
  public boolean correctsMomentum() {
    return momentum > 0;
  }

  @Override
  public WorkerState init(Layout layout, long seed, int worker) {
    return new WorkerState(layout, worker, null);
  }

  @Override
  public WorkerState init(Layout layout, long seed, int worker, int workers) {
    return new WorkerState(layout, worker, workers, null);
  }

  /**
   * The leader of step {@code step} among {@code workers}: worker (step mod N).
   *
   * @param step the step, from 0
   * @param workers N &ge; 1
   * @return the leader's index
   */
  public static int leader(long step, int workers) {
    return (int) (step % workers);
  }

  @Override
  public byte[] compress(int round, float[][] gradient, float[][] previous, WorkerState state) {
    if (round < 0 || round > 1) throw new IllegalArgumentException("round (" + round + ") must be 0 or 1 for " + name());
    Layout l = state.layout();
    float[][] v = state.slot("residual");
    Wire.Out o = new Wire.Out();
    if (round == 0) {
      l.check(gradient, "gradient");
      TopK.accumulate(gradient, clip, 1f, momentum > 0 ? state.slot("momentum") : null, (float) momentum, false, v);
      if (state.worker() != leader(state.step, state.workers())) return o.u8(FOLLOWER).bytes();
      int[][] chosen = global ? TopK.largestOverAll(v, ratio) : null;
      o.u8(LEADER);
      for (int t = 0; t < v.length; t++) TopK.writeIndices(o, chosen != null ? chosen[t] : TopK.largest(v[t], TopK.k(ratio, v[t].length)));
      return o.bytes();
    }
    l.check(previous, "support");
    for (int t = 0; t < v.length; t++) {
      int[] idx = support(previous[t]);
      float[] vt = v[t], vals = new float[idx.length];
      for (int i = 0; i < idx.length; i++) vals[i] = vt[idx[i]];
      float[] sent = TopK.writeValues(o, vals, values);
      for (int i = 0; i < idx.length; i++) vt[idx[i]] = values == TopK.Values.FP32 ? 0f : vt[idx[i]] - sent[i]; // the quantiser's error stays
    }
    state.step++;
    return o.bytes();
  }

  /** The indices where the support mask is not zero, ascending. */
  private static int[] support(float[] mask) {
    int k = 0;
    for (float x : mask) if (x != 0) k++;
    int[] idx = new int[k];
    k = 0;
    for (int j = 0; j < mask.length; j++) if (mask[j] != 0) idx[k++] = j;
    return idx;
  }

  /**
   * Round 0's payload as a mask: 1 at the leader's indices, zeros from a follower. A round-1 payload
   * carries no indices, so it is read by {@link #aggregate(int, List, float[][], Layout)} against
   * round 0's support.
   *
   * @throws IllegalArgumentException for round 1
   */
  @Override
  public float[][] decode(int round, byte[] payload, Layout l) {
    if (round != 0) throw new IllegalArgumentException("round (" + round + "): " + name() + "'s values are read against the support, in aggregate(round, payloads, previous, layout)");
    Wire.In in = new Wire.In(payload);
    float[][] out = l.zeros();
    if (leads(in)) {
      for (float[] x : out) for (int j : TopK.readIndices(in, x.length)) x[j] = 1f;
      in.end();
    }
    return out;
  }

  /** Reads a round-0 payload's flag: true for the leader's; a follower's payload must end after it. */
  private static boolean leads(Wire.In in) {
    int flag = in.u8();
    if (flag == FOLLOWER) {
      in.end();
      return false;
    }
    if (flag != LEADER) throw new BadInputException("payload: leader flag (" + flag + ") must be 0 or 1");
    return true;
  }

  /**
   * Round 0: the support, 1 at the leader's indices (exactly one payload must lead). Round 1: the
   * mean over workers of their values at the support that {@code previous} marks.
   *
   * @throws BadInputException if round 0 has no leader or more than one, or a payload is corrupt
   */
  @Override
  public float[][] aggregate(int round, List<byte[]> payloads, float[][] previous, Layout l) {
    if (payloads == null || payloads.isEmpty()) throw new IllegalArgumentException("payloads (" + (payloads == null ? "null" : "none") + ") must hold one per worker");
    if (round == 0) {
      float[][] support = null;
      int leaders = 0;
      for (byte[] p : payloads) {
        if (leads(new Wire.In(p))) { // a follower's one byte is checked, not expanded into a zero mask
          leaders++;
          support = decode(0, p, l);
        }
      }
      if (leaders != 1) throw new BadInputException("payloads: " + leaders + " leaders in round 0, 1 expected");
      return support;
    }
    if (round != 1) throw new IllegalArgumentException("round (" + round + ") must be 0 or 1 for " + name());
    if (previous == null) throw new IllegalArgumentException("round 1 needs round 0's support");
    l.check(previous, "support");
    int[][] idx = new int[previous.length][];
    for (int t = 0; t < previous.length; t++) idx[t] = support(previous[t]);
    float[][] sum = l.zeros();
    for (byte[] p : payloads) {
      Wire.In in = new Wire.In(p);
      for (int t = 0; t < sum.length; t++) {
        float[] vals = TopK.readValues(in, idx[t].length, values);
        for (int i = 0; i < vals.length; i++) sum[t][idx[t][i]] += vals[i];
      }
      in.end();
    }
    float n = payloads.size();
    if (n > 1) for (float[] s : sum) for (int j = 0; j < s.length; j++) s[j] /= n;
    return sum;
  }

  /**
   * Round 0 only ({@link #aggregate(int, List, float[][], Layout)} reads round 1).
   *
   * @throws IllegalArgumentException for round 1
   */
  @Override
  public float[][] aggregate(int round, List<byte[]> payloads, Layout l) {
    if (round != 0) throw new IllegalArgumentException("round (" + round + "): " + name() + " needs round 0's support: aggregate(round, payloads, previous, layout)");
    return aggregate(0, payloads, null, l);
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "sharedk:ratio=%s,momentum=%s,clip=%s,values=%s,selection=%s", ratio, momentum, clip,
        values.name().toLowerCase(Locale.ROOT), global ? "global" : "layer");
  }
}
