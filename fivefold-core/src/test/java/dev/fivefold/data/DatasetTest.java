package dev.fivefold.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fivefold.io.BadInputException;
import dev.fivefold.tensor.Tensor;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DatasetTest {
  /** N samples of shape [2, 3]; sample i is filled with i, label i mod classes. */
  static Dataset ramp(int n, int classes) {
    float[] x = new float[n * 6];
    for (int i = 0; i < x.length; i++) x[i] = i / 6;
    return new Dataset(Tensor.of(x, n, 2, 3), IntStream.range(0, n).map(i -> i % classes).toArray(), classes);
  }

  @Test
  void validates() {
    assertEquals("dataset: sample count of x (3) does not match label count (2)",
        assertThrows(BadInputException.class, () -> new Dataset(Tensor.zeros(3, 2), new int[2], 2)).getMessage());
    assertEquals("dataset: label y[1] (5) is not in [0, 3)",
        assertThrows(BadInputException.class, () -> new Dataset(Tensor.zeros(2, 2), new int[] {0, 5}, 3)).getMessage());
    assertEquals("dataset: label y[0] (-1) is not in [0, 3)",
        assertThrows(BadInputException.class, () -> new Dataset(Tensor.zeros(2, 2), new int[] {-1, 0}, 3)).getMessage());
    Tensor x = Tensor.zeros(4, 3);
    x.set(Float.NaN, 2, 1);
    assertEquals("dataset: x of sample 2 (element 1) is NaN",
        assertThrows(BadInputException.class, () -> new Dataset(x, new int[4], 1)).getMessage());
    assertEquals("dataset: classes (0) must be >= 1",
        assertThrows(BadInputException.class, () -> new Dataset(Tensor.zeros(0, 3), new int[0], 0)).getMessage());
    assertEquals(0, new Dataset(Tensor.zeros(0, 3), new int[0], 2).size());
  }

  @Test
  void subsetTakeSplit() {
    Dataset d = ramp(10, 3);
    assertEquals(6, d.features());
    assertArrayEquals(new int[] {2, 3}, d.sampleDims());
    Dataset s = d.subset(new int[] {7, 2, 7});
    assertArrayEquals(new int[] {3, 2, 3}, s.x().shape().dims());
    assertArrayEquals(new int[] {1, 2, 1}, s.y());
    assertEquals(2f, s.x().get(1, 1, 2));
    assertEquals(4, d.take(4).size());
    assertEquals(10, d.take(99).size());
    assertThrows(IndexOutOfBoundsException.class, () -> d.subset(new int[] {10}));

    Dataset.Split a = d.split(0.3, 42), b = d.split(0.3, 42), c = d.split(0.3, 43);
    assertEquals(a, b);
    assertEquals(7, a.train().size());
    assertEquals(3, a.heldOut().size());
    float[] ids = new float[10];
    for (Dataset part : new Dataset[] {a.train(), a.heldOut()}) {
      for (int i = 0; i < part.size(); i++) ids[(int) part.x().get(i, 0, 0)]++;
    }
    float[] ones = new float[10];
    Arrays.fill(ones, 1);
    assertArrayEquals(ones, ids); // disjoint and complete
    assertNotEquals(a.heldOut(), c.heldOut());
    assertThrows(IllegalArgumentException.class, () -> d.split(Double.NaN, 1));
    assertThrows(IllegalArgumentException.class, () -> d.split(1.5, 1));
  }
}
