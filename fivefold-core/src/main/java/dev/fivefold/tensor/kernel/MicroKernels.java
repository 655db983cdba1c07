package dev.fivefold.tensor.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-blocked micro-kernels {@link Gemm} chooses among ({@link GemmBlocking}): each computes
 * one MR×NR tile {@code t[r·NR + j] = Σ_p ap[r,p]·bp[p,j]} of a KC-deep sliver of op(A) (MR values
 * per depth, {@code ap[ao + p·as + r]}: a packed sliver with {@code as} = MR, or a transposed A read
 * in place with {@code as} = its leading dimension) against a packed panel of op(B) (NR values per
 * depth), every element by one fma chain from zero in increasing p. The depth stride is an argument
 * even for packed slivers: with MR as a constant, C2 hoists all MR broadcasts of a depth ahead of
 * its FMAs and the 6×4 tile spills an accumulator, and the kernel ran about 25% slower on a Zen 5
 * (session 21). The tiles differ only in how many rows and vectors are kept in
 * registers at once (how many loads feed each FMA), never in the arithmetic of an element, so all
 * kernels give bit-identical tiles.
 *
 * <p>Generated shape: per depth p, NR/L vector loads of B, then for each row one broadcast of A and
 * NR/L fused multiply-adds. With 32 vector registers (AVX-512) up to 24 accumulators fit beside
 * the B vectors and a broadcast; with 16 (AVX2) the larger tiles spill, which the start-up timing
 * then sees.
 *
 * <p>The four-vector tiles (6×4, 5×4) take a row stride and a depth stride, {@code a[ao + r·rs +
 * p·ps]}, one offset per row kept in a general register: a packed sliver (rs = 1, ps = MR), a
 * transposed A read in place (rs = 1, ps = its leading dimension) and a non-transposed A read in
 * place (rs = its leading dimension, ps = 1) run the same code. The two-vector tiles (8×2, 12×2)
 * take only the depth stride ({@code ap[ao + p·as + r]}): eight or twelve row offsets beside the
 * loop's own do not fit the general registers, and such a form ran SGEMM 1024³ at half speed.
 */
final class MicroKernels {
  static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  static final int L = S.length();

  private MicroKernels() {}

