package dev.fivefold.perception.generate;

import dev.fivefold.tensor.kernel.MatVec;
import dev.fivefold.tensor.kernel.VecOps;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float32 cache. Per (layer, head): keys transposed, Kᵀ [hs, capacity], and values V
 * [capacity, hs]. The operations are those of the fused causal attention of the training forward
 * for one row: the scores s_j = Σ_p q_p·K[j][p] as fma chains from zero over p (in depth blocks of
 * {@link MatVec#depthBlock()}), vectorised across positions j; the masked softmax with the same
 * {@link VecOps} exponential and sum; then y_d = Σ_j P_j·V[j][d] as fma chains over j, vectorised
 * across d. The full forward's chain over j runs on to the end of its 32-row block through zero
 * probabilities, which adds +0 and changes nothing (unless a value is non-finite).
 */
final class FloatKvCache implements KvCache {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  private final int layers, heads, hs, cap;
  private final float[][] kt, v;
  private final float[] scores;
  private final float scale;

  FloatKvCache(int layers, int heads, int hs, int cap) {
    if (layers < 1 || heads < 1 || hs < 1 || cap < 1) throw new IllegalArgumentException("KV cache sizes (layers " + layers + ", heads " + heads + ", head size " + hs + ", capacity " + cap + ") must be >= 1");
    this.layers = layers;
    this.heads = heads;
    this.hs = hs;
    this.cap = cap;
    kt = new float[layers * heads][hs * cap];
    v = new float[layers * heads][cap * hs];
    scores = new float[cap];
    scale = (float) (1.0 / Math.sqrt(hs));
  }

  @Override
  public int capacity() {
    return cap;
  }

  @Override
  public long bytes() {
    return 8L * layers * heads * hs * cap;
  }

  @Override
  public void put(int layer, int pos, float[] src, int kOff, int vOff) {
    if (pos < 0 || pos >= cap) throw new IllegalArgumentException("position (" + pos + ") must be in [0, " + cap + ")");
    for (int h = 0; h < heads; h++) {
      float[] k = kt[layer * heads + h], vv = v[layer * heads + h];
      for (int p = 0; p < hs; p++) k[p * cap + pos] = src[kOff + h * hs + p];
      System.arraycopy(src, vOff + h * hs, vv, pos * hs, hs);
    }
  }

  @Override
  public void attend(int layer, int n, float[] q, int qOff, float[] y, int yOff) {
    if (n < 1 || n > cap) throw new IllegalArgumentException("positions (" + n + ") must be in [1, " + cap + "]");
    int kc = MatVec.depthBlock();
    for (int h = 0; h < heads; h++) {
      float[] k = kt[layer * heads + h], vv = v[layer * heads + h];
      int qo = qOff + h * hs;
      scores(k, q, qo, n, kc);
      softmaxPrefix(scores, 0, n, scale);
      weightedSum(vv, n, kc, y, yOff + h * hs);
    }
  }

  /** scores[j] = Σ_p q_p·Kᵀ[p][j] for j in [0, n), fma chains over p per depth block. */
  private void scores(float[] k, float[] q, int qo, int n, int kc) {
    int bound = S.loopBound(n);
    for (int j = 0; j < bound; j += L) {
      FloatVector acc = null;
      for (int pc = 0; pc < hs; pc += kc) {
        int end = Math.min(hs, pc + kc);
        FloatVector a = FloatVector.zero(S);
        for (int p = pc; p < end; p++) a = FloatVector.broadcast(S, q[qo + p]).fma(FloatVector.fromArray(S, k, p * cap + j), a);
        acc = pc == 0 ? a : acc.add(a);
      }
      acc.intoArray(scores, j);
    }
    for (int j = bound; j < n; j++) {
      float acc = 0f;
      for (int pc = 0; pc < hs; pc += kc) {
        int end = Math.min(hs, pc + kc);
        float a = 0f;
        for (int p = pc; p < end; p++) a = Math.fma(q[qo + p], k[p * cap + j], a);
        acc = pc == 0 ? a : acc + a;
      }
      scores[j] = acc;
    }
  }

  /** y[d] = Σ_j P_j·V[j][d] for d in [0, hs), fma chains over j per depth block. */
  private void weightedSum(float[] vv, int n, int kc, float[] y, int yo) {
    int bound = S.loopBound(hs);
    for (int d = 0; d < bound; d += L) {
      FloatVector acc = null;
      for (int jc = 0; jc < n; jc += kc) {
        int end = Math.min(n, jc + kc);
        FloatVector a = FloatVector.zero(S);
        for (int j = jc; j < end; j++) a = FloatVector.broadcast(S, scores[j]).fma(FloatVector.fromArray(S, vv, j * hs + d), a);
        acc = jc == 0 ? a : acc.add(a);
      }
      acc.intoArray(y, yo + d);
    }
    for (int d = bound; d < hs; d++) {
      float acc = 0f;
      for (int jc = 0; jc < n; jc += kc) {
        int end = Math.min(n, jc + kc);
        float a = 0f;
        for (int j = jc; j < end; j++) a = Math.fma(scores[j], vv[j * hs + d], a);
        acc = jc == 0 ? a : acc + a;
      }
      y[yo + d] = acc;
    }
  }

  /** In place: p[0..n) ← softmax(scale·p[0..n)), as the training forward's attention computes it. */
  static void softmaxPrefix(float[] p, int off, int n, float scale) {
    float m = Float.NEGATIVE_INFINITY;
    for (int j = 0; j < n; j++) m = Math.max(m, p[off + j]);
    float ms = m * scale;
    for (int j = 0; j < n; j++) p[off + j] = p[off + j] * scale - ms;
    VecOps.exp(p, off, p, off, n);
    float sum = VecOps.sum(p, off, n);
    VecOps.scale(1f / sum, p, off, n);
  }
}
