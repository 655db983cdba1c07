package dev.fivefold.compress.code;

/**
 * Symbol counts and their normalisation to a total of {@code 2^scaleBits}, as static range and
 * rANS coders need.
 *
 * <p>Normalisation keeps every used symbol at frequency {@code >= 1} and then minimises the coding
 * cost {@code sum_s c_s * log2(T / f_s)} greedily: start from {@code f_s = max(1, round(c_s T / n))}
 * and move one unit at a time where the cost changes least, {@code c_s * log2(f_s / (f_s - 1))} to
 * take a unit away and {@code c_s * log2((f_s + 1) / f_s)} to give one (the cost is convex in
 * each {@code f_s}, so greedy steps are optimal for the rounding residual; cf. Moffat and Turpin,
 * "Compression and Coding Algorithms", 2002, section 6.4).
 */
final class Frequencies {
  private Frequencies() {}

  static long[] count(int[] symbols, int alphabet) {
    long[] c = new long[alphabet];
    for (int s : symbols) c[s]++;
    return c;
  }

  static int used(long[] counts) {
    int u = 0;
    for (long c : counts) if (c > 0) u++;
    return u;
  }

  /** Frequencies summing to {@code 2^scaleBits}; needs {@code 1 <= used <= 2^scaleBits}. */
  static int[] normalize(long[] counts, int scaleBits) {
    long total = 0;
    for (long c : counts) total += c;
    int n = counts.length;
    int[] f = new int[n];
    if (total == 0) return f;
    long target = 1L << scaleBits;
    long sum = 0;
    for (int s = 0; s < n; s++) {
      if (counts[s] == 0) continue;
      f[s] = (int) Math.max(1, Math.round((double) counts[s] * target / total));
      sum += f[s];
    }
    if (sum == target) return f;
    boolean shrink = sum > target;
    // a binary min-heap of symbols keyed by the cost of their next step; ties go to the smaller symbol
    int[] heap = new int[n];
    double[] cost = new double[n];
    int size = 0;
    for (int s = 0; s < n; s++) {
      if (counts[s] > 0 && (!shrink || f[s] > 1)) {
        cost[s] = stepCost(counts[s], f[s], shrink);
        heap[size++] = s;
      }
    }
    for (int i = size / 2 - 1; i >= 0; i--) siftDown(heap, size, i, cost);
    while (sum != target) {
      int s = heap[0];
      f[s] += shrink ? -1 : 1;
      sum += shrink ? -1 : 1;
      if (!shrink || f[s] > 1) {
        cost[s] = stepCost(counts[s], f[s], shrink);
      } else {
        heap[0] = heap[--size];
      }
      siftDown(heap, size, 0, cost);
    }
    return f;
  }

  private static boolean before(int a, int b, double[] cost) {
    return cost[a] < cost[b] || (cost[a] == cost[b] && a < b);
  }

  private static void siftDown(int[] heap, int size, int i, double[] cost) {
    int x = heap[i];
    while (true) {
      int c = 2 * i + 1;
      if (c >= size) break;
      if (c + 1 < size && before(heap[c + 1], heap[c], cost)) c++;
      if (!before(heap[c], x, cost)) break;
      heap[i] = heap[c];
      i = c;
    }
    heap[i] = x;
  }

  private static double stepCost(long c, int f, boolean shrink) {
    // StrictMath: the version-2 decoder normalises the transmitted counts itself, so the result
    // must be bit-identical on every JVM and CPU
    return shrink ? c * StrictMath.log((double) f / (f - 1)) : -c * StrictMath.log((double) (f + 1) / f);
  }
}