  /** MR = 8 rows × NR = 2 vectors (16 accumulators). */
  static void k8x2(int kc, float[] ap, int ao, int as, float[] bp, int bo, float[] t) {
    final int nr = 2 * L;
    FloatVector z = FloatVector.zero(S);
    FloatVector c0_0 = z, c0_1 = z, c1_0 = z, c1_1 = z, c2_0 = z, c2_1 = z, c3_0 = z, c3_1 = z;
    FloatVector c4_0 = z, c4_1 = z, c5_0 = z, c5_1 = z, c6_0 = z, c6_1 = z, c7_0 = z, c7_1 = z;
    for (int p = 0; p < kc; p++, ao += as, bo += nr) {
      FloatVector b0 = FloatVector.fromArray(S, bp, bo);
      FloatVector b1 = FloatVector.fromArray(S, bp, bo + L);
      FloatVector x0 = FloatVector.broadcast(S, ap[ao]);
      c0_0 = x0.fma(b0, c0_0); c0_1 = x0.fma(b1, c0_1);
      FloatVector x1 = FloatVector.broadcast(S, ap[ao + 1]);
      c1_0 = x1.fma(b0, c1_0); c1_1 = x1.fma(b1, c1_1);
      FloatVector x2 = FloatVector.broadcast(S, ap[ao + 2]);
      c2_0 = x2.fma(b0, c2_0); c2_1 = x2.fma(b1, c2_1);
      FloatVector x3 = FloatVector.broadcast(S, ap[ao + 3]);
      c3_0 = x3.fma(b0, c3_0); c3_1 = x3.fma(b1, c3_1);
      FloatVector x4 = FloatVector.broadcast(S, ap[ao + 4]);
      c4_0 = x4.fma(b0, c4_0); c4_1 = x4.fma(b1, c4_1);
      FloatVector x5 = FloatVector.broadcast(S, ap[ao + 5]);
      c5_0 = x5.fma(b0, c5_0); c5_1 = x5.fma(b1, c5_1);
      FloatVector x6 = FloatVector.broadcast(S, ap[ao + 6]);
      c6_0 = x6.fma(b0, c6_0); c6_1 = x6.fma(b1, c6_1);
      FloatVector x7 = FloatVector.broadcast(S, ap[ao + 7]);
      c7_0 = x7.fma(b0, c7_0); c7_1 = x7.fma(b1, c7_1);
    }
    c0_0.intoArray(t, 0 * nr + 0 * L); c0_1.intoArray(t, 0 * nr + 1 * L);
    c1_0.intoArray(t, 1 * nr + 0 * L); c1_1.intoArray(t, 1 * nr + 1 * L);
    c2_0.intoArray(t, 2 * nr + 0 * L); c2_1.intoArray(t, 2 * nr + 1 * L);
    c3_0.intoArray(t, 3 * nr + 0 * L); c3_1.intoArray(t, 3 * nr + 1 * L);
    c4_0.intoArray(t, 4 * nr + 0 * L); c4_1.intoArray(t, 4 * nr + 1 * L);
    c5_0.intoArray(t, 5 * nr + 0 * L); c5_1.intoArray(t, 5 * nr + 1 * L);
    c6_0.intoArray(t, 6 * nr + 0 * L); c6_1.intoArray(t, 6 * nr + 1 * L);
    c7_0.intoArray(t, 7 * nr + 0 * L); c7_1.intoArray(t, 7 * nr + 1 * L);
  }

