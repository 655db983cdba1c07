package dev.fivefold.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The int8/int4 weight-only kernels against their scalar reference (bit for bit) and a dequantised float product. */
class QuantMatVecTest {
  @Test
  void simdEqualsScalarAndDequantisedProduct() {
    SplittableRandom r = new SplittableRandom(3);
    int[][] shapes = {{1, 2, 2}, {65, 128, 32}, {64, 64, 64}, {130, 512, 128}, {512, 2048, 64}, {7, 96, 96}};
    int threads = Parallel.threads();
    try {
      for (int bits : new int[] {8, 4}) {
        for (int[] s : shapes) {
          int out = s[0], in = s[1], g = s[2], groups = in / g;
          int[] u = new int[out * in];
          for (int i = 0; i < u.length; i++) u[i] = bits == 8 ? r.nextInt(-128, 128) : r.nextInt(0, 16);
          float[] sc = new float[out * groups], zs = new float[out * groups];
          for (int i = 0; i < sc.length; i++) {
            sc[i] = (float) r.nextDouble(0.001, 0.1);
            zs[i] = bits == 8 ? r.nextInt(-3, 3) : r.nextInt(0, 16);
          }
          byte[] codes = bits == 8 ? QuantMatVec.pack8(out, in, (j, k) -> u[j * in + k]) : QuantMatVec.pack4(out, in, (j, k) -> u[j * in + k]);
          float[] ps = QuantMatVec.packGroups(out, groups, (j, k) -> sc[j * groups + k]), pz = QuantMatVec.packGroups(out, groups, (j, k) -> zs[j * groups + k]);
          float[] x = MatVecTest.rand(r, in + 1);
          float[] want = new float[out + 1], got = new float[out + 1];
          QuantMatVec.matvecScalar(bits, codes, ps, pz, out, in, g, x, 1, want, 1);
          for (int t : new int[] {1, 2}) {
            Parallel.setThreads(t);
            java.util.Arrays.fill(got, 0f);
            QuantMatVec.matvec(bits, codes, ps, pz, out, in, g, x, 1, got, 1);
            assertArrayEquals(want, got, 0f, "int" + bits + " " + out + "x" + in + " group " + g + " threads " + t);
          }
          for (int j = 0; j < out; j++) {
            double ref = 0, mag = 0;
            for (int k = 0; k < in; k++) {
              double w = sc[j * groups + k / g] * (u[j * in + k] - zs[j * groups + k / g]);
              ref += w * x[1 + k];
              mag += Math.abs(w * x[1 + k]);
            }
            assertEquals(ref, want[1 + j], 1e-5 * mag + 1e-6, "int" + bits + " row " + j);
          }
        }
      }
    } finally {
      Parallel.setThreads(threads);
    }
  }
}
