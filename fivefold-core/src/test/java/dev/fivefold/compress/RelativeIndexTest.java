package dev.fivefold.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.tensor.Rng;
import org.junit.jupiter.api.Test;

class RelativeIndexTest {
  @Test
  void fillersAreInsertedForLongGaps() {
    // gap 19 with 3 bits (max 7): two fillers of +8 each, then gap 3
    RelativeIndex r = RelativeIndex.encode(new int[] {0, 20}, 3);
    assertArrayEquals(new int[] {0, 7, 7, 3}, r.gaps());
    assertArrayEquals(new boolean[] {false, true, true, false}, r.filler());
    assertEquals(4, r.entries());
    assertEquals(2, r.fillers());
    assertEquals(12, r.totalIndexBits());
    assertArrayEquals(new int[] {0, 20}, r.decode());
    assertArrayEquals(new float[] {1f, 0f, 0f, 2f}, r.withFillers(new float[] {1f, 2f}));
    // a gap of exactly 2^b − 1 needs no filler; 2^b does
    assertEquals(0, RelativeIndex.encode(new int[] {7}, 3).fillers());
    assertEquals(1, RelativeIndex.encode(new int[] {8}, 3).fillers());
    assertEquals(0, RelativeIndex.encode(new int[0], 4).entries());
    assertThrows(IllegalArgumentException.class, () -> RelativeIndex.encode(new int[] {3, 3}, 4));
  }

  @Test
  void randomPositionsRoundTripAtEveryWidth() {
    Rng rng = new Rng(11);
    for (double density : new double[] {0.5, 0.1, 0.01}) {
      int size = 20000;
      int[] pos = java.util.stream.IntStream.range(0, size).filter(i -> rng.nextDouble() < density).toArray();
      for (int bits = 1; bits <= 12; bits++) {
        RelativeIndex r = RelativeIndex.encode(pos, bits);
        assertArrayEquals(pos, r.decode(), "density " + density + " bits " + bits);
        long expectFill = 0;
        for (int i = 0; i < pos.length; i++) expectFill += (pos[i] - (i == 0 ? -1 : pos[i - 1]) - 1) / (1L << bits);
        assertEquals(expectFill, r.fillers());
        assertEquals(pos.length + expectFill, r.entries());
      }
      int best = RelativeIndex.bestIndexBits(pos, 16);
      assertTrue(best >= 1 && best <= 16);
    }
  }

  @Test
  void quantizedTensorPositionsRoundTrip() {
    QuantizedTensor q = new QuantizedTensor("w", new int[] {10, 30}, 2, new float[] {-1f, 1f}, new int[] {3, 40, 299}, new int[] {0, 1, 1});
    assertArrayEquals(q.positions(), RelativeIndex.of(q, 5).decode());
  }
}
