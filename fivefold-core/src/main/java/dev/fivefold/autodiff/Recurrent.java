package dev.fivefold.autodiff;

import dev.fivefold.tensor.Shape;
import dev.fivefold.tensor.Tensor;
import dev.fivefold.tensor.kernel.Gemm;
import dev.fivefold.tensor.kernel.Parallel;
import dev.fivefold.tensor.kernel.RecurrentCells;

/**
 * Fused recurrent layers over a whole sequence, batch first, PyTorch's gate order and weight
 * layout ({@code torch.nn.LSTM} / {@code torch.nn.GRU}, one layer, one direction): one op records
 * the layer and its backward is back-propagation through time written by hand.
 *
 * <p>LSTM ({@link Op#LSTM}): x [B, T, I], h₀ and c₀ [B, H], W_ih [4H, I], W_hh [4H, H], b_ih and
 * b_hh [4H]; for t = 0..T−1 the pre-activations a_t = x_t W_ihᵀ + b_ih + b_hh + h_{t−1} W_hhᵀ
 * (gates i, f, g, o) and the cell of {@link RecurrentCells#lstmForward}. The output is [B, T, 2H]:
 * h_t and c_t side by side for every step (the layer's output is the h half, its final state
 * step T−1 of both halves), so a gradient may reach any c_t. Saved: the gate activations [B, T, 4H].
 *
 * <p>GRU ({@link Op#GRU}): W_ih [3H, I], W_hh [3H, H], biases [3H], gates r, z, n with b_hh inside
 * the reset product, as PyTorch; the output is h [B, T, H]. Saved: (r, z, n, W_hn h + b_hn) [B, T, 4H].
 *
 * <p>Work: the input projection of all T steps is one SGEMM [B·T, I]·[I, 4H] (before the loop),
 * each step one SGEMM [B, H]·[H, 4H] accumulated in place (leading dimension T·4H, so no copy), and
 * the pointwise cell on the SIMD kernel, rows in parallel. Backward runs the steps in reverse with
 * one SGEMM per step for the recurrent gradient, then three whole-sequence SGEMMs for dW_ih, dW_hh
 * and dx. Buffers come from the tape's pool, so after the first step of a shape nothing is allocated.
 * Every element is computed by one thread in a fixed order: results do not depend on the thread count.
 */
final class Recurrent {
  private Recurrent() {}

  /** Rows of the pointwise kernels per parallel chunk: at least this many elements each. */
  private static final int GRAIN_ELEMENTS = 4096;

  static Var lstm(Var x, Var h0, Var c0, Var wIh, Var wHh, Var bIh, Var bHh) {
    Shape sx = x.shape();
    if (sx.rank() != 3) throw new IllegalArgumentException("lstm input must be [B, T, I], got " + sx);
    int b = sx.dim(0), t = sx.dim(1), in = sx.dim(2);
    int hs = checkWeights("lstm", 4, wIh, wHh, bIh, bHh, in);
    checkState("lstm h0", h0, b, hs);
    checkState("lstm c0", c0, b, hs);
    Tape tape = x.tape;
    int g4 = 4 * hs, h2 = 2 * hs;
    float[] act = tape.scratch(b * t * g4); // [B, T, 4H]: pre-activations, then activations
    Tensor out = tape.alloc(Shape.of(b, t, h2));
    float[] y = out.data();
    inputProjection(x.data(), b * t, in, wIh.data(), g4, bIh.data(), bHh.data(), act);
    float[] w = wHh.data(), h0d = h0.data(), c0d = c0.data();
    int ldA = t * g4, ldY = t * h2;
    for (int s = 0; s < t; s++) {
      final int step = s;
      // a_t += h_{t-1} · W_hhᵀ    [B, 4H]
      if (s == 0) Gemm.sgemm(false, true, b, g4, hs, h0d, 0, hs, w, 0, hs, 1f, act, 0, ldA);
      else Gemm.sgemm(false, true, b, g4, hs, y, (s - 1) * h2, ldY, w, 0, hs, 1f, act, s * g4, ldA);
      Parallel.forRange(0, b, grain(hs), (lo, hi) -> {
        for (int r = lo; r < hi; r++) {
          int yo = (r * t + step) * h2;
          float[] cp = step == 0 ? c0d : y;
          int cpo = step == 0 ? r * hs : yo - h2 + hs;
          RecurrentCells.lstmForward(hs, act, (r * t + step) * g4, cp, cpo, y, yo + hs, y, yo);
        }
      });
    }
    Var v = tape.record(Op.LSTM, out, x, h0, c0, wIh, wHh, bIh, bHh);
    v.saved = act;
    return v;
  }

