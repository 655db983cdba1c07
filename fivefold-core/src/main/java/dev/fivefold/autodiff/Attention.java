package dev.fivefold.autodiff;

import dev.fivefold.tensor.Shape;
import dev.fivefold.tensor.Tensor;
import dev.fivefold.tensor.kernel.Gemm;
import dev.fivefold.tensor.kernel.Parallel;
import dev.fivefold.tensor.kernel.VecOps;

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
 */
final class Attention {
  private Attention() {}

  static final int BLOCK = 32;

  static Var causal(Var qkv, int nHead) {
    return forward(qkv, nHead, true);
  }

  /** Bidirectional (encoder) attention: every query sees all T keys, no mask; P has no zeros forced. */
  static Var bidirectional(Var qkv, int nHead) {
    return forward(qkv, nHead, false);
  }

  private static Var forward(Var qkv, int nHead, boolean causal) {
    Shape s = qkv.shape();
    if (s.rank() != 3 || s.dim(2) % 3 != 0) throw new IllegalArgumentException("attention input must be [B, T, 3C], got " + s);
    int b = s.dim(0), t = s.dim(1), c = s.dim(2) / 3;
    if (nHead < 1 || c % nHead != 0) throw new IllegalArgumentException("heads (" + nHead + ") must divide width (" + c + ") of attention input " + s);
    int hs = c / nHead;
    float scale = (float) (1.0 / Math.sqrt(hs));
    Tape tape = qkv.tape;
    float[] x = qkv.data();
    float[] probs = tape.scratch(b * nHead * t * t);
    Tensor out = tape.alloc(Shape.of(b, t, c));
    float[] y = out.data();
    int c3 = 3 * c;
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
            softmaxPrefix(probs, row, causal ? i + 1 : t, scale);
            if (causal) java.util.Arrays.fill(probs, row + i + 1, row + t, 0f);
          }
          // Y[r0:r1] = P[r0:r1, 0:keys] · V[0:keys]
          Gemm.sgemm(false, false, rows, hs, keys, probs, pOff + r0 * t, t, x, vOff, c3, 0f, y, bi * t * c + r0 * c + h * hs, c);
        }
      }
    });
    Var v = tape.record(causal ? Op.CAUSAL_ATTENTION : Op.ATTENTION, out, qkv);
    v.args = new int[] {nHead};
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
    float[] dp = v.tape.scratch(b * nHead * t * t);
    int c3 = 3 * c;
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
