package dev.fivefold.tensor.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The pointwise parts of one step of an LSTM or GRU cell, for one batch row of H hidden units: a
 * Vector API form and a scalar reference ({@code …Scalar}) that perform the same IEEE operations in
 * the same order (σ and tanh from {@link Transcendentals}' add/multiply/fma exp, tanh(x) = 2σ(2x) − 1),
 * so the two agree bit for bit, which the tests check. The matrix products around them (the input
 * and recurrent projections) run on {@link Gemm}.
 *
 * <p>Gate layout is PyTorch's: LSTM pre-activations [4H] = (i, f, g, o), GRU [3H] = (r, z, n).
 * <ul>
 *   <li>LSTM (Hochreiter &amp; Schmidhuber 1997, with the forget gate of Gers et al. 2000):
 *       i = σ(a_i), f = σ(a_f), g = tanh(a_g), o = σ(a_o), c = f·c₋ + i·g, h = o·tanh(c).
 *   <li>GRU (Cho et al. 2014, PyTorch's form): r = σ(x_r + h_r), z = σ(x_z + h_z),
 *       n = tanh(x_n + r·h_n), h = (1 − z)·n + z·h₋ = n + z·(h₋ − n), where x_* = W_i* x + b_i*
 *       and h_* = W_h* h₋ + b_h*.
 * </ul>
 * NaN propagates as IEEE arithmetic does.
 */
public final class RecurrentCells {
  private RecurrentCells() {}

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  static FloatVector tanh(FloatVector x) {
    return Transcendentals.sigmoid(x.add(x)).mul(2f).sub(1f);
  }

  static float tanh(float x) {
    return Transcendentals.sigmoid(x + x) * 2f - 1f;
  }

  /**
   * tanh(x) = 2σ(2x) − 1 on the same arithmetic as the kernels (for tests and references).
   * @param x the argument
   * @return tanh(x), within a few ulps of {@link Math#tanh}
   */
  public static float tanhOf(float x) {
    return tanh(x);
  }

  /**
   * σ(x) = 1/(1 + e^−x) on the same arithmetic as the kernels.
   * @param x the argument
   * @return σ(x) in [0, 1]
   */
  public static float sigmoidOf(float x) {
    return Transcendentals.sigmoid(x);
  }

  /**
   * LSTM step forward for one row: {@code a[aOff..+4H)} holds the pre-activations (i, f, g, o) and is
   * overwritten with the activations; c = f·cPrev + i·g and h = o·tanh(c) are written.
   * @param hs the number of hidden units H, ≥ 0
   * @param a the pre-activations [4H] (i, f, g, o), overwritten with the activations σ(a_i), σ(a_f),
   *     tanh(a_g), σ(a_o)
   * @param aOff offset of a_i[0] in {@code a}
   * @param cPrev the previous cell state c₋ [H]
   * @param cpOff offset of cPrev[0]
   * @param c the new cell state [H], written
   * @param cOff offset of c[0]
   * @param h the new hidden state [H], written
   * @param hOff offset of h[0]
   */
  public static void lstmForward(int hs, float[] a, int aOff, float[] cPrev, int cpOff, float[] c, int cOff, float[] h, int hOff) {
    // In passes of one transcendental each, each pass its own small method: a loop body with several
    // inlined exps, or a method holding several such loops, grows past what the JIT inlines, and the
    // vectors returned by a call it does not inline are boxed (tens of MB per training step).
    sigmoidInPlace(a, aOff, 2 * hs); // i, f
    tanhInPlace(a, aOff + 2 * hs, hs); // g
    sigmoidInPlace(a, aOff + 3 * hs, hs); // o
    lstmCell(hs, a, aOff, cPrev, cpOff, c, cOff);
    lstmOutput(hs, a, aOff, c, cOff, h, hOff);
  }

  /** c = f·cPrev + i·g from the activations (i, f, g, o). */
  private static void lstmCell(int hs, float[] a, int aOff, float[] cPrev, int cpOff, float[] c, int cOff) {
    int j = 0;
    for (int ub = S.loopBound(hs); j < ub; j += L) {
      FloatVector i = FloatVector.fromArray(S, a, aOff + j), f = FloatVector.fromArray(S, a, aOff + hs + j), g = FloatVector.fromArray(S, a, aOff + 2 * hs + j);
      f.mul(FloatVector.fromArray(S, cPrev, cpOff + j)).add(i.mul(g)).intoArray(c, cOff + j);
    }
    for (; j < hs; j++) c[cOff + j] = a[aOff + hs + j] * cPrev[cpOff + j] + a[aOff + j] * a[aOff + 2 * hs + j];
  }

  /** h = o·tanh(c). */
  private static void lstmOutput(int hs, float[] a, int aOff, float[] c, int cOff, float[] h, int hOff) {
    int j = 0;
    for (int ub = S.loopBound(hs); j < ub; j += L) {
      FloatVector.fromArray(S, a, aOff + 3 * hs + j).mul(tanh(FloatVector.fromArray(S, c, cOff + j))).intoArray(h, hOff + j);
    }
    for (; j < hs; j++) h[hOff + j] = a[aOff + 3 * hs + j] * tanh(c[cOff + j]);
  }

  private static void sigmoidInPlace(float[] x, int off, int n) {
    int j = 0;
    for (int ub = S.loopBound(n); j < ub; j += L) Transcendentals.sigmoid(FloatVector.fromArray(S, x, off + j)).intoArray(x, off + j);
    for (; j < n; j++) x[off + j] = Transcendentals.sigmoid(x[off + j]);
  }

  private static void tanhInPlace(float[] x, int off, int n) {
    int j = 0;
    for (int ub = S.loopBound(n); j < ub; j += L) tanh(FloatVector.fromArray(S, x, off + j)).intoArray(x, off + j);
    for (; j < n; j++) x[off + j] = tanh(x[off + j]);
  }

  /**
   * Scalar reference of {@link #lstmForward}, one hidden unit at a time (bit-identical to it).
   * @param hs the number of hidden units H, ≥ 0
   * @param a the pre-activations [4H] (i, f, g, o), overwritten with the activations σ(a_i), σ(a_f),
   *     tanh(a_g), σ(a_o)
   * @param aOff offset of a_i[0] in {@code a}
   * @param cPrev the previous cell state c₋ [H]
   * @param cpOff offset of cPrev[0]
   * @param c the new cell state [H], written
   * @param cOff offset of c[0]
   * @param h the new hidden state [H], written
   * @param hOff offset of h[0]
   */
  public static void lstmForwardScalar(int hs, float[] a, int aOff, float[] cPrev, int cpOff, float[] c, int cOff, float[] h, int hOff) {
    for (int j = 0; j < hs; j++) lstmForwardOne(hs, j, a, aOff, cPrev, cpOff, c, cOff, h, hOff);
  }

  private static void lstmForwardOne(int hs, int j, float[] a, int aOff, float[] cPrev, int cpOff, float[] c, int cOff, float[] h, int hOff) {
    float i = Transcendentals.sigmoid(a[aOff + j]);
    float f = Transcendentals.sigmoid(a[aOff + hs + j]);
    float g = tanh(a[aOff + 2 * hs + j]);
    float o = Transcendentals.sigmoid(a[aOff + 3 * hs + j]);
    float cn = f * cPrev[cpOff + j] + i * g;
    a[aOff + j] = i;
    a[aOff + hs + j] = f;
    a[aOff + 2 * hs + j] = g;
    a[aOff + 3 * hs + j] = o;
    c[cOff + j] = cn;
    h[hOff + j] = o * tanh(cn);
  }

  /**
   * LSTM step backward for one row. In: the activations {@code act} (i, f, g, o), cPrev, c, and the
   * whole gradients dh, dc reaching h and c of this step (from outside and from the next step). Out:
   * {@code da} [4H] the gradient of the pre-activations (overwritten), and dcPrev += dc_total·f where
   * dc_total = dc + dh·o·(1 − tanh²c). With tc = tanh c: do = dh·tc·o(1−o), di = dc_total·g·i(1−i),
   * df = dc_total·c₋·f(1−f), dg = dc_total·i·(1−g²).
   * @param hs the number of hidden units H, ≥ 0
   * @param act the activations [4H] (i, f, g, o) saved by the forward step
   * @param aOff offset of i[0] in {@code act}
   * @param cPrev the previous cell state c₋ [H]
   * @param cpOff offset of cPrev[0]
   * @param c this step's cell state [H]
   * @param cOff offset of c[0]
   * @param dh the whole gradient reaching this step's h [H]
   * @param dhOff offset of dh[0]
   * @param dc the whole gradient reaching this step's c [H] (from the next step)
   * @param dcOff offset of dc[0]
   * @param da the gradient of the pre-activations [4H] (i, f, g, o), overwritten
   * @param daOff offset of da[0]
   * @param dcPrev the gradient of c₋ [H], accumulated into ({@code += dc_total·f})
   * @param dcpOff offset of dcPrev[0]
   */
  public static void lstmBackward(int hs, float[] act, int aOff, float[] cPrev, int cpOff, float[] c, int cOff,
      float[] dh, int dhOff, float[] dc, int dcOff, float[] da, int daOff, float[] dcPrev, int dcpOff) {
    int j = 0;
    for (int ub = S.loopBound(hs); j < ub; j += L) {
      FloatVector i = FloatVector.fromArray(S, act, aOff + j);
      FloatVector f = FloatVector.fromArray(S, act, aOff + hs + j);
      FloatVector g = FloatVector.fromArray(S, act, aOff + 2 * hs + j);
      FloatVector o = FloatVector.fromArray(S, act, aOff + 3 * hs + j);
      FloatVector tc = tanh(FloatVector.fromArray(S, c, cOff + j));
      FloatVector gh = FloatVector.fromArray(S, dh, dhOff + j);
      FloatVector one = FloatVector.broadcast(S, 1f);
      FloatVector dct = FloatVector.fromArray(S, dc, dcOff + j).add(gh.mul(o).mul(one.sub(tc.mul(tc))));
      gh.mul(tc).mul(o.mul(one.sub(o))).intoArray(da, daOff + 3 * hs + j);
      dct.mul(g).mul(i.mul(one.sub(i))).intoArray(da, daOff + j);
      dct.mul(FloatVector.fromArray(S, cPrev, cpOff + j)).mul(f.mul(one.sub(f))).intoArray(da, daOff + hs + j);
      dct.mul(i).mul(one.sub(g.mul(g))).intoArray(da, daOff + 2 * hs + j);
      FloatVector.fromArray(S, dcPrev, dcpOff + j).add(dct.mul(f)).intoArray(dcPrev, dcpOff + j);
    }
    for (; j < hs; j++) lstmBackwardOne(hs, j, act, aOff, cPrev, cpOff, c, cOff, dh, dhOff, dc, dcOff, da, daOff, dcPrev, dcpOff);
  }

  /**
   * Scalar reference of {@link #lstmBackward}, one hidden unit at a time (bit-identical to it).
   * @param hs the number of hidden units H, ≥ 0
   * @param act the activations [4H] (i, f, g, o) saved by the forward step
   * @param aOff offset of i[0] in {@code act}
   * @param cPrev the previous cell state c₋ [H]
   * @param cpOff offset of cPrev[0]
   * @param c this step's cell state [H]
   * @param cOff offset of c[0]
   * @param dh the whole gradient reaching this step's h [H]
   * @param dhOff offset of dh[0]
   * @param dc the whole gradient reaching this step's c [H] (from the next step)
   * @param dcOff offset of dc[0]
   * @param da the gradient of the pre-activations [4H] (i, f, g, o), overwritten
   * @param daOff offset of da[0]
   * @param dcPrev the gradient of c₋ [H], accumulated into ({@code += dc_total·f})
   * @param dcpOff offset of dcPrev[0]
   */
  public static void lstmBackwardScalar(int hs, float[] act, int aOff, float[] cPrev, int cpOff, float[] c, int cOff,
      float[] dh, int dhOff, float[] dc, int dcOff, float[] da, int daOff, float[] dcPrev, int dcpOff) {
    for (int j = 0; j < hs; j++) lstmBackwardOne(hs, j, act, aOff, cPrev, cpOff, c, cOff, dh, dhOff, dc, dcOff, da, daOff, dcPrev, dcpOff);
  }

  private static void lstmBackwardOne(int hs, int j, float[] act, int aOff, float[] cPrev, int cpOff, float[] c, int cOff,
      float[] dh, int dhOff, float[] dc, int dcOff, float[] da, int daOff, float[] dcPrev, int dcpOff) {
    float i = act[aOff + j], f = act[aOff + hs + j], g = act[aOff + 2 * hs + j], o = act[aOff + 3 * hs + j];
    float tc = tanh(c[cOff + j]);
    float gh = dh[dhOff + j];
    float dct = dc[dcOff + j] + gh * o * (1f - tc * tc);
    da[daOff + 3 * hs + j] = gh * tc * (o * (1f - o));
    da[daOff + j] = dct * g * (i * (1f - i));
    da[daOff + hs + j] = dct * cPrev[cpOff + j] * (f * (1f - f));
    da[daOff + 2 * hs + j] = dct * i * (1f - g * g);
    dcPrev[dcpOff + j] = dcPrev[dcpOff + j] + dct * f;
  }

  /**
   * GRU step forward for one row: {@code x} [3H] = W_i x + b_i, {@code hh} [3H] = W_h h₋ + b_h,
   * {@code hPrev} [H]. Writes h [H] and saves (r, z, n, h_n) [4H] for the backward.
   * @param hs the number of hidden units H, ≥ 0
   * @param x the input projection W_i x + b_i [3H] (r, z, n)
   * @param xOff offset of x[0]
   * @param hh the recurrent projection W_h h₋ + b_h [3H] (r, z, n)
   * @param hhOff offset of hh[0]
   * @param hPrev the previous hidden state h₋ [H]
   * @param hpOff offset of hPrev[0]
   * @param save the saved values (r, z, n, h_n) [4H] for the backward, written
   * @param sOff offset of save[0]
   * @param h the new hidden state [H], written
   * @param hOff offset of h[0]
   */
  public static void gruForward(int hs, float[] x, int xOff, float[] hh, int hhOff, float[] hPrev, int hpOff, float[] save, int sOff, float[] h, int hOff) {
    // passes of one transcendental each (see lstmForward)
    int j = 0, h2 = 2 * hs;
    for (int ub = S.loopBound(h2); j < ub; j += L) { // r, z
      Transcendentals.sigmoid(FloatVector.fromArray(S, x, xOff + j).add(FloatVector.fromArray(S, hh, hhOff + j))).intoArray(save, sOff + j);
    }
    for (; j < h2; j++) save[sOff + j] = Transcendentals.sigmoid(x[xOff + j] + hh[hhOff + j]);
    j = 0;
    for (int ub = S.loopBound(hs); j < ub; j += L) {
      FloatVector hn = FloatVector.fromArray(S, hh, hhOff + 2 * hs + j);
      FloatVector n = tanh(FloatVector.fromArray(S, x, xOff + 2 * hs + j).add(FloatVector.fromArray(S, save, sOff + j).mul(hn)));
      n.intoArray(save, sOff + 2 * hs + j);
      hn.intoArray(save, sOff + 3 * hs + j);
      n.add(FloatVector.fromArray(S, save, sOff + hs + j).mul(FloatVector.fromArray(S, hPrev, hpOff + j).sub(n))).intoArray(h, hOff + j);
    }
    for (; j < hs; j++) {
      float hn = hh[hhOff + 2 * hs + j];
      float n = tanh(x[xOff + 2 * hs + j] + save[sOff + j] * hn);
      save[sOff + 2 * hs + j] = n;
      save[sOff + 3 * hs + j] = hn;
      h[hOff + j] = n + save[sOff + hs + j] * (hPrev[hpOff + j] - n);
    }
  }

  /**
   * Scalar reference of {@link #gruForward}, one hidden unit at a time (bit-identical to it).
   * @param hs the number of hidden units H, ≥ 0
   * @param x the input projection W_i x + b_i [3H] (r, z, n)
   * @param xOff offset of x[0]
   * @param hh the recurrent projection W_h h₋ + b_h [3H] (r, z, n)
   * @param hhOff offset of hh[0]
   * @param hPrev the previous hidden state h₋ [H]
   * @param hpOff offset of hPrev[0]
   * @param save the saved values (r, z, n, h_n) [4H] for the backward, written
   * @param sOff offset of save[0]
   * @param h the new hidden state [H], written
   * @param hOff offset of h[0]
   */
  public static void gruForwardScalar(int hs, float[] x, int xOff, float[] hh, int hhOff, float[] hPrev, int hpOff, float[] save, int sOff, float[] h, int hOff) {
    for (int j = 0; j < hs; j++) gruForwardOne(hs, j, x, xOff, hh, hhOff, hPrev, hpOff, save, sOff, h, hOff);
  }

  private static void gruForwardOne(int hs, int j, float[] x, int xOff, float[] hh, int hhOff, float[] hPrev, int hpOff, float[] save, int sOff, float[] h, int hOff) {
    float r = Transcendentals.sigmoid(x[xOff + j] + hh[hhOff + j]);
    float z = Transcendentals.sigmoid(x[xOff + hs + j] + hh[hhOff + hs + j]);
    float hn = hh[hhOff + 2 * hs + j];
    float n = tanh(x[xOff + 2 * hs + j] + r * hn);
    float hp = hPrev[hpOff + j];
    save[sOff + j] = r;
    save[sOff + hs + j] = z;
    save[sOff + 2 * hs + j] = n;
    save[sOff + 3 * hs + j] = hn;
    h[hOff + j] = n + z * (hp - n);
  }

  /**
   * GRU step backward for one row. In: the saved (r, z, n, h_n), hPrev, and dh (the whole gradient
   * reaching this step's h). Out: dx [3H] = d(W_i x + b_i) = (da_r, da_z, da_n), dhh [3H] =
   * d(W_h h₋ + b_h) = (da_r, da_z, da_n·r), and dhPrev += dh·z, where da_n = dh·(1 − z)·(1 − n²),
   * da_z = dh·(h₋ − n)·z(1 − z), da_r = da_n·h_n·r(1 − r).
   * @param hs the number of hidden units H, ≥ 0
   * @param save the values (r, z, n, h_n) [4H] saved by the forward step
   * @param sOff offset of save[0]
   * @param hPrev the previous hidden state h₋ [H]
   * @param hpOff offset of hPrev[0]
   * @param dh the whole gradient reaching this step's h [H]
   * @param dhOff offset of dh[0]
   * @param dx the gradient of the input projection [3H], overwritten
   * @param dxOff offset of dx[0]
   * @param dhh the gradient of the recurrent projection [3H], overwritten
   * @param dhhOff offset of dhh[0]
   * @param dhPrev the gradient of h₋ [H], accumulated into ({@code += dh·z})
   * @param dhpOff offset of dhPrev[0]
   */
  public static void gruBackward(int hs, float[] save, int sOff, float[] hPrev, int hpOff, float[] dh, int dhOff,
      float[] dx, int dxOff, float[] dhh, int dhhOff, float[] dhPrev, int dhpOff) {
    int j = 0;
    for (int ub = S.loopBound(hs); j < ub; j += L) {
      FloatVector one = FloatVector.broadcast(S, 1f);
      FloatVector r = FloatVector.fromArray(S, save, sOff + j);
      FloatVector z = FloatVector.fromArray(S, save, sOff + hs + j);
      FloatVector n = FloatVector.fromArray(S, save, sOff + 2 * hs + j);
      FloatVector hn = FloatVector.fromArray(S, save, sOff + 3 * hs + j);
      FloatVector hp = FloatVector.fromArray(S, hPrev, hpOff + j);
      FloatVector g = FloatVector.fromArray(S, dh, dhOff + j);
      FloatVector dan = g.mul(one.sub(z)).mul(one.sub(n.mul(n)));
      FloatVector daz = g.mul(hp.sub(n)).mul(z.mul(one.sub(z)));
      FloatVector dar = dan.mul(hn).mul(r.mul(one.sub(r)));
      dar.intoArray(dx, dxOff + j);
      daz.intoArray(dx, dxOff + hs + j);
      dan.intoArray(dx, dxOff + 2 * hs + j);
      dar.intoArray(dhh, dhhOff + j);
      daz.intoArray(dhh, dhhOff + hs + j);
      dan.mul(r).intoArray(dhh, dhhOff + 2 * hs + j);
      FloatVector.fromArray(S, dhPrev, dhpOff + j).add(g.mul(z)).intoArray(dhPrev, dhpOff + j);
    }
    for (; j < hs; j++) gruBackwardOne(hs, j, save, sOff, hPrev, hpOff, dh, dhOff, dx, dxOff, dhh, dhhOff, dhPrev, dhpOff);
  }

  /**
   * Scalar reference of {@link #gruBackward}, one hidden unit at a time (bit-identical to it).
   * @param hs the number of hidden units H, ≥ 0
   * @param save the values (r, z, n, h_n) [4H] saved by the forward step
   * @param sOff offset of save[0]
   * @param hPrev the previous hidden state h₋ [H]
   * @param hpOff offset of hPrev[0]
   * @param dh the whole gradient reaching this step's h [H]
   * @param dhOff offset of dh[0]
   * @param dx the gradient of the input projection [3H], overwritten
   * @param dxOff offset of dx[0]
   * @param dhh the gradient of the recurrent projection [3H], overwritten
   * @param dhhOff offset of dhh[0]
   * @param dhPrev the gradient of h₋ [H], accumulated into ({@code += dh·z})
   * @param dhpOff offset of dhPrev[0]
   */
  public static void gruBackwardScalar(int hs, float[] save, int sOff, float[] hPrev, int hpOff, float[] dh, int dhOff,
      float[] dx, int dxOff, float[] dhh, int dhhOff, float[] dhPrev, int dhpOff) {
    for (int j = 0; j < hs; j++) gruBackwardOne(hs, j, save, sOff, hPrev, hpOff, dh, dhOff, dx, dxOff, dhh, dhhOff, dhPrev, dhpOff);
  }

  private static void gruBackwardOne(int hs, int j, float[] save, int sOff, float[] hPrev, int hpOff, float[] dh, int dhOff,
      float[] dx, int dxOff, float[] dhh, int dhhOff, float[] dhPrev, int dhpOff) {
    float r = save[sOff + j], z = save[sOff + hs + j], n = save[sOff + 2 * hs + j], hn = save[sOff + 3 * hs + j];
    float hp = hPrev[hpOff + j], g = dh[dhOff + j];
    float dan = g * (1f - z) * (1f - n * n);
    float daz = g * (hp - n) * (z * (1f - z));
    float dar = dan * hn * (r * (1f - r));
    dx[dxOff + j] = dar;
    dx[dxOff + hs + j] = daz;
    dx[dxOff + 2 * hs + j] = dan;
    dhh[dhhOff + j] = dar;
    dhh[dhhOff + hs + j] = daz;
    dhh[dhhOff + 2 * hs + j] = dan * r;
    dhPrev[dhpOff + j] = dhPrev[dhpOff + j] + g * z;
  }
}