  /** MR = 12 rows × NR = 2 vectors (24 accumulators). */
  static void k12x2(int kc, float[] ap, int ao, int as, float[] bp, int bo, float[] t) {
    final int nr = 2 * L;
    FloatVector z = FloatVector.zero(S);
    FloatVector c0_0 = z, c0_1 = z, c1_0 = z, c1_1 = z, c2_0 = z, c2_1 = z, c3_0 = z, c3_1 = z;
    FloatVector c4_0 = z, c4_1 = z, c5_0 = z, c5_1 = z, c6_0 = z, c6_1 = z, c7_0 = z, c7_1 = z;
    FloatVector c8_0 = z, c8_1 = z, c9_0 = z, c9_1 = z, c10_0 = z, c10_1 = z, c11_0 = z, c11_1 = z;
    for (int p = 0; p < kc; p++, ao += as, bo += nr) {
      FloatVector b0 = FloatVector.fromArray(S, bp, bo);
      FloatVector b1 = FloatVector.fromArray(S, bp, bo + L);
      FloatVector x0 = FloatVector.broadcast(S, ap[ao]);
      c0_0 = x0.fma(b0, c0_0); c0_1 = x0.fma(b1, c0_1);
      FloatVector x1 = FloatVector.broadcast(S, ap[ao + 1]);
      c1_0 = x1.fma(b0, c1_0); c1_1 = x1.fma(b1, c1_1);
      FloatVector x2 = FloatVector.broadcast(S, ap[ao + 2]);
      c2_0 = x2.fma(b0, c2_0); c2_1 = x2.fma(b1, c2_1);
      FloatVector x3 = FloatVector.broadcast(S, ap[ao + 3]);
      c3_0 = x3.fma(b0, c3_0); c3_1 = x3.fma(b1, c3_1);
      FloatVector x4 = FloatVector.broadcast(S, ap[ao + 4]);
      c4_0 = x4.fma(b0, c4_0); c4_1 = x4.fma(b1, c4_1);
      FloatVector x5 = FloatVector.broadcast(S, ap[ao + 5]);
      c5_0 = x5.fma(b0, c5_0); c5_1 = x5.fma(b1, c5_1);
      FloatVector x6 = FloatVector.broadcast(S, ap[ao + 6]);
      c6_0 = x6.fma(b0, c6_0); c6_1 = x6.fma(b1, c6_1);
      FloatVector x7 = FloatVector.broadcast(S, ap[ao + 7]);
      c7_0 = x7.fma(b0, c7_0); c7_1 = x7.fma(b1, c7_1);
      FloatVector x8 = FloatVector.broadcast(S, ap[ao + 8]);
      c8_0 = x8.fma(b0, c8_0); c8_1 = x8.fma(b1, c8_1);
      FloatVector x9 = FloatVector.broadcast(S, ap[ao + 9]);
      c9_0 = x9.fma(b0, c9_0); c9_1 = x9.fma(b1, c9_1);
      FloatVector x10 = FloatVector.broadcast(S, ap[ao + 10]);
      c10_0 = x10.fma(b0, c10_0); c10_1 = x10.fma(b1, c10_1);
      FloatVector x11 = FloatVector.broadcast(S, ap[ao + 11]);
      c11_0 = x11.fma(b0, c11_0); c11_1 = x11.fma(b1, c11_1);
    }
    c0_0.intoArray(t, 0 * nr + 0 * L); c0_1.intoArray(t, 0 * nr + 1 * L);
    c1_0.intoArray(t, 1 * nr + 0 * L); c1_1.intoArray(t, 1 * nr + 1 * L);
    c2_0.intoArray(t, 2 * nr + 0 * L); c2_1.intoArray(t, 2 * nr + 1 * L);
    c3_0.intoArray(t, 3 * nr + 0 * L); c3_1.intoArray(t, 3 * nr + 1 * L);
    c4_0.intoArray(t, 4 * nr + 0 * L); c4_1.intoArray(t, 4 * nr + 1 * L);
    c5_0.intoArray(t, 5 * nr + 0 * L); c5_1.intoArray(t, 5 * nr + 1 * L);
    c6_0.intoArray(t, 6 * nr + 0 * L); c6_1.intoArray(t, 6 * nr + 1 * L);
    c7_0.intoArray(t, 7 * nr + 0 * L); c7_1.intoArray(t, 7 * nr + 1 * L);
    c8_0.intoArray(t, 8 * nr + 0 * L); c8_1.intoArray(t, 8 * nr + 1 * L);
    c9_0.intoArray(t, 9 * nr + 0 * L); c9_1.intoArray(t, 9 * nr + 1 * L);
    c10_0.intoArray(t, 10 * nr + 0 * L); c10_1.intoArray(t, 10 * nr + 1 * L);
    c11_0.intoArray(t, 11 * nr + 0 * L); c11_1.intoArray(t, 11 * nr + 1 * L);
  }

