package dev.fivefold.perception.explain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Occlusion finds the one region a model reads, and nothing else. */
class OcclusionTest {
  /** n 8×8 images, uniform noise, the region set to {@code region} for even images and 1 − region for odd ones. */
  static Tensor images(TinyModels.Region m, int n, float region, long seed) {
    Rng r = new Rng(seed);
    float[] x = new float[n * 64];
    for (int i = 0; i < n; i++) {
      for (int p = 0; p < 64; p++) x[i * 64 + p] = m.inside(p) ? (i % 2 == 0 ? region : 1 - region) : r.nextFloat();
    }
    return Tensor.of(x, n, 1, 8, 8);
  }

  @Test
  void mapIsPositiveOnTheRegionAndZeroElsewhere() {
    TinyModels.Region m = new TinyModels.Region(2, 3, 4, 5, 5f, 0.5f);
    Tensor x = images(m, 2, 0.9f, 1);
    // aligned squares: the square at (2, 4) is the region
    Heatmap[] maps = Occlusion.compute(m, x, new int[] {0, 0}, 2, 2, 0f);
    for (int q = 0; q < 64; q++) {
      if (m.inside(q)) assertTrue(maps[0].values()[q] > 0.1, "region pixel " + q + ": " + maps[0].values()[q]);
      else assertEquals(0f, maps[0].values()[q], 1e-6f, "pixel " + q);
    }
    // image 1 has a dark region: hiding it (baseline 0) makes class 0 less likely still, a small positive drop
    assertTrue(maps[1].values()[2 * 8 + 4] >= 0);
    // a 3×3 square at stride 1 reaches the region from one pixel around it, never from further
    Heatmap wide = Occlusion.compute(m, x, new int[] {0, 0}, 3, 1, 0f)[0];
    for (int q = 0; q < 64; q++) {
      int r = q / 8, c = q % 8;
      boolean near = r >= 0 && r <= 5 && c >= 2 && c <= 7;
      if (!near) assertEquals(0f, wide.values()[q], 1e-6f, "pixel " + q);
    }
    assertTrue(wide.values()[2 * 8 + 4] > 0.1);
  }

  @Test
  void cornersCoverTheEdgesAndBadSizesAreRefused() {
    assertArrayEquals(new int[] {0, 2, 4, 6}, Occlusion.corners(8, 2, 2));
    assertArrayEquals(new int[] {0, 3, 5}, Occlusion.corners(8, 3, 3));
    assertArrayEquals(new int[] {0}, Occlusion.corners(8, 8, 1));
    TinyModels.Region m = new TinyModels.Region(2, 3, 4, 5, 5f, 0.5f);
    Tensor x = images(m, 1, 0.9f, 1);
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Occlusion.compute(m, x, new int[] {0}, 0, 1, 0f)).getMessage().contains("patch (0)"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Occlusion.compute(m, x, new int[] {0}, 9, 1, 0f)).getMessage().contains("patch (9) must be in [1, 8]"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Occlusion.compute(m, x, new int[] {0}, 2, 0, 0f)).getMessage().contains("stride (0) must be >= 1"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Occlusion.compute(m, x, new int[] {2}, 2, 1, 0f)).getMessage().contains("target class (2)"));
  }
}
