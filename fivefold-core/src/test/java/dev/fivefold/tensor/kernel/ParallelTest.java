package dev.fivefold.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ParallelTest {
  @Test
  void coversRangeOnceAndWaitsForAllChunksOnFailure() {
    int saved = Parallel.threads();
    try {
      Parallel.setThreads(2);
      int[] hits = new int[1000];
      Parallel.forRange(0, 1000, (lo, hi) -> {
        for (int i = lo; i < hi; i++) hits[i]++;
      });
      for (int h : hits) assertEquals(1, h);
      AtomicInteger done = new AtomicInteger();
      assertThrows(IllegalStateException.class, () -> Parallel.forRange(0, 2, (lo, hi) -> {
        if (lo == 0) throw new IllegalStateException("first chunk");
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        done.incrementAndGet();
      }));
      assertEquals(1, done.get(), "the other chunk finished before forRange returned");
    } finally {
      Parallel.setThreads(saved);
    }
  }
}
