package dev.fivefold.autodiff;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Float buffers recycled by exact length. A tape takes its temporaries from here and gives them
 * all back on {@link Tape#reset()}, so a training step of a fixed shape allocates nothing new after
 * the first step. Not thread-safe (one tape, one thread drives it).
 */
final class BufferPool {
  private final Map<Integer, ArrayDeque<float[]>> free = new HashMap<>();
  private final List<float[]> lent = new ArrayList<>();
  private final Map<Integer, ArrayDeque<int[]>> freeInts = new HashMap<>();
  private final List<int[]> lentInts = new ArrayList<>();
  private long allocatedBytes;

  /** A buffer of exactly {@code n} floats with unspecified contents. */
  float[] take(int n) {
    ArrayDeque<float[]> q = free.get(n);
    float[] b = q == null ? null : q.pollFirst();
    if (b == null) {
      b = new float[n];
      allocatedBytes += 4L * n + 16;
    }
    lent.add(b);
    return b;
  }

  /** A buffer of exactly {@code n} zeros. */
  float[] takeZeroed(int n) {
    float[] b = take(n);
    java.util.Arrays.fill(b, 0f);
    return b;
  }

  int[] takeInts(int n) {
    ArrayDeque<int[]> q = freeInts.get(n);
    int[] b = q == null ? null : q.pollFirst();
    if (b == null) {
      b = new int[n];
      allocatedBytes += 4L * n + 16;
    }
    lentInts.add(b);
    return b;
  }

  /**
   * Returns one lent buffer to the pool before {@link #releaseAll()}, so a later {@link #take} of
   * the same length can reuse it within the same step. The caller must drop every reference to it.
   * Buffers this pool did not lend (a parameter's accumulator) are ignored. The search runs from
   * the most recently lent buffer, where a gradient taken during backward sits.
   */
  void giveBack(float[] b) {
    for (int i = lent.size() - 1; i >= 0; i--) {
      if (lent.get(i) == b) {
        int last = lent.size() - 1;
        lent.set(i, lent.get(last));
        lent.remove(last);
        free.computeIfAbsent(b.length, k -> new ArrayDeque<>()).addFirst(b);
        return;
      }
    }
  }

  /** Returns every lent buffer to the pool. */
  void releaseAll() {
    for (float[] b : lent) free.computeIfAbsent(b.length, k -> new ArrayDeque<>()).addFirst(b);
    lent.clear();
    for (int[] b : lentInts) freeInts.computeIfAbsent(b.length, k -> new ArrayDeque<>()).addFirst(b);
    lentInts.clear();
  }

  /** Bytes of new arrays this pool has allocated so far. */
  long allocatedBytes() {
    return allocatedBytes;
  }
}
