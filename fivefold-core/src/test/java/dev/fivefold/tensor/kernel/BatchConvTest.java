package dev.fivefold.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link BatchConv} against its one-image-at-a-time scalar reference, and thread independence. */
class BatchConvTest {
  private static float[] rand(SplittableRandom rnd, int n) {
    return ConvTest.rand(rnd, n);
  }

  /** The four results of one geometry: y, dx, dw, db (dx, dw, db accumulated onto the same random start). */
  private static float[][] run(BatchConv.Geometry g, boolean reference, long seed) {
    var rnd = new SplittableRandom(seed);
    float[] x = rand(rnd, g.n() * g.c() * g.h() * g.w()), w = rand(rnd, g.oc() * g.ckk()), b = rand(rnd, g.oc());
    float[] dy = rand(rnd, g.n() * g.oc() * g.p());
    float[] y = rand(rnd, dy.length), dx = rand(rnd, x.length), dw = rand(rnd, w.length), db = rand(rnd, b.length);
    if (reference) {
      BatchConv.forwardScalar(g, x, w, b, y);
      BatchConv.backwardScalar(g, x, w, dy, dx, dw, db);
    } else {
      BatchConv.forward(g, x, w, b, y, BatchConv.Buffers.NEW);
      BatchConv.backward(g, x, w, dy, dx, dw, db, BatchConv.Buffers.NEW);
    }
    return new float[][] {y, dx, dw, db};
  }

  private static void assertClose(float[] want, float[] got, double tol, String what) {
    assertEquals(want.length, got.length, what);
    for (int i = 0; i < want.length; i++) {
      assertEquals(want[i], got[i], tol * (1 + Math.abs(want[i])), what + " [" + i + "]");
    }
  }

  @Test
  void matchesReferenceOnOddShapes() {
    // channels not a multiple of the vector width, stride 1 and 2, padding 0..2, batches 1, 3 and 128
    int[][] shapes = { // n, c, h, w, oc, k, stride, pad
        {1, 1, 5, 7, 3, 3, 1, 1}, {3, 3, 8, 9, 5, 3, 2, 1}, {3, 17, 7, 7, 19, 3, 1, 1}, {1, 5, 9, 6, 7, 2, 2, 0},
        {3, 2, 6, 6, 4, 5, 1, 2}, {128, 3, 6, 5, 6, 3, 2, 1}, {128, 1, 28, 28, 8, 3, 1, 1}, {3, 33, 14, 14, 31, 3, 2, 1},
        {3, 20, 4, 4, 40, 1, 2, 0}};
    for (int[] s : shapes) {
      var g = new BatchConv.Geometry(s[0], s[1], s[2], s[3], s[4], s[5], s[5], s[6], s[7]);
      float[][] want = run(g, true, 7), got = run(g, false, 7);
      String[] names = {"y", "dx", "dw", "db"};
      // dw and db sum N·P products in another order (per chunk, then over chunks)
      for (int i = 0; i < 4; i++) assertClose(want[i], got[i], i >= 2 ? 1e-4 * Math.sqrt(g.n() * g.p()) : 1e-5, names[i] + " " + g);
    }
  }

  /**
   * Convolutions on the wide grid ({@link WideConv}, no im2col) against the im2col path:
   * the forward bit for bit (the same multiply-adds in the same order), the gradients to float
   * rounding (dW sums over the wide grid's positions in other depth blocks); chunks of one image and
   * of many, a short last chunk, padding 0 to 2, kernels 1 to 5. Four take the
   * {@link WideConv.Flipped} convolution's forward for the input gradient (stride 1, at least 8
   * channels, same-size convolutions, 1×1 to 5×5); the others the column-gradient path (a pad of 2
   * on a 2×2 kernel, a 3×2 kernel, few channels, an unpadded 3×3, other strides).
   */
  @Test
  void wideGridMatchesTheIm2colPath() {
    boolean saved = BatchConv.WIDE;
    int flipped = 0;
    try {
      for (var g : new BatchConv.Geometry[] {new BatchConv.Geometry(5, 32, 28, 28, 32, 3, 3, 1, 1), new BatchConv.Geometry(41, 4, 10, 10, 8, 3, 3, 1, 1),
          new BatchConv.Geometry(3, 6, 12, 9, 10, 5, 5, 1, 2), new BatchConv.Geometry(7, 16, 8, 8, 24, 3, 3, 1, 0),
          new BatchConv.Geometry(4, 64, 7, 7, 64, 3, 3, 1, 1), new BatchConv.Geometry(9, 12, 6, 6, 20, 1, 1, 1, 0),
          new BatchConv.Geometry(5, 32, 28, 28, 64, 3, 3, 2, 1), new BatchConv.Geometry(6, 32, 28, 28, 64, 1, 1, 2, 0),
          new BatchConv.Geometry(4, 64, 14, 14, 128, 3, 3, 2, 1), new BatchConv.Geometry(3, 5, 11, 10, 9, 5, 5, 3, 2),
          new BatchConv.Geometry(7, 6, 9, 8, 10, 2, 2, 2, 0), new BatchConv.Geometry(4, 6, 7, 7, 5, 2, 2, 1, 2), new BatchConv.Geometry(3, 9, 12, 9, 10, 5, 5, 1, 2),
          new BatchConv.Geometry(3, 5, 9, 8, 7, 3, 2, 1, 1)}) {
        assertTrue(WideConv.forwardApplies(g, WideConv.Layout.of(g), BatchConv.imagesPerChunk(g)),
            "the wide path is taken for " + g);
        if (WideConv.Flipped.applies(g)) flipped++;
        BatchConv.WIDE = false;
        float[][] im2col = run(g, false, 11);
        BatchConv.WIDE = true;
        float[][] wide = run(g, false, 11);
        assertArrayEquals(im2col[0], wide[0], "y " + g);
        assertClose(im2col[1], wide[1], 1e-5, "dx " + g);
        assertClose(im2col[2], wide[2], 1e-4 * Math.sqrt(g.n() * g.p()), "dw " + g);
        assertArrayEquals(im2col[3], wide[3], "db " + g);
      }
      assertEquals(4, flipped, "geometries whose input gradient runs flipped");
    } finally {
      BatchConv.WIDE = saved;
    }
  }

