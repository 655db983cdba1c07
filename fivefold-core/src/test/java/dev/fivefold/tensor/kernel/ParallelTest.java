package dev.fivefold.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

  /** An idle worker spins for about SPIN_NANOS, then parks: a program that stops computing stops using the cores. */
  @Test
  void idleWorkerParksAfterItsSpin() throws InterruptedException {
    int saved = Parallel.threads();
    try {
      Parallel.setThreads(2);
      Thread[] worker = new Thread[1];
      Parallel.forRange(0, 2, (lo, hi) -> {
        if (lo == 1) worker[0] = Thread.currentThread();
      });
      assertTrue(worker[0] != null && worker[0].getName().startsWith("fivefold-"), "the second chunk ran on a worker");
      long deadline = System.nanoTime() + Parallel.SPIN_NANOS + 2_000_000_000L;
      while (worker[0].getState() != Thread.State.WAITING && System.nanoTime() < deadline) Thread.sleep(1);
      assertEquals(Thread.State.WAITING, worker[0].getState(), "the idle worker parked");
      int[] hits = new int[2];
      Parallel.forRange(0, 2, (lo, hi) -> hits[lo]++);
      assertEquals(1, hits[0]);
      assertEquals(1, hits[1], "a parked worker wakes for the next range");
    } finally {
      Parallel.setThreads(saved);
    }
  }
}