  static Var gru(Var x, Var h0, Var wIh, Var wHh, Var bIh, Var bHh) {
    Shape sx = x.shape();
    if (sx.rank() != 3) throw new IllegalArgumentException("gru input must be [B, T, I], got " + sx);
    int b = sx.dim(0), t = sx.dim(1), in = sx.dim(2);
    int hs = checkWeights("gru", 3, wIh, wHh, bIh, bHh, in);
    checkState("gru h0", h0, b, hs);
    Tape tape = x.tape;
    int g3 = 3 * hs;
    float[] xp = tape.scratch(b * t * g3); // [B, T, 3H] input projections
    float[] save = tape.scratch(b * t * 4 * hs); // [B, T, 4H] r, z, n, h_n
    float[] hh = tape.scratch(b * g3); // [B, 3H] one step's recurrent projection
    Tensor out = tape.alloc(Shape.of(b, t, hs));
    float[] y = out.data();
    inputProjection(x.data(), b * t, in, wIh.data(), g3, bIh.data(), null, xp);
    float[] w = wHh.data(), bh = bHh.data(), h0d = h0.data();
    for (int s = 0; s < t; s++) {
      final int step = s;
      for (int r = 0; r < b; r++) System.arraycopy(bh, 0, hh, r * g3, g3);
      if (s == 0) Gemm.sgemm(false, true, b, g3, hs, h0d, 0, hs, w, 0, hs, 1f, hh, 0, g3);
      else Gemm.sgemm(false, true, b, g3, hs, y, (s - 1) * hs, t * hs, w, 0, hs, 1f, hh, 0, g3);
      Parallel.forRange(0, b, grain(hs), (lo, hi) -> {
        for (int r = lo; r < hi; r++) {
          int row = r * t + step;
          float[] hp = step == 0 ? h0d : y;
          int hpo = step == 0 ? r * hs : (row - 1) * hs;
          RecurrentCells.gruForward(hs, xp, row * g3, hh, r * g3, hp, hpo, save, row * 4 * hs, y, row * hs);
        }
      });
    }
    Var v = tape.record(Op.GRU, out, x, h0, wIh, wHh, bIh, bHh);
    v.saved = save;
    return v;
  }

  static void backward(Var v) {
    if (v.op == Op.LSTM) lstmBackward(v);
    else gruBackward(v);
  }

