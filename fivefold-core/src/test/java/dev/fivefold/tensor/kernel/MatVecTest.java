package dev.fivefold.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link MatVec#matvec} against its scalar reference and against a row of {@link Gemm#sgemm}, bit for bit. */
class MatVecTest {
  static float[] rand(SplittableRandom r, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) a[i] = (float) r.nextDouble(-1, 1);
    return a;
  }

  @Test
  void simdEqualsScalarAndGemmRowsBitForBit() {
    int[][] shapes = {{1, 1}, {3, 5}, {65, 128}, {64, 64}, {100, 384}, {130, 385}, {512, 2048}, {17, 800}, {384, 128}};
    SplittableRandom r = new SplittableRandom(7);
    int threads = Parallel.threads();
    try {
      for (int[] s : shapes) {
        int out = s[0], in = s[1];
        float[] w = rand(r, out * in), x = rand(r, 2 * in);
        float[] packed = MatVec.pack(w, 0, out, in);
        float[] want = new float[out + 2], got = new float[out + 2], gemm = new float[2 * out];
        MatVec.matvecScalar(w, 0, out, in, x, in, want, 1);
        for (int t : new int[] {1, 2}) {
          Parallel.setThreads(t);
          java.util.Arrays.fill(got, 0f);
          MatVec.matvec(packed, out, in, x, in, got, 1);
          assertArrayEquals(want, got, 0f, out + "x" + in + " threads " + t);
        }
        // the second row of a two-row product: the same fma chains
        Gemm.sgemm(false, true, 2, out, in, x, 0, in, w, 0, in, 0f, gemm, 0, out);
        for (int j = 0; j < out; j++) assertEquals(Float.floatToIntBits(want[1 + j]), Float.floatToIntBits(gemm[out + j]), out + "x" + in + " j " + j);
        assertEquals(0f, got[0]);
        assertEquals(0f, got[out + 1]);
      }
    } finally {
      Parallel.setThreads(threads);
    }
  }
}