  @Test
  void identicalForEveryThreadCount() {
    int saved = Parallel.threads();
    try {
      for (var g : new BatchConv.Geometry[] {new BatchConv.Geometry(128, 8, 14, 14, 16, 3, 3, 1, 1),
          new BatchConv.Geometry(37, 16, 7, 7, 32, 3, 3, 2, 1), new BatchConv.Geometry(1, 4, 28, 28, 8, 3, 3, 1, 1)}) {
        assertTrue(BatchConv.imagesPerChunk(g) >= 1);
        Parallel.setThreads(1);
        float[][] one = run(g, false, 3);
        for (int t : new int[] {2, 3, 5}) {
          Parallel.setThreads(t);
          float[][] many = run(g, false, 3);
          for (int i = 0; i < 4; i++) assertArrayEquals(one[i], many[i], "output " + i + " with " + t + " threads, " + g);
        }
      }
    } finally {
      Parallel.setThreads(saved);
    }
  }

  @Test
  void skipsGradientsNotWanted() {
    var g = new BatchConv.Geometry(3, 2, 5, 5, 3, 3, 3, 1, 1);
    var rnd = new SplittableRandom(5);
    float[] x = rand(rnd, 150), w = rand(rnd, 54), dy = rand(rnd, 225), dx = rand(rnd, 150);
    float[] want = dx.clone();
    BatchConv.backwardScalar(g, x, w, dy, want, null, null);
    BatchConv.backward(g, x, w, dy, dx, null, null, BatchConv.Buffers.NEW);
    assertClose(want, dx, 1e-5, "dx");
    BatchConv.backward(g, x, w, dy, null, null, null, BatchConv.Buffers.NEW); // nothing wanted: a no-op
    // dx alone through the flipped convolution (dY is then not laid on the wide grid for dW)
    var f = new BatchConv.Geometry(3, 8, 6, 6, 5, 3, 3, 1, 1);
    assertTrue(WideConv.Flipped.applies(f));
    float[] fx = rand(rnd, 3 * 8 * 36), fw = rand(rnd, 5 * 72), fdy = rand(rnd, 3 * 5 * 36), fdx = rand(rnd, fx.length);
    float[] fwant = fdx.clone();
    BatchConv.backwardScalar(f, fx, fw, fdy, fwant, null, null);
    BatchConv.backward(f, fx, fw, fdy, fdx, null, null, BatchConv.Buffers.NEW);
    assertClose(fwant, fdx, 1e-5, "dx flipped");
  }

  @Test
  void chunkSizeAndCacheSize() {
    assertTrue(BatchConv.l2Bytes() >= 64 << 10, "l2 " + BatchConv.l2Bytes());
    var g = new BatchConv.Geometry(128, 1, 28, 28, 32, 3, 3, 1, 1);
    int m = BatchConv.imagesPerChunk(g);
    assertTrue(m >= 1 && m <= 128);
    assertTrue(m == 1 || 4L * g.ckk() * g.p() * m <= BatchConv.l2Bytes() / 2);
    assertEquals(1 << 20, BatchConv.parseSize("1024K"));
    assertEquals(1 << 20, BatchConv.parseSize("1024 KB"));
    assertEquals(2 << 20, BatchConv.parseSize("2M"));
    assertEquals(-1, BatchConv.parseSize("lots"));
    assertThrows(IllegalArgumentException.class, () -> new BatchConv.Geometry(1, 1, 2, 2, 1, 5, 5, 1, 0));
    assertThrows(IllegalArgumentException.class, () -> new BatchConv.Geometry(0, 1, 2, 2, 1, 1, 1, 1, 0));
  }
}