  private static void lstmBackward(Var v) {
    Var x = v.inputs[0], h0 = v.inputs[1], c0 = v.inputs[2], wIh = v.inputs[3], wHh = v.inputs[4], bIh = v.inputs[5], bHh = v.inputs[6];
    Shape sx = x.shape();
    int b = sx.dim(0), t = sx.dim(1), in = sx.dim(2), hs = wHh.shape().dim(1), g4 = 4 * hs, h2 = 2 * hs;
    Tape tape = v.tape;
    float[] act = (float[]) v.saved, y = v.data(), w = wHh.data(), c0d = c0.data();
    float[] d = tape.scratch(b * t * h2); // [B, T, 2H] gradient reaching h_t, c_t; grows with the recurrent parts
    System.arraycopy(v.grad, 0, d, 0, d.length);
    float[] da = tape.scratch(b * t * g4); // [B, T, 4H] gradient of the pre-activations
    float[] dh0 = tape.scratch(b * hs), dc0 = tape.scratch(b * hs);
    java.util.Arrays.fill(dh0, 0f);
    java.util.Arrays.fill(dc0, 0f);
    int ldD = t * h2, ldA = t * g4;
    for (int s = t - 1; s >= 0; s--) {
      final int step = s;
      Parallel.forRange(0, b, grain(hs), (lo, hi) -> {
        for (int r = lo; r < hi; r++) {
          int row = r * t + step, yo = row * h2;
          float[] cp = step == 0 ? c0d : y, dcp = step == 0 ? dc0 : d;
          int cpo = step == 0 ? r * hs : yo - h2 + hs;
          RecurrentCells.lstmBackward(hs, act, row * g4, cp, cpo, y, yo + hs, d, yo, d, yo + hs, da, row * g4, dcp, cpo);
        }
      });
      // dh_{t-1} += da_t · W_hh    [B, H]
      if (s > 0) Gemm.sgemm(false, false, b, hs, g4, da, s * g4, ldA, w, 0, hs, 1f, d, (s - 1) * h2, ldD);
      else if (h0.requiresGrad) Gemm.sgemm(false, false, b, hs, g4, da, 0, ldA, w, 0, hs, 1f, dh0, 0, hs);
    }
    if (h0.requiresGrad) accumulate(h0.gradBuffer(), dh0);
    if (c0.requiresGrad) accumulate(c0.gradBuffer(), dc0);
    if (wHh.requiresGrad) {
      float[] hp = previousStates(tape, y, h0.data(), b, t, hs, h2, 0);
      Gemm.sgemm(true, false, g4, hs, b * t, da, 0, g4, hp, 0, hs, 1f, wHh.gradBuffer(), 0, hs);
    }
    inputGradients(x, wIh, bIh, bHh, da, b * t, in, g4);
  }

  private static void gruBackward(Var v) {
    Var x = v.inputs[0], h0 = v.inputs[1], wIh = v.inputs[2], wHh = v.inputs[3], bIh = v.inputs[4], bHh = v.inputs[5];
    Shape sx = x.shape();
    int b = sx.dim(0), t = sx.dim(1), in = sx.dim(2), hs = wHh.shape().dim(1), g3 = 3 * hs;
    Tape tape = v.tape;
    float[] save = (float[]) v.saved, y = v.data(), w = wHh.data(), h0d = h0.data();
    float[] d = tape.scratch(b * t * hs); // [B, T, H] gradient reaching h_t
    System.arraycopy(v.grad, 0, d, 0, d.length);
    float[] dx = tape.scratch(b * t * g3), dhh = tape.scratch(b * t * g3); // [B, T, 3H]
    float[] dh0 = tape.scratch(b * hs);
    java.util.Arrays.fill(dh0, 0f);
    int ldG = t * g3;
    for (int s = t - 1; s >= 0; s--) {
      final int step = s;
      Parallel.forRange(0, b, grain(hs), (lo, hi) -> {
        for (int r = lo; r < hi; r++) {
          int row = r * t + step;
          float[] hp = step == 0 ? h0d : y, dhp = step == 0 ? dh0 : d;
          int hpo = step == 0 ? r * hs : (row - 1) * hs;
          RecurrentCells.gruBackward(hs, save, row * 4 * hs, hp, hpo, d, row * hs, dx, row * g3, dhh, row * g3, dhp, hpo);
        }
      });
      // dh_{t-1} += dhh_t · W_hh    [B, H]
      if (s > 0) Gemm.sgemm(false, false, b, hs, g3, dhh, s * g3, ldG, w, 0, hs, 1f, d, (s - 1) * hs, t * hs);
      else if (h0.requiresGrad) Gemm.sgemm(false, false, b, hs, g3, dhh, 0, ldG, w, 0, hs, 1f, dh0, 0, hs);
    }
    if (h0.requiresGrad) accumulate(h0.gradBuffer(), dh0);
    if (wHh.requiresGrad) {
      float[] hp = previousStates(tape, y, h0d, b, t, hs, hs, 0);
      Gemm.sgemm(true, false, g3, hs, b * t, dhh, 0, g3, hp, 0, hs, 1f, wHh.gradBuffer(), 0, hs);
    }
    if (bHh.requiresGrad) columnSums(dhh, b * t, g3, bHh.gradBuffer());
    inputGradients(x, wIh, bIh, null, dx, b * t, in, g3);
  }