  /** MR = 6 rows × NR = 4 vectors (24 accumulators); the sliver's row r at depth p is {@code a[ao + r·rs + p·ps]}. */
  static void k6x4(int kc, float[] a, int ao, int rs, int ps, float[] bp, int bo, float[] t) {
    final int nr = 4 * L;
    final int a0 = ao, a1 = ao + rs, a2 = ao + 2 * rs, a3 = ao + 3 * rs, a4 = ao + 4 * rs, a5 = ao + 5 * rs;
    FloatVector z = FloatVector.zero(S);
    FloatVector c0_0 = z, c0_1 = z, c0_2 = z, c0_3 = z, c1_0 = z, c1_1 = z, c1_2 = z, c1_3 = z;
    FloatVector c2_0 = z, c2_1 = z, c2_2 = z, c2_3 = z, c3_0 = z, c3_1 = z, c3_2 = z, c3_3 = z;
    FloatVector c4_0 = z, c4_1 = z, c4_2 = z, c4_3 = z, c5_0 = z, c5_1 = z, c5_2 = z, c5_3 = z;
    for (int p = 0, q = 0; p < kc; p++, q += ps, bo += nr) {
      FloatVector b0 = FloatVector.fromArray(S, bp, bo);
      FloatVector b1 = FloatVector.fromArray(S, bp, bo + L);
      FloatVector b2 = FloatVector.fromArray(S, bp, bo + 2 * L);
      FloatVector b3 = FloatVector.fromArray(S, bp, bo + 3 * L);
      FloatVector x0 = FloatVector.broadcast(S, a[a0 + q]);
      c0_0 = x0.fma(b0, c0_0); c0_1 = x0.fma(b1, c0_1); c0_2 = x0.fma(b2, c0_2); c0_3 = x0.fma(b3, c0_3);
      FloatVector x1 = FloatVector.broadcast(S, a[a1 + q]);
      c1_0 = x1.fma(b0, c1_0); c1_1 = x1.fma(b1, c1_1); c1_2 = x1.fma(b2, c1_2); c1_3 = x1.fma(b3, c1_3);
      FloatVector x2 = FloatVector.broadcast(S, a[a2 + q]);
      c2_0 = x2.fma(b0, c2_0); c2_1 = x2.fma(b1, c2_1); c2_2 = x2.fma(b2, c2_2); c2_3 = x2.fma(b3, c2_3);
      FloatVector x3 = FloatVector.broadcast(S, a[a3 + q]);
      c3_0 = x3.fma(b0, c3_0); c3_1 = x3.fma(b1, c3_1); c3_2 = x3.fma(b2, c3_2); c3_3 = x3.fma(b3, c3_3);
      FloatVector x4 = FloatVector.broadcast(S, a[a4 + q]);
      c4_0 = x4.fma(b0, c4_0); c4_1 = x4.fma(b1, c4_1); c4_2 = x4.fma(b2, c4_2); c4_3 = x4.fma(b3, c4_3);
      FloatVector x5 = FloatVector.broadcast(S, a[a5 + q]);
      c5_0 = x5.fma(b0, c5_0); c5_1 = x5.fma(b1, c5_1); c5_2 = x5.fma(b2, c5_2); c5_3 = x5.fma(b3, c5_3);
    }
    c0_0.intoArray(t, 0 * nr + 0 * L); c0_1.intoArray(t, 0 * nr + 1 * L); c0_2.intoArray(t, 0 * nr + 2 * L); c0_3.intoArray(t, 0 * nr + 3 * L);
    c1_0.intoArray(t, 1 * nr + 0 * L); c1_1.intoArray(t, 1 * nr + 1 * L); c1_2.intoArray(t, 1 * nr + 2 * L); c1_3.intoArray(t, 1 * nr + 3 * L);
    c2_0.intoArray(t, 2 * nr + 0 * L); c2_1.intoArray(t, 2 * nr + 1 * L); c2_2.intoArray(t, 2 * nr + 2 * L); c2_3.intoArray(t, 2 * nr + 3 * L);
    c3_0.intoArray(t, 3 * nr + 0 * L); c3_1.intoArray(t, 3 * nr + 1 * L); c3_2.intoArray(t, 3 * nr + 2 * L); c3_3.intoArray(t, 3 * nr + 3 * L);
    c4_0.intoArray(t, 4 * nr + 0 * L); c4_1.intoArray(t, 4 * nr + 1 * L); c4_2.intoArray(t, 4 * nr + 2 * L); c4_3.intoArray(t, 4 * nr + 3 * L);
    c5_0.intoArray(t, 5 * nr + 0 * L); c5_1.intoArray(t, 5 * nr + 1 * L); c5_2.intoArray(t, 5 * nr + 2 * L); c5_3.intoArray(t, 5 * nr + 3 * L);
  }

