package dev.fivefold.autodiff;

import dev.fivefold.tensor.Shape;
import dev.fivefold.tensor.Tensor;
import dev.fivefold.tensor.kernel.Gemm;
import dev.fivefold.tensor.kernel.Parallel;

/**
 * Fused causal multi-head self-attention (Vaswani et al. 2017, decoder form as in GPT-2).
 *
 * <p>Input qkv [B, T, 3C] holds q, k, v side by side (the output of one Linear(C, 3C)); head h
 * uses columns [h·hs, (h+1)·hs) of each, hs = C / nh. Per (b, h):
 * S = Q Kᵀ / sqrt(hs), S[i, j] = -∞ for j &gt; i, P = softmax(S) by row, Y = P V; the output is
 * [B, T, C] with heads side by side. P [B, nh, T, T] is kept for backward and can be read by
 * {@link F#attentionProbabilities(Var)} (attention maps). The products run on SGEMM with leading
 * dimensions, so no head is copied; (b, h) pairs run in parallel and each writes its own slice.
 */
final class Attention {
  private Attention() {}

  static Var causal(Var qkv, int nHead) {
    Shape s = qkv.shape();
    if (s.rank() != 3 || s.dim(2) % 3 != 0) throw new IllegalArgumentException("attention input must be [B, T, 3C], got " + s);
    int b = s.dim(0), t = s.dim(1), c = s.dim(2) / 3;
    if (nHead < 1 || c % nHead != 0) throw new IllegalArgumentException("heads (" + nHead + ") must divide width (" + c + ") of input " + s);
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
        Gemm.sgemm(false, true, t, t, hs, x, qOff, c3, x, kOff, c3, 0f, probs, pOff, t);
        for (int i = 0; i < t; i++) {
          int row = pOff + i * t;
          float m = Float.NEGATIVE_INFINITY;
          for (int j = 0; j <= i; j++) {
            probs[row + j] *= scale;
            m = Math.max(m, probs[row + j]);
          }
          float sum = 0;
          for (int j = 0; j <= i; j++) {
            float e = (float) Math.exp(probs[row + j] - m);
            probs[row + j] = e;
            sum += e;
          }
          float inv = 1f / sum;
          for (int j = 0; j <= i; j++) probs[row + j] *= inv;
          for (int j = i + 1; j < t; j++) probs[row + j] = 0f;
        }
        Gemm.sgemm(false, false, t, hs, t, probs, pOff, t, x, vOff, c3, 0f, y, bi * t * c + h * hs, c);
      }
    });
    Var v = tape.record(Op.CAUSAL_ATTENTION, out, qkv);
    v.args = new int[] {nHead};
    v.saved = probs;
    return v;
  }

  /**
   * dV = Pᵀ dY; dP = dY Vᵀ; dS = P ⊙ (dP - rowsum(dP ⊙ P)) · scale; dQ = dS K; dK = dSᵀ Q.
   */
  static void causalBackward(Var v) {
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
        Gemm.sgemm(true, false, t, hs, t, probs, pOff, t, g, gOff, c, 1f, gx, vOff, c3);
        Gemm.sgemm(false, true, t, t, hs, g, gOff, c, x, vOff, c3, 0f, dp, pOff, t);
        for (int i = 0; i < t; i++) {
          int row = pOff + i * t;
          float dot = 0;
          for (int j = 0; j <= i; j++) dot += dp[row + j] * probs[row + j];
          for (int j = 0; j <= i; j++) dp[row + j] = probs[row + j] * (dp[row + j] - dot) * scale;
          for (int j = i + 1; j < t; j++) dp[row + j] = 0f;
        }
        Gemm.sgemm(false, false, t, hs, t, dp, pOff, t, x, kOff, c3, 1f, gx, qOff, c3);
        Gemm.sgemm(true, false, t, hs, t, dp, pOff, t, x, qOff, c3, 1f, gx, kOff, c3);
      }
    });
  }
}
