package dev.fivefold.compress.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fivefold.io.BadInputException;
import dev.fivefold.tensor.Rng;
import org.junit.jupiter.api.Test;

class RelativeIndexTest {
  @Test
  void handWorkedExample() {
    // 2 bits, M = 3: position 1 is gap 2; position 8 is gap 7 = filler 3, filler 3, then 1
    assertArrayEquals(new int[] {2, 0, 0, 1}, RelativeIndex.encode(new int[] {1, 8}, 2));
    assertArrayEquals(new int[] {1, 8}, RelativeIndex.decode(new int[] {2, 0, 0, 1}, 2, 2, 9, "t"));
    assertArrayEquals(new int[] {1, 1, 1}, RelativeIndex.encode(new int[] {0, 1, 2}, 1)); // dense
    assertEquals(1, RelativeIndex.chooseBits(new int[] {0, 1, 2, 3}));
  }

  @Test
  void roundTripsAndCountsAtEveryWidth() {
    Rng rng = new Rng(9);
    for (double density : new double[] {0.001, 0.05, 0.5, 1}) {
      int size = 20000;
      int[] all = new int[size];
      int n = 0;
      for (int i = 0; i < size; i++) if (density >= 1 || rng.nextDouble() < density) all[n++] = i;
      int[] pos = java.util.Arrays.copyOf(all, n);
      for (int b = 1; b <= 16; b++) {
        int[] e = RelativeIndex.encode(pos, b);
        assertEquals(RelativeIndex.entries(pos, b), e.length);
        assertArrayEquals(pos, RelativeIndex.decode(e, b, n, size, "t"));
      }
    }
  }

  @Test
  void quantizedTensorPositionsRoundTrip() {
    dev.fivefold.compress.QuantizedTensor q =
        new dev.fivefold.compress.QuantizedTensor("w", new int[] {10, 30}, 2, new float[] {-1f, 1f}, new int[] {3, 40, 299}, new int[] {0, 1, 1});
    for (int b = 1; b <= 16; b++) assertArrayEquals(q.positions(), RelativeIndex.decode(RelativeIndex.encode(q.positions(), b), b, 3, q.size(), "w"));
  }

  @Test
  void rejectsIndicesThatDoNotFit() {
    assertEquals("t: index entry 1 points past the tensor (5 >= 5)",
        assertThrows(BadInputException.class, () -> RelativeIndex.decode(new int[] {3, 3}, 2, 2, 5, "t")).getMessage());
    assertEquals("t: index entry 0 (4) exceeds 2 bits", assertThrows(BadInputException.class, () -> RelativeIndex.decode(new int[] {4}, 2, 1, 9, "t")).getMessage());
    assertEquals("t: index holds 1 weights, header says kept (2)", assertThrows(BadInputException.class, () -> RelativeIndex.decode(new int[] {1, 0}, 2, 2, 9, "t")).getMessage());
  }
}
