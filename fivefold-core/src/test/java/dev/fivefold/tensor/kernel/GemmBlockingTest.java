package dev.fivefold.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Every {@link GemmBlocking} candidate against the scalar reference, and all of them against each other bit for bit. */
class GemmBlockingTest {
  @Test
  void everyCandidateMatchesTheScalarReference() {
    GemmBlocking saved = Gemm.blocking();
    try {
      for (GemmBlocking g : GemmBlocking.candidates()) {
        Gemm.setBlocking(g);
        var rnd = new SplittableRandom(3);
        int[] sizes = {1, 5, 8, 12, 13, 31, 33, 64, 97, 130, 300};
        float[] betas = {0f, 1f, 0.5f};
        for (int t = 0; t < 120; t++) {
          new GemmTest.Case(rnd.nextBoolean(), rnd.nextBoolean(), sizes[rnd.nextInt(sizes.length)], sizes[rnd.nextInt(sizes.length)],
              sizes[rnd.nextInt(sizes.length)], betas[rnd.nextInt(3)], rnd.nextInt(3) * 5, t).check();
        }
        for (int tr = 0; tr < 4; tr++) {
          new GemmTest.Case((tr & 1) != 0, (tr & 2) != 0, 128, 300, 784, 0f, 0, 1).check();
          new GemmTest.Case((tr & 1) != 0, (tr & 2) != 0, 129, 33, 1000, 0.5f, 2, 4).check(); // several KC blocks
          new GemmTest.Case((tr & 1) != 0, (tr & 2) != 0, 9, 2100, 40, 0f, 1, 5).check(); // two NC blocks
        }
      }
    } finally {
      Gemm.setBlocking(saved);
    }
  }

  @Test
  void candidatesAreBitIdenticalForEveryThreadCount() {
    GemmBlocking saved = Gemm.blocking();
    int threads = Parallel.threads();
    try {
      var rnd = new SplittableRandom(17);
      int[][] shapes = {{128, 300, 784}, {300, 784, 128}, {257, 131, 300}, {33, 700, 129}, {520, 520, 520}, {20, 25, 20000}, {7, 100, 1000}};
      for (int[] s : shapes) {
        for (int tr = 0; tr < 4; tr++) {
          boolean ta = (tr & 1) != 0, tb = (tr & 2) != 0;
          int m = s[0], n = s[1], k = s[2];
          float[] a = GemmTest.rand(rnd, m * k), b = GemmTest.rand(rnd, k * n), c0 = GemmTest.rand(rnd, m * n);
          float beta = tr == 3 ? 0.5f : tr == 2 ? 0f : 1f;
          float[] want = null;
          for (GemmBlocking g : GemmBlocking.candidates()) {
            Gemm.setBlocking(g);
            for (int th = 1; th <= 2; th++) {
              Parallel.setThreads(th);
              float[] c = c0.clone();
              Gemm.sgemm(ta, tb, m, n, k, a, 0, ta ? m : k, b, 0, tb ? k : n, beta, c, 0, n);
              if (want == null) want = c;
              else assertArrayEquals(want, c, g.name() + ", " + th + " threads, " + Arrays.toString(s) + " tr=" + tr);
            }
          }
        }
      }
    } finally {
      Gemm.setBlocking(saved);
      Parallel.setThreads(threads);
    }
  }

  @Test
  void tuningPicksACandidateAndNamesAreChecked() {
    GemmBlocking t = GemmBlocking.tune();
    assertTrue(GemmBlocking.candidates().contains(t), t.toString());
    assertTrue(Gemm.blockingTimings().size() >= GemmBlocking.candidates().size(), Gemm.blockingTimings().toString());
    if (!Gemm.blockingTimings().containsKey("settled")) { // a settled timing measured compiled kernels only
      for (var e : Gemm.blockingTimings().entrySet()) assertTrue(e.getValue() >= GemmBlocking.MIN_COMPILED_GFLOPS, Gemm.blockingTimings().toString());
    } else {
      assertEquals(GemmBlocking.candidates().getFirst(), t, "unsettled timings keep the first candidate");
    }
    assertEquals(GemmBlocking.named("12x2"), GemmBlocking.candidates().get(1));
    var e = assertThrows(IllegalArgumentException.class, () -> GemmBlocking.named("9x9"));
    assertEquals("gemm blocking (9x9) must be one of 6x4, 12x2, 8x2, 5x4", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new GemmBlocking("x", 8, 2, 100, 2048));
  }
}