  // ---- shared pieces --------------------------------------------------------------------------

  /** out [rows, G] = x [rows, I] · W_ihᵀ + b1 (+ b2). */
  private static void inputProjection(float[] x, int rows, int in, float[] wIh, int g, float[] b1, float[] b2, float[] out) {
    Gemm.sgemm(false, true, rows, g, in, x, 0, in, wIh, 0, in, 0f, out, 0, g);
    for (int r = 0; r < rows; r++) {
      int o = r * g;
      if (b2 == null) for (int j = 0; j < g; j++) out[o + j] += b1[j];
      else for (int j = 0; j < g; j++) out[o + j] += b1[j] + b2[j];
    }
  }

  /** dx += dG·W_ih, dW_ih += dGᵀ·x, db_ih (and db_hh, if given) += Σ_rows dG. */
  private static void inputGradients(Var x, Var wIh, Var bIh, Var bHh, float[] dg, int rows, int in, int g) {
    if (x.requiresGrad) Gemm.sgemm(false, false, rows, in, g, dg, 0, g, wIh.data(), 0, in, 1f, x.gradBuffer(), 0, in);
    if (wIh.requiresGrad) Gemm.sgemm(true, false, g, in, rows, dg, 0, g, x.data(), 0, in, 1f, wIh.gradBuffer(), 0, in);
    if (bIh.requiresGrad) columnSums(dg, rows, g, bIh.gradBuffer());
    if (bHh != null && bHh.requiresGrad) columnSums(dg, rows, g, bHh.gradBuffer());
  }

  /** The state each step started from, [B·T, H]: h₀ for t = 0, else h_{t−1} (read from y with row stride {@code ldRow}). */
  private static float[] previousStates(Tape tape, float[] y, float[] h0, int b, int t, int hs, int ldRow, int hOff) {
    float[] hp = tape.scratch(b * t * hs);
    for (int r = 0; r < b; r++) {
      System.arraycopy(h0, r * hs, hp, r * t * hs, hs);
      for (int s = 1; s < t; s++) System.arraycopy(y, (r * t + s - 1) * ldRow + hOff, hp, (r * t + s) * hs, hs);
    }
    return hp;
  }

  private static void columnSums(float[] g, int rows, int cols, float[] out) {
    for (int r = 0; r < rows; r++) {
      int o = r * cols;
      for (int j = 0; j < cols; j++) out[j] += g[o + j];
    }
  }

  private static void accumulate(float[] into, float[] add) {
    for (int i = 0; i < add.length; i++) into[i] += add[i];
  }

  private static int grain(int hs) {
    return Math.max(1, GRAIN_ELEMENTS / Math.max(1, hs));
  }

  /** Checks the weights of one layer with {@code gates} gates for input width {@code in}; returns H. */
  private static int checkWeights(String what, int gates, Var wIh, Var wHh, Var bIh, Var bHh, int in) {
    Shape si = wIh.shape(), sh = wHh.shape();
    if (sh.rank() != 2 || sh.dim(0) % gates != 0 || sh.dim(0) / gates != sh.dim(1) || sh.dim(1) < 1) {
      throw new IllegalArgumentException(what + " weight_hh must be [" + gates + "H, H], got " + sh);
    }
    int hs = sh.dim(1);
    if (si.rank() != 2 || si.dim(0) != gates * hs || si.dim(1) != in) {
      throw new IllegalArgumentException(what + " weight_ih must be [" + gates * hs + ", " + in + "] for input width " + in + ", got " + si);
    }
    for (Var bias : new Var[] {bIh, bHh}) {
      if (bias.shape().rank() != 1 || bias.shape().dim(0) != gates * hs) {
        throw new IllegalArgumentException(what + " bias must be [" + gates * hs + "], got " + bias.shape());
      }
    }
    return hs;
  }

  private static void checkState(String what, Var s, int b, int hs) {
    Shape ss = s.shape();
    if (ss.rank() != 2 || ss.dim(0) != b || ss.dim(1) != hs) {
      throw new IllegalArgumentException(what + " has shape " + ss + ", expected [B, H] = [" + b + ", " + hs + "]");
    }
  }
}
