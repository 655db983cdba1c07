package dev.fivefold.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fivefold.tensor.Rng;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchesTest {
  private static List<Integer> ids(Batches.Batch b) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < b.size(); i++) out.add((int) b.x().get(i, 0, 0));
    return out;
  }

  @Test
  void sequentialKeepsAndDropsLast() {
    Dataset d = DatasetTest.ramp(10, 3);
    Batches keep = new Batches(d, 4, false, null);
    assertEquals(3, keep.batchesPerEpoch());
    List<List<Integer>> seen = new ArrayList<>();
    for (Batches.Batch b : keep) {
      seen.add(ids(b));
      assertEquals(b.size(), b.y().length);
      assertEquals(b.size(), b.x().dim(0));
      for (int i = 0; i < b.size(); i++) assertEquals(ids(b).get(i) % 3, b.y()[i]);
    }
    assertEquals(List.of(List.of(0, 1, 2, 3), List.of(4, 5, 6, 7), List.of(8, 9)), seen);
    assertEquals(1, keep.epoch());

    Batches drop = new Batches(d, 4, false, true, null);
    assertEquals(2, drop.batchesPerEpoch());
    int n = 0;
    for (Batches.Batch b : drop) n += b.size();
    assertEquals(8, n);
  }

  @Test
  void reusesBuffers() {
    Batches b = new Batches(DatasetTest.ramp(10, 3), 4, true, new Rng(1));
    Batches.Batch first = b.next();
    assertSame(first, b.next());
    Batches.Batch tail = b.next();
    assertEquals(2, tail.size());
    assertSame(first, b.next()); // next epoch
    b.next();
    assertSame(tail, b.next());
  }

  @Test
  void shuffleIsSeededPermutationPerEpoch() {
    Dataset d = DatasetTest.ramp(50, 5);
    List<Integer> e0 = epoch(new Batches(d, 7, true, new Rng(3))), again = epoch(new Batches(d, 7, true, new Rng(3)));
    assertEquals(e0, again);
    List<Integer> sorted = new ArrayList<>(e0);
    sorted.sort(null);
    List<Integer> all = new ArrayList<>();
    for (int i = 0; i < 50; i++) all.add(i);
    assertEquals(all, sorted);
    assertNotEquals(all, e0);
    Batches b = new Batches(d, 7, true, new Rng(3));
    assertNotEquals(epoch(b), epoch(b)); // a new order each epoch
  }

  private static List<Integer> epoch(Batches b) {
    List<Integer> out = new ArrayList<>();
    for (Batches.Batch x : b) out.addAll(ids(x));
    return out;
  }

  @Test
  void resumesExactly() {
    Dataset d = DatasetTest.ramp(23, 4);
    Batches ref = new Batches(d, 5, true, new Rng(9));
    List<List<Integer>> expected = new ArrayList<>();
    for (int i = 0; i < 20; i++) expected.add(ids(ref.next()));
    for (int cut = 0; cut < 20; cut++) {
      Batches a = new Batches(d, 5, true, new Rng(9));
      for (int i = 0; i < cut; i++) a.next();
      Batches.State s = a.state();
      Batches resumed = new Batches(d, 5, true, new Rng(12345));
      resumed.restore(s);
      for (int i = cut; i < 20; i++) assertEquals(expected.get(i), ids(resumed.next()), "cut " + cut + " step " + i);
    }
  }

  @Test
  void emptyAndBadArguments() {
    Dataset d = DatasetTest.ramp(3, 2);
    assertThrows(IllegalArgumentException.class, () -> new Batches(d, 0, false, null));
    assertThrows(IllegalArgumentException.class, () -> new Batches(d, 2, true, null));
    Batches b = new Batches(d, 4, false, true, null);
    assertEquals(0, b.batchesPerEpoch());
    assertThrows(IllegalStateException.class, b::next);
    assertArrayEquals(new int[] {0, 1, 0}, Arrays.copyOf(new Batches(d, 8, false, null).next().y(), 3));
  }
}
