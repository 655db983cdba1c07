package dev.fivefold.tensor.kernel;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Weight-only quantized batch-1 matrix–vector products, {@code y = Ŵ·x} with Ŵ[j][p] =
 * s[j][g]·(u[j][p] − z[j][g]) for the group g = p / G of G consecutive inputs: int8 codes (signed,
 * −128..127) or int4 codes (0..15) with a float scale and zero per (output, group). The weights stay
 * integer in memory (1 or ½ byte instead of 4) and are dequantised in registers, so a product
 * streams a quarter or an eighth of the float32 bytes: the speed-up of memory-bound generation.
 *
 * <p>Per output j and group g, in order: acc = fma(x_p, u[j][p], acc) from zero over p in g, and
 * σ = Σ_{p∈g} x_p (float adds in order); then y_j = fma(s, acc − z·σ, y_j) from y_j = 0 over the
 * groups in order. The vector form runs this for NB = 4·L outputs at once (panels as in
 * {@link MatVec}, codes widened byte → float in registers); the scalar references do the same
 * operations per output, so the two agree bit for bit, whatever the thread count.
 *
 * <p>Layouts ({@link #pack8}, {@link #pack4}, {@link #packGroups}): int8 codes [panel][in][NB];
 * int4 codes [panel][in/2][NB], byte (p/2, lane) holding input p (even) in its low nibble and p+1
 * in its high nibble; scales and zeros [panel][in/G][NB] floats. Outputs past {@code out} are
 * zero-padded. int4 needs an even G.
 */
public final class QuantMatVec {
  private static final VectorSpecies<Float> S = MatVec.S;
  private static final int L = MatVec.L, NB = MatVec.NB;
  /** Bytes of L lanes, for the widening loads (null when L &lt; 8: no such shape; the scalar form runs). */
  private static final VectorSpecies<Byte> BS = L >= 8 ? VectorSpecies.of(byte.class, VectorShape.forBitSize(L * 8)) : null;
  /** Ints of L lanes: int4 bytes are zero-extended into them, and both nibbles taken there. */
  private static final VectorSpecies<Integer> IS = S.vectorShape().withLanes(int.class);

  private QuantMatVec() {}

  /** A code or group value at (row, column): the source of the packing. */
  @FunctionalInterface
  public interface At {
    /**
     * The value at ({@code row}, {@code col}).
     * @param row the output (row) index
     * @param col the input (column) or group index
     * @return the code, scale or zero there (codes as integral floats)
     */
    float at(int row, int col);
  }

  /**
   * int8 codes (−128..127) of an [out, in] matrix into panels.
   * @param out the number of rows, ≥ 1
   * @param in the number of columns, ≥ 1
   * @param code the codes, each an integer in −128..127 (cast to byte)
   * @return the panels [ceil(out/NB)][in][NB], rows past {@code out} zero
   * @throws IllegalArgumentException if {@code out} or {@code in} is below 1
   */
  public static byte[] pack8(int out, int in, At code) {
    MatVec.check(out, in);
    byte[] p = new byte[MatVec.panels(out) * in * NB];
    for (int j = 0; j < out; j++) {
      int dst = (j / NB) * in * NB + j % NB;
      for (int k = 0; k < in; k++, dst += NB) p[dst] = (byte) code.at(j, k);
    }
    return p;
  }

  /**
   * int4 codes (0..15) of an [out, in] matrix (in even) into panels, two inputs per byte.
   * @param out the number of rows, ≥ 1
   * @param in the number of columns, ≥ 2 and even
   * @param code the codes, each an integer in 0..15 (only the low 4 bits are kept)
   * @return the panels [ceil(out/NB)][in/2][NB], input 2p in the low nibble, 2p+1 in the high nibble
   * @throws IllegalArgumentException if {@code out} or {@code in} is below 1 or {@code in} is odd
   */
  public static byte[] pack4(int out, int in, At code) {
    MatVec.check(out, in);
    if (in % 2 != 0) throw new IllegalArgumentException("in (" + in + ") must be even for int4");
    byte[] p = new byte[MatVec.panels(out) * (in / 2) * NB];
    for (int j = 0; j < out; j++) {
      int dst = (j / NB) * (in / 2) * NB + j % NB;
      for (int k = 0; k < in; k += 2, dst += NB) p[dst] = (byte) (((int) code.at(j, k) & 0x0F) | (((int) code.at(j, k + 1) & 0x0F) << 4));
    }
    return p;
  }

  /**
   * Per (output, group) values (scales or zeros) of an [out, groups] table into panels.
   * @param out the number of rows, ≥ 1
   * @param groups the number of groups per row ({@code in / G}), ≥ 1
   * @param value the scale or zero of each (row, group)
   * @return the panels [ceil(out/NB)][groups][NB], rows past {@code out} zero
   * @throws IllegalArgumentException if {@code out} or {@code groups} is below 1
   */
  public static float[] packGroups(int out, int groups, At value) {
    MatVec.check(out, groups);
    float[] p = new float[MatVec.panels(out) * groups * NB];
    for (int j = 0; j < out; j++) {
      int dst = (j / NB) * groups * NB + j % NB;
      for (int g = 0; g < groups; g++, dst += NB) p[dst] = value.at(j, g);
    }
    return p;
  }

  /**
   * y = Ŵ·x from int8 panels ({@code bits} 8) or int4 panels ({@code bits} 4), group size {@code group}.
   * @param bits the code width, 8 (int8 panels of {@link #pack8}) or 4 (int4 panels of {@link #pack4})
   * @param codes the packed codes of the [out, in] matrix
   * @param scales the packed scales s [out, in/group] ({@link #packGroups})
   * @param zeros the packed zeros z [out, in/group] ({@link #packGroups})
   * @param out the number of outputs (rows of Ŵ), ≥ 1
   * @param in the number of inputs (columns of Ŵ), ≥ 1
   * @param group the group size G: divides {@code in}, and even for int4
   * @param x the input vector [in]
   * @param xOff offset of x[0]
   * @param y the output vector [out], overwritten
   * @param yOff offset of y[0]
   * @throws IllegalArgumentException if {@code out} or {@code in} is below 1, {@code bits} is not 8 or 4, or
   *     {@code group} does not divide {@code in} (or is odd for int4)
   */
  public static void matvec(int bits, byte[] codes, float[] scales, float[] zeros, int out, int in, int group, float[] x, int xOff, float[] y, int yOff) {
    MatVec.check(out, in);
    if (bits != 8 && bits != 4) throw new IllegalArgumentException("bits (" + bits + ") must be 8 or 4");
    if (group < 1 || in % group != 0 || (bits == 4 && group % 2 != 0)) throw new IllegalArgumentException("group (" + group + ") must divide in (" + in + ")" + (bits == 4 ? " and be even" : ""));
    int np = MatVec.panels(out);
    Parallel.RangeBody body = (lo, hi) -> {
      for (int q = lo; q < hi; q++) {
        if (BS == null) panelScalar(bits, codes, scales, zeros, q, out, in, group, x, xOff, y, yOff);
        else if (bits == 8) panel8(codes, scales, zeros, q, out, in, group, x, xOff, y, yOff);
        else panel4(codes, scales, zeros, q, out, in, group, x, xOff, y, yOff);
      }
    };
    if ((long) out * in < 4 * MatVec.PARALLEL_MIN || Parallel.threads() == 1) body.run(0, np);
    else Parallel.forRange(0, np, 1, body);
  }

  private static FloatVector widen(byte[] b, int off) {
    return (FloatVector) ByteVector.fromArray(BS, b, off).castShape(S, 0);
  }

  private static void panel8(byte[] c, float[] sc, float[] zs, int q, int out, int in, int group, float[] x, int xOff, float[] y, int yOff) {
    FloatVector y0 = FloatVector.zero(S), y1 = y0, y2 = y0, y3 = y0;
    int groups = in / group, cb = q * in * NB, gb = q * groups * NB;
    for (int g = 0; g < groups; g++) {
      FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
      float sigma = 0f;
      for (int p = g * group, e = p + group, o = cb + p * NB; p < e; p++, o += NB) {
        float xp = x[xOff + p];
        sigma += xp;
        FloatVector xv = FloatVector.broadcast(S, xp);
        a0 = xv.fma(widen(c, o), a0);
        a1 = xv.fma(widen(c, o + L), a1);
        a2 = xv.fma(widen(c, o + 2 * L), a2);
        a3 = xv.fma(widen(c, o + 3 * L), a3);
      }
      int go = gb + g * NB;
      y0 = group(sc, zs, go, a0, sigma, y0);
      y1 = group(sc, zs, go + L, a1, sigma, y1);
      y2 = group(sc, zs, go + 2 * L, a2, sigma, y2);
      y3 = group(sc, zs, go + 3 * L, a3, sigma, y3);
    }
    MatVec.store(y0, y1, y2, y3, q * NB, out, y, yOff);
  }

  private static void panel4(byte[] c, float[] sc, float[] zs, int q, int out, int in, int group, float[] x, int xOff, float[] y, int yOff) {
    FloatVector y0 = FloatVector.zero(S), y1 = y0, y2 = y0, y3 = y0;
    int groups = in / group, cb = q * (in / 2) * NB, gb = q * groups * NB;
    for (int g = 0; g < groups; g++) {
      FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
      float sigma = 0f;
      for (int p = g * group, e = p + group, o = cb + (p / 2) * NB; p < e; p += 2, o += NB) {
        float xe = x[xOff + p], xo = x[xOff + p + 1];
        sigma += xe;
        sigma += xo;
        FloatVector ve = FloatVector.broadcast(S, xe), vo = FloatVector.broadcast(S, xo);
        IntVector b0 = bytes(c, o), b1 = bytes(c, o + L), b2 = bytes(c, o + 2 * L), b3 = bytes(c, o + 3 * L);
        a0 = vo.fma(high(b0), ve.fma(low(b0), a0));
        a1 = vo.fma(high(b1), ve.fma(low(b1), a1));
        a2 = vo.fma(high(b2), ve.fma(low(b2), a2));
        a3 = vo.fma(high(b3), ve.fma(low(b3), a3));
      }
      int go = gb + g * NB;
      y0 = group(sc, zs, go, a0, sigma, y0);
      y1 = group(sc, zs, go + L, a1, sigma, y1);
      y2 = group(sc, zs, go + 2 * L, a2, sigma, y2);
      y3 = group(sc, zs, go + 3 * L, a3, sigma, y3);
    }
    MatVec.store(y0, y1, y2, y3, q * NB, out, y, yOff);
  }

  /**
   * L packed bytes zero-extended to int lanes (one widening load). Taking the nibbles in int lanes
   * costs one AND or one shift each; on bytes (the first version) x86 has no byte shift, so the
   * high nibble took a word shift and two masks, and each half its own byte → int widening: int4
   * ran 1.45× float32 against int8's 2.29× (README). The values, hence the sums, are unchanged.
   */
  private static IntVector bytes(byte[] c, int off) {
    return (IntVector) ByteVector.fromArray(BS, c, off).convertShape(VectorOperators.ZERO_EXTEND_B2I, IS, 0);
  }

  private static FloatVector low(IntVector b) {
    return (FloatVector) b.and(0x0F).convert(VectorOperators.I2F, 0);
  }

  private static FloatVector high(IntVector b) {
    return (FloatVector) b.lanewise(VectorOperators.LSHR, 4).convert(VectorOperators.I2F, 0);
  }

  /** y + s·(acc − z·σ) as fma(s, acc − z·σ, y). */
  private static FloatVector group(float[] sc, float[] zs, int go, FloatVector acc, float sigma, FloatVector y) {
    FloatVector z = FloatVector.fromArray(S, zs, go).mul(sigma);
    return FloatVector.fromArray(S, sc, go).fma(acc.sub(z), y);
  }

  /** One panel by the scalar reference (vector lengths without a byte shape). */
  private static void panelScalar(int bits, byte[] c, float[] sc, float[] zs, int q, int out, int in, int group, float[] x, int xOff, float[] y, int yOff) {
    for (int j = q * NB; j < Math.min(out, q * NB + NB); j++) y[yOff + j] = rowScalar(bits, c, sc, zs, j, in, group, x, xOff);
  }

  /**
   * The scalar reference of {@link #matvec} on the same packed arrays.
   * @param bits the code width, 8 (int8 panels of {@link #pack8}) or 4 (int4 panels of {@link #pack4})
   * @param codes the packed codes of the [out, in] matrix
   * @param scales the packed scales s [out, in/group] ({@link #packGroups})
   * @param zeros the packed zeros z [out, in/group] ({@link #packGroups})
   * @param out the number of outputs (rows of Ŵ), ≥ 1
   * @param in the number of inputs (columns of Ŵ), ≥ 1
   * @param group the group size G: divides {@code in}, and even for int4
   * @param x the input vector [in]
   * @param xOff offset of x[0]
   * @param y the output vector [out], overwritten
   * @param yOff offset of y[0]
   * @throws IllegalArgumentException if {@code out} or {@code in} is below 1 (other arguments are not
   *     checked)
   */
  public static void matvecScalar(int bits, byte[] codes, float[] scales, float[] zeros, int out, int in, int group, float[] x, int xOff, float[] y, int yOff) {
    MatVec.check(out, in);
    for (int j = 0; j < out; j++) y[yOff + j] = rowScalar(bits, codes, scales, zeros, j, in, group, x, xOff);
  }

  private static float rowScalar(int bits, byte[] c, float[] sc, float[] zs, int j, int in, int group, float[] x, int xOff) {
    int q = j / NB, lane = j % NB, groups = in / group;
    float yj = 0f;
    for (int g = 0; g < groups; g++) {
      float acc = 0f, sigma = 0f;
      for (int p = g * group; p < (g + 1) * group; p++) {
        int u;
        if (bits == 8) u = c[q * in * NB + p * NB + lane];
        else {
          int b = c[q * (in / 2) * NB + (p / 2) * NB + lane] & 0xFF;
          u = (p & 1) == 0 ? b & 0x0F : b >>> 4;
        }
        acc = Math.fma(x[xOff + p], u, acc);
        sigma += x[xOff + p];
      }
      int go = q * groups * NB + g * NB + lane;
      yj = Math.fma(sc[go], acc - zs[go] * sigma, yj);
    }
    return yj;
  }
}
