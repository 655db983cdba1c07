package dev.fivefold.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
import org.junit.jupiter.api.Test;

class RandomShiftTest {
  /** A 3 x 4 image with pixel values 1..12 row by row. */
  static float[] ramp() {
    float[] a = new float[12];
    for (int i = 0; i < 12; i++) a[i] = i + 1;
    return a;
  }

  @Test
  void shiftOfAKnownImageGivesTheExpectedPixels() {
    float[] out = new float[12];
    RandomShift.shift(ramp(), 0, out, 0, 3, 4, 1, 0); // right by one: a blank first column
    assertArrayEquals(new float[] {0, 1, 2, 3, 0, 5, 6, 7, 0, 9, 10, 11}, out);
    RandomShift.shift(ramp(), 0, out, 0, 3, 4, -2, 1); // left by two, down by one
    assertArrayEquals(new float[] {0, 0, 0, 0, 3, 4, 0, 0, 7, 8, 0, 0}, out);
    RandomShift.shift(ramp(), 0, out, 0, 3, 4, 0, -1); // up by one
    assertArrayEquals(new float[] {5, 6, 7, 8, 9, 10, 11, 12, 0, 0, 0, 0}, out);
    RandomShift.shift(ramp(), 0, out, 0, 3, 4, 0, 0);
    assertArrayEquals(ramp(), out);
    RandomShift.shift(ramp(), 0, out, 0, 3, 4, 4, 0); // off the image
    assertArrayEquals(new float[12], out);
  }

  /** One lit pixel per image: it moves by at most maxShift each way, every offset occurs, labels and input stay. */
  @Test
  void randomShiftsStayInRangeCoverEveryOffsetAndKeepLabels() {
    int n = 400, k = 2;
    float[] x = new float[n * 28 * 28];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      x[i * 784 + 14 * 28 + 14] = 1; // centre pixel
      y[i] = i % 10;
    }
    Dataset d = new Dataset(Tensor.of(x, n, 1, 28, 28), y, 10);
    float[] before = x.clone();
    Dataset s = RandomShift.mnist(k, new Rng(3)).apply(d);
    assertArrayEquals(before, d.x().data());
    assertArrayEquals(y, s.y());
    assertArrayEquals(d.x().shape().dims(), s.x().shape().dims());
    boolean[][] seen = new boolean[2 * k + 1][2 * k + 1];
    for (int i = 0; i < n; i++) {
      int lit = -1;
      for (int j = 0; j < 784; j++) {
        float v = s.x().data()[i * 784 + j];
        if (v != 0) {
          assertEquals(-1, lit, "sample " + i + " has two lit pixels");
          lit = j;
        }
      }
      int dy = lit / 28 - 14, dx = lit % 28 - 14;
      assertTrue(Math.abs(dx) <= k && Math.abs(dy) <= k, "offset " + dx + "," + dy);
      seen[dy + k][dx + k] = true;
    }
    for (boolean[] row : seen) for (boolean b : row) assertTrue(b, "an offset never occurred in " + n + " draws");
    assertArrayEquals(s.x().data(), RandomShift.mnist(k, new Rng(3)).apply(d).x().data(), "same seed, same shifts");
  }

  @Test
  void badArgumentsAreNamed() {
    assertEquals("maxShift (28) must be in [0, 28)", assertThrows(IllegalArgumentException.class, () -> RandomShift.mnist(28, new Rng(1))).getMessage());
    assertEquals("maxShift (-1) must be in [0, 28)", assertThrows(IllegalArgumentException.class, () -> RandomShift.mnist(-1, new Rng(1))).getMessage());
    RandomShift r = new RandomShift(3, 4, 1, new Rng(1));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> r.apply(Tensor.zeros(2, 10))).getMessage().contains("3x4"));
  }
}