  /** MR = 5 rows × NR = 4 vectors (20 accumulators: with the 4 B vectors and the 5 broadcasts, 29 of 32 registers); row r at depth p is {@code a[ao + r·rs + p·ps]}. */
  static void k5x4(int kc, float[] a, int ao, int rs, int ps, float[] bp, int bo, float[] t) {
    final int nr = 4 * L;
    final int a0 = ao, a1 = ao + rs, a2 = ao + 2 * rs, a3 = ao + 3 * rs, a4 = ao + 4 * rs;
    FloatVector z = FloatVector.zero(S);
    FloatVector c0_0 = z, c0_1 = z, c0_2 = z, c0_3 = z, c1_0 = z, c1_1 = z, c1_2 = z, c1_3 = z;
    FloatVector c2_0 = z, c2_1 = z, c2_2 = z, c2_3 = z, c3_0 = z, c3_1 = z, c3_2 = z, c3_3 = z;
    FloatVector c4_0 = z, c4_1 = z, c4_2 = z, c4_3 = z;
    for (int p = 0, q = 0; p < kc; p++, q += ps, bo += nr) {
      FloatVector b0 = FloatVector.fromArray(S, bp, bo);
      FloatVector b1 = FloatVector.fromArray(S, bp, bo + L);
      FloatVector b2 = FloatVector.fromArray(S, bp, bo + 2 * L);
      FloatVector b3 = FloatVector.fromArray(S, bp, bo + 3 * L);
      FloatVector x0 = FloatVector.broadcast(S, a[a0 + q]);
      c0_0 = x0.fma(b0, c0_0); c0_1 = x0.fma(b1, c0_1); c0_2 = x0.fma(b2, c0_2); c0_3 = x0.fma(b3, c0_3);
      FloatVector x1 = FloatVector.broadcast(S, a[a1 + q]);
      c1_0 = x1.fma(b0, c1_0); c1_1 = x1.fma(b1, c1_1); c1_2 = x1.fma(b2, c1_2); c1_3 = x1.fma(b3, c1_3);
      FloatVector x2 = FloatVector.broadcast(S, a[a2 + q]);
      c2_0 = x2.fma(b0, c2_0); c2_1 = x2.fma(b1, c2_1); c2_2 = x2.fma(b2, c2_2); c2_3 = x2.fma(b3, c2_3);
      FloatVector x3 = FloatVector.broadcast(S, a[a3 + q]);
      c3_0 = x3.fma(b0, c3_0); c3_1 = x3.fma(b1, c3_1); c3_2 = x3.fma(b2, c3_2); c3_3 = x3.fma(b3, c3_3);
      FloatVector x4 = FloatVector.broadcast(S, a[a4 + q]);
      c4_0 = x4.fma(b0, c4_0); c4_1 = x4.fma(b1, c4_1); c4_2 = x4.fma(b2, c4_2); c4_3 = x4.fma(b3, c4_3);
    }
    c0_0.intoArray(t, 0 * nr + 0 * L); c0_1.intoArray(t, 0 * nr + 1 * L); c0_2.intoArray(t, 0 * nr + 2 * L); c0_3.intoArray(t, 0 * nr + 3 * L);
    c1_0.intoArray(t, 1 * nr + 0 * L); c1_1.intoArray(t, 1 * nr + 1 * L); c1_2.intoArray(t, 1 * nr + 2 * L); c1_3.intoArray(t, 1 * nr + 3 * L);
    c2_0.intoArray(t, 2 * nr + 0 * L); c2_1.intoArray(t, 2 * nr + 1 * L); c2_2.intoArray(t, 2 * nr + 2 * L); c2_3.intoArray(t, 2 * nr + 3 * L);
    c3_0.intoArray(t, 3 * nr + 0 * L); c3_1.intoArray(t, 3 * nr + 1 * L); c3_2.intoArray(t, 3 * nr + 2 * L); c3_3.intoArray(t, 3 * nr + 3 * L);
    c4_0.intoArray(t, 4 * nr + 0 * L); c4_1.intoArray(t, 4 * nr + 1 * L); c4_2.intoArray(t, 4 * nr + 2 * L); c4_3.intoArray(t, 4 * nr + 3 * L);
  }
}
