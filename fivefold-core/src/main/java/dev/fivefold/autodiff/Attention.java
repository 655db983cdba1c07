package dev.fivefold.autodiff;

import dev.fivefold.tensor.Shape;
import dev.fivefold.tensor.Tensor;
import dev.fivefold.tensor.kernel.Gemm;
import dev.fivefold.tensor.kernel.Parallel;
import dev.fivefold.tensor.kernel.VecOps;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Fused multi-head self-attention (Vaswani et al. 2017): causal (decoder form as in GPT-2,
 * {@link Op#CAUSAL_ATTENTION}) or bidirectional (encoder form as in BERT and ViT, all keys visible,
 * {@link Op#ATTENTION}; the same kernel with the mask and the key-block skipping off).
 *
 * <p>Input qkv [B, T, 3C] holds q, k, v side by side (the output of one Linear(C, 3C)); head h
 * uses columns [h·hs, (h+1)·hs) of each, hs = C / nh. Per (b, h):
 * S = Q Kᵀ / sqrt(hs), S[i, j] = -∞ for j &gt; i, P = softmax(S) by row, Y = P V; the output is
 * [B, T, C] with heads side by side. P [B, nh, T, T] (zero above the diagonal) is kept for backward
 * and can be read by {@link F#attentionProbabilities(Var)} (attention maps).
 *
 * <p>The products run on SGEMM with leading dimensions, so no head is copied. Rows are taken in
 * blocks of {@value #BLOCK}; block [r0, r1) only meets keys [0, r1), which skips most of the masked
 * upper triangle (37% of the work at T = 128). (b, h) pairs run in parallel, each writing its own
 * slice, so the result does not depend on the thread count.
 *
 * <p>Bidirectional attention runs on a direct kernel instead of SGEMM (the products of one head are
 * small: T ≈ 50, hs = 16 in the default ViT, where packing costs more than the product): Kᵀ (Vᵀ in
 * backward) is copied once per (b, h) into a zero-padded panel and every product element is the
 * same chain of fused multiply-adds from zero, in the same order, as {@link Gemm#sgemm} computes it
 * (then stored, or added to the gradient once per row block), so the results are bit-identical to
 * the SGEMM path, which the tests check.
 *
 * <p>Key mask (bidirectional only): {@code visible[b·T + j]} says whether query rows of sample b may
 * attend to key j. Scores of hidden keys are left out of the softmax's maximum and sum and their
 * probabilities are exactly 0, so Y, and in backward dV = Pᵀ dY and dS = P ⊙ (…), get nothing from
 * them: the backward rule is the unmasked one. A sample with no visible key is an error (its
 * softmax would be 0/0). A sample whose keys are all visible gives exactly the unmasked result.
 */
final class Attention {
  private Attention() {}

  static final int BLOCK = 32;

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  /** Per thread: the transposed, zero-padded key (value) panel of one head. Grows only. */
  private static final ThreadLocal<float[][]> PANEL = ThreadLocal.withInitial(() -> new float[][] {new float[0]});

  static Var causal(Var qkv, int nHead) {
    return forward(qkv, nHead, true, null, false);
  }

  /** Bidirectional (encoder) attention: every query sees all T keys, no mask; P has no zeros forced. */
  static Var bidirectional(Var qkv, int nHead) {
    return forward(qkv, nHead, false, null, true);
  }

  /**
   * Bidirectional attention with a key mask: {@code visible} [B·T] (sample-major) says which keys each
   * sample's queries may see; hidden keys get probability exactly 0.
   *
   * @throws IllegalArgumentException if visible has not B·T entries or a sample has no visible key
   */
  static Var masked(Var qkv, int nHead, boolean[] visible) {
    Shape s = qkv.shape();
    if (s.rank() != 3) throw new IllegalArgumentException("attention input must be [B, T, 3C], got " + s);
    int b = s.dim(0), t = s.dim(1);
    if (visible == null || visible.length != b * t) {
      throw new IllegalArgumentException("key mask length (" + (visible == null ? "null" : visible.length) + ") must be B·T = " + b * t + " for attention input " + s);
    }
    for (int bi = 0; bi < b; bi++) {
      boolean any = false;
      for (int j = 0; j < t && !any; j++) any = visible[bi * t + j];
      if (!any) throw new IllegalArgumentException("key mask: sample " + bi + " has no visible key");
    }
    return forward(qkv, nHead, false, visible.clone(), true);
  }

  /**
   * @param visible key mask [B·T] or null (all visible); bidirectional only
   * @param direct bidirectional only: the direct kernel (true) or the SGEMM one (the reference the
   *     tests compare the direct kernel with, bit for bit)
   */
  static Var forward(Var qkv, int nHead, boolean causal, boolean[] visible, boolean direct) {
    Shape s = qkv.shape();
    if (s.rank() != 3 || s.dim(2) % 3 != 0) throw new IllegalArgumentException("attention input must be [B, T, 3C], got " + s);
    int b = s.dim(0), t = s.dim(1), c = s.dim(2) / 3;
    if (nHead < 1 || c % nHead != 0) throw new IllegalArgumentException("heads (" + nHead + ") must divide width (" + c + ") of attention input " + s);
    if (causal && (visible != null || direct)) throw new IllegalStateException("causal attention takes neither a key mask nor the direct kernel");
    int hs = c / nHead;
    float scale = (float) (1.0 / Math.sqrt(hs));
    Tape tape = qkv.tape;
    float[] x = qkv.data();
    float[] probs = tape.scratch(b * nHead * t * t);
    Tensor out = tape.alloc(Shape.of(b, t, c));
    float[] y = out.data();
    int c3 = 3 * c;
    if (direct) {
      int tp = padded(t);
      Parallel.forRange(0, b * nHead, 1, (lo, hi) -> {
        float[] panel = scratch(hs * tp + t * tp), sr = panel; // Kᵀ panel, then S by rows of stride tp
        int sOff = hs * tp;
        for (int bh = lo; bh < hi; bh++) {
          int bi = bh / nHead, h = bh % nHead;
          int qOff = bi * t * c3 + h * hs, kOff = qOff + c, vOff = qOff + 2 * c;
          int pOff = bh * t * t;
          transpose(x, kOff, c3, t, hs, panel, tp);
          // S = Q · Kᵀ
          timesPanel(t, tp, hs, x, qOff, c3, panel, sr, sOff);
          for (int i = 0; i < t; i++) {
            int row = sOff + i * tp;
            if (visible == null) softmaxRow(sr, row, t, scale);
            else softmaxVisible(sr, row, t, scale, visible, bi * t);
            System.arraycopy(sr, row, probs, pOff + i * t, t);
          }
          // Y = P · V
          timesRows(false, t, t, hs, sr, sOff, tp, x, vOff, c3, false, y, bi * t * c + h * hs, c);
        }
      });
      Var v = tape.record(Op.ATTENTION, out, qkv);
      v.args = new int[] {nHead, 1};
      v.saved = probs;
      return v;
    }
    Parallel.forRange(0, b * nHead, 1, (lo, hi) -> {
      for (int bh = lo; bh < hi; bh++) {
        int bi = bh / nHead, h = bh % nHead;
        int qOff = bi * t * c3 + h * hs, kOff = qOff + c, vOff = qOff + 2 * c;
        int pOff = bh * t * t;
        for (int r0 = 0; r0 < t; r0 += BLOCK) {
          int r1 = Math.min(t, r0 + BLOCK), rows = r1 - r0;
          int keys = causal ? r1 : t;
          // S[r0:r1, 0:keys] = Q[r0:r1] · K[0:keys]ᵀ
          Gemm.sgemm(false, true, rows, keys, hs, x, qOff + r0 * c3, c3, x, kOff, c3, 0f, probs, pOff + r0 * t, t);
          for (int i = r0; i < r1; i++) {
            int row = pOff + i * t;
            if (visible != null) softmaxVisible(probs, row, t, scale, visible, bi * t);
            else softmaxPrefix(probs, row, causal ? i + 1 : t, scale);
            if (causal) java.util.Arrays.fill(probs, row + i + 1, row + t, 0f);
          }
          // Y[r0:r1] = P[r0:r1, 0:keys] · V[0:keys]
          Gemm.sgemm(false, false, rows, hs, keys, probs, pOff + r0 * t, t, x, vOff, c3, 0f, y, bi * t * c + r0 * c + h * hs, c);
        }
      }
    });
    Var v = tape.record(causal ? Op.CAUSAL_ATTENTION : Op.ATTENTION, out, qkv);
    v.args = causal ? new int[] {nHead} : new int[] {nHead, 0};
    v.saved = probs;
    return v;
  }

  /** In place: p[0..n) ← softmax(scale · p[0..n)), exponentials on the SIMD kernel. */
  static void softmaxPrefix(float[] p, int off, int n, float scale) {
    float m = Float.NEGATIVE_INFINITY;
    for (int j = 0; j < n; j++) m = Math.max(m, p[off + j]);
    float ms = m * scale;
    for (int j = 0; j < n; j++) p[off + j] = p[off + j] * scale - ms;
    VecOps.exp(p, off, p, off, n);
    float sum = VecOps.sum(p, off, n);
    VecOps.scale(1f / sum, p, off, n);
  }

  /**
   * In place: softmax(scale · p[0..n)) over the visible keys only (visible[vOff + j]), hidden ones
   * exactly 0; the same steps as {@link #softmaxPrefix} (which it calls when every key is visible).
   */
  static void softmaxVisible(float[] p, int off, int n, float scale, boolean[] visible, int vOff) {
    float m = Float.NEGATIVE_INFINITY;
    boolean all = true;
    for (int j = 0; j < n; j++) {
      if (visible[vOff + j]) m = Math.max(m, p[off + j]);
      else all = false;
    }
    if (all) {
      softmaxPrefix(p, off, n, scale);
      return;
    }
    float ms = m * scale;
    for (int j = 0; j < n; j++) p[off + j] = visible[vOff + j] ? p[off + j] * scale - ms : 0f;
    VecOps.exp(p, off, p, off, n);
    for (int j = 0; j < n; j++) if (!visible[vOff + j]) p[off + j] = 0f;
    float sum = VecOps.sum(p, off, n);
    VecOps.scale(1f / sum, p, off, n);
  }

  // ---- the direct kernel of bidirectional attention (see the class comment) ----------------------

  /** T rounded up to whole pairs of vectors. */
  private static int padded(int t) {
    return (t + 2 * L - 1) / (2 * L) * (2 * L);
  }

  /** This thread's scratch of at least n floats (grows only). */
  private static float[] scratch(int n) {
    float[][] h = PANEL.get();
    if (h[0].length < n) h[0] = new float[n];
    return h[0];
  }

  /** panel[p·tp + j] = x[off + j·ld + p] for j &lt; t, p &lt; hs; zero for t ≤ j &lt; tp. */
  private static void transpose(float[] x, int off, int ld, int t, int hs, float[] panel, int tp) {
    for (int p = 0; p < hs; p++) {
      int row = p * tp;
      for (int j = 0; j < t; j++) panel[row + j] = x[off + j * ld + p];
      java.util.Arrays.fill(panel, row + t, row + tp, 0f);
    }
  }

  /**
   * out[oOff + i·tp + j] = Σ_p a[aOff + i·lda + p] · panel[p·tp + j] for i &lt; m, j &lt; tp (a multiple
   * of 2L; out has row stride tp): an fma chain from zero in increasing p per element (SGEMM's,
   * β = 0). Four rows × two vectors at a time.
   */
  private static void timesPanel(int m, int tp, int k, float[] a, int aOff, int lda, float[] panel, float[] out, int oOff) {
    for (int j0 = 0; j0 < tp; j0 += 2 * L) {
      int i = 0;
      for (; i + 4 <= m; i += 4) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        int a0 = aOff + i * lda;
        for (int p = 0, bo = j0; p < k; p++, bo += tp) {
          FloatVector b0 = FloatVector.fromArray(S, panel, bo), b1 = FloatVector.fromArray(S, panel, bo + L);
          FloatVector x = FloatVector.broadcast(S, a[a0 + p]);
          c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
          x = FloatVector.broadcast(S, a[a0 + lda + p]);
          c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
          x = FloatVector.broadcast(S, a[a0 + 2 * lda + p]);
          c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
          x = FloatVector.broadcast(S, a[a0 + 3 * lda + p]);
          c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
        }
        int o = oOff + i * tp + j0;
        c00.intoArray(out, o); c01.intoArray(out, o + L);
        c10.intoArray(out, o + tp); c11.intoArray(out, o + tp + L);
        c20.intoArray(out, o + 2 * tp); c21.intoArray(out, o + 2 * tp + L);
        c30.intoArray(out, o + 3 * tp); c31.intoArray(out, o + 3 * tp + L);
      }
      for (; i < m; i++) {
        FloatVector c0 = FloatVector.zero(S), c1 = c0;
        int a0 = aOff + i * lda;
        for (int p = 0, bo = j0; p < k; p++, bo += tp) {
          FloatVector x = FloatVector.broadcast(S, a[a0 + p]);
          c0 = x.fma(FloatVector.fromArray(S, panel, bo), c0);
          c1 = x.fma(FloatVector.fromArray(S, panel, bo + L), c1);
        }
        int o = oOff + i * tp + j0;
        c0.intoArray(out, o);
        c1.intoArray(out, o + L);
      }
    }
  }

  /**
   * out[oOff + i·ldo + d] (= or +=) Σ_j A[i, j] · r[rOff + j·ldr + d] for i &lt; m, d &lt; hs, j &lt; k, with
   * A[i, j] = a[aOff + i·lda + j], or a[aOff + j·lda + i] if {@code transA}: per element an fma chain
   * from zero in increasing j, then stored or added to out (SGEMM's, β = 0 or 1). Vectors run along
   * d (the rows of r are contiguous: V, K, Q or dY of one head); eight rows of out at a time.
   */
  private static void timesRows(boolean transA, int m, int k, int hs, float[] a, int aOff, int lda,
      float[] r, int rOff, int ldr, boolean add, float[] out, int oOff, int ldo) {
    int si = transA ? 1 : lda, sj = transA ? lda : 1; // A[i, j] = a[aOff + i·si + j·sj]
    for (int d0 = 0; d0 < hs; d0 += L) {
      VectorMask<Float> md = d0 + L <= hs ? null : S.indexInRange(d0, hs);
      int i = 0;
      for (; i + 8 <= m; i += 8) {
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        int ai = aOff + i * si;
        for (int j = 0; j < k; j++) {
          int ro = rOff + j * ldr + d0, aj = ai + j * sj;
          FloatVector v = md == null ? FloatVector.fromArray(S, r, ro) : FloatVector.fromArray(S, r, ro, md);
          c0 = FloatVector.broadcast(S, a[aj]).fma(v, c0);
          c1 = FloatVector.broadcast(S, a[aj + si]).fma(v, c1);
          c2 = FloatVector.broadcast(S, a[aj + 2 * si]).fma(v, c2);
          c3 = FloatVector.broadcast(S, a[aj + 3 * si]).fma(v, c3);
          c4 = FloatVector.broadcast(S, a[aj + 4 * si]).fma(v, c4);
          c5 = FloatVector.broadcast(S, a[aj + 5 * si]).fma(v, c5);
          c6 = FloatVector.broadcast(S, a[aj + 6 * si]).fma(v, c6);
          c7 = FloatVector.broadcast(S, a[aj + 7 * si]).fma(v, c7);
        }
        int o = oOff + i * ldo + d0;
        store(c0, out, o, add, md);
        store(c1, out, o + ldo, add, md);
        store(c2, out, o + 2 * ldo, add, md);
        store(c3, out, o + 3 * ldo, add, md);
        store(c4, out, o + 4 * ldo, add, md);
        store(c5, out, o + 5 * ldo, add, md);
        store(c6, out, o + 6 * ldo, add, md);
        store(c7, out, o + 7 * ldo, add, md);
      }
      for (; i < m; i++) {
        FloatVector c0 = FloatVector.zero(S);
        int ai = aOff + i * si;
        for (int j = 0; j < k; j++) {
          int ro = rOff + j * ldr + d0;
          FloatVector v = md == null ? FloatVector.fromArray(S, r, ro) : FloatVector.fromArray(S, r, ro, md);
          c0 = FloatVector.broadcast(S, a[ai + j * sj]).fma(v, c0);
        }
        store(c0, out, oOff + i * ldo + d0, add, md);
      }
    }
  }

  /** out[o, o+L) = acc or out + acc (lanes of m only, all if m is null). */
  private static void store(FloatVector acc, float[] out, int o, boolean add, VectorMask<Float> m) {
    if (m == null) {
      if (add) acc = FloatVector.fromArray(S, out, o).add(acc);
      acc.intoArray(out, o);
    } else {
      if (add) acc = FloatVector.fromArray(S, out, o, m).add(acc);
      acc.intoArray(out, o, m);
    }
  }

  /**
   * {@link #softmaxPrefix} with the maximum and the shift by vectors: the same values (max is exact
   * in any order; each shift is the same multiply then subtract), then the same exp, sum and scale.
   */
  static void softmaxRow(float[] p, int off, int n, float scale) {
    int ub = S.loopBound(n), j = 0;
    float m = Float.NEGATIVE_INFINITY;
    if (ub > 0) {
      FloatVector mv = FloatVector.fromArray(S, p, off);
      for (j = L; j < ub; j += L) mv = mv.max(FloatVector.fromArray(S, p, off + j));
      m = mv.reduceLanes(jdk.incubator.vector.VectorOperators.MAX);
    }
    for (; j < n; j++) m = Math.max(m, p[off + j]);
    float ms = m * scale;
    j = 0;
    for (; j < ub; j += L) FloatVector.fromArray(S, p, off + j).mul(scale).sub(ms).intoArray(p, off + j);
    for (; j < n; j++) p[off + j] = p[off + j] * scale - ms;
    VecOps.exp(p, off, p, off, n);
    float sum = VecOps.sum(p, off, n);
    VecOps.scale(1f / sum, p, off, n);
  }

  /**
   * dV = Pᵀ dY; dP = dY Vᵀ; dS = P ⊙ (dP - rowsum(dP ⊙ P)) · scale; dQ = dS K; dK = dSᵀ Q, each
   * by row block over keys [0, r1) (causal) or [0, T) (bidirectional, {@link Op#ATTENTION}).
   */
  static void backward(Var v) {
    boolean causal = v.op == Op.CAUSAL_ATTENTION;
    Var qkv = v.inputs[0];
    if (!qkv.requiresGrad) return;
    Shape s = qkv.shape();
    int b = s.dim(0), t = s.dim(1), c = s.dim(2) / 3, nHead = v.args[0], hs = c / nHead;
    float scale = (float) (1.0 / Math.sqrt(hs));
    float[] x = qkv.data(), g = v.grad, probs = (float[]) v.saved, gx = qkv.gradBuffer();
    int c3 = 3 * c;
    if (!causal && v.args[1] == 1) {
      int tp = padded(t);
      Parallel.forRange(0, b * nHead, 1, (lo, hi) -> {
        float[] panel = scratch(hs * tp + BLOCK * tp), ds = panel; // Vᵀ panel, then dP / dS of one row block
        int dOff = hs * tp;
        for (int bh = lo; bh < hi; bh++) {
          int bi = bh / nHead, h = bh % nHead;
          int qOff = bi * t * c3 + h * hs, kOff = qOff + c, vOff = qOff + 2 * c;
          int gOff = bi * t * c + h * hs;
          int pOff = bh * t * t;
          transpose(x, vOff, c3, t, hs, panel, tp);
          for (int r0 = 0; r0 < t; r0 += BLOCK) {
            int r1 = Math.min(t, r0 + BLOCK), rows = r1 - r0;
            int pr = pOff + r0 * t, gr = gOff + r0 * c;
            // dV += P[r0:r1]ᵀ · dY[r0:r1]
            timesRows(true, t, rows, hs, probs, pr, t, g, gr, c, true, gx, vOff, c3);
            // dP[r0:r1] = dY[r0:r1] · Vᵀ
            timesPanel(rows, tp, hs, g, gr, c, panel, ds, dOff);
            for (int i = 0; i < rows; i++) {
              int row = dOff + i * tp, prow = pr + i * t;
              float dot = VecOps.dot(ds, row, probs, prow, t);
              for (int j = 0; j < t; j++) ds[row + j] = probs[prow + j] * (ds[row + j] - dot) * scale;
            }
            // dQ[r0:r1] += dS · K;  dK += dSᵀ · Q[r0:r1]
            timesRows(false, rows, t, hs, ds, dOff, tp, x, kOff, c3, true, gx, qOff + r0 * c3, c3);
            timesRows(true, t, rows, hs, ds, dOff, tp, x, qOff + r0 * c3, c3, true, gx, kOff, c3);
          }
        }
      });
      return;
    }
    float[] dp = v.tape.scratch(b * nHead * t * t);
    Parallel.forRange(0, b * nHead, 1, (lo, hi) -> {
      for (int bh = lo; bh < hi; bh++) {
        int bi = bh / nHead, h = bh % nHead;
        int qOff = bi * t * c3 + h * hs, kOff = qOff + c, vOff = qOff + 2 * c;
        int gOff = bi * t * c + h * hs;
        int pOff = bh * t * t;
        for (int r0 = 0; r0 < t; r0 += BLOCK) {
          int r1 = Math.min(t, r0 + BLOCK), rows = r1 - r0;
          int pr = pOff + r0 * t, gr = gOff + r0 * c, keys = causal ? r1 : t;
          // dV[0:keys] += P[r0:r1, 0:keys]ᵀ · dY[r0:r1]
          Gemm.sgemm(true, false, keys, hs, rows, probs, pr, t, g, gr, c, 1f, gx, vOff, c3);
          // dP[r0:r1, 0:keys] = dY[r0:r1] · V[0:keys]ᵀ
          Gemm.sgemm(false, true, rows, keys, hs, g, gr, c, x, vOff, c3, 0f, dp, pr, t);
          for (int i = r0; i < r1; i++) {
            int row = pOff + i * t, n = causal ? i + 1 : t;
            float dot = VecOps.dot(dp, row, probs, row, n);
            for (int j = 0; j < n; j++) dp[row + j] = probs[row + j] * (dp[row + j] - dot) * scale;
            if (causal) for (int j = i + 1; j < r1; j++) dp[row + j] = 0f;
          }
          // dQ[r0:r1] += dS[r0:r1, 0:keys] · K[0:keys];  dK[0:keys] += dS[r0:r1, 0:keys]ᵀ · Q[r0:r1]
          Gemm.sgemm(false, false, rows, hs, keys, dp, pr, t, x, kOff, c3, 1f, gx, qOff + r0 * c3, c3);
          Gemm.sgemm(true, false, keys, hs, rows, dp, pr, t, x, qOff + r0 * c3, c3, 1f, gx, kOff, c3);
        }
      }
    });
  }
}
