package dev.fivefold.compress.code;

/**
 * An adaptive order-0 frequency model: every count starts at 1, the coded symbol's count grows by
 * {@code increment}, and when the total exceeds {@code limit} all counts are halved (rounding up,
 * so none reaches 0). Halving forgets old statistics, so the model also tracks slow drift.
 *
 * <p>Cumulative counts live in a Fenwick tree (Fenwick 1994, "A new data structure for cumulative
 * frequency tables"), so finding and updating a symbol is {@code O(log alphabet)} even for a 2^16
 * alphabet. The effective limit is at least {@code 4 * alphabet}, or a large alphabet would rescale
 * after every symbol.
 */
final class AdaptiveModel {
  final int alphabet;
  private final int increment;
  private final int limit;
  private final int[] freq;
  private final int[] tree; // 1-based Fenwick tree over freq
  private final int topBit; // highest power of two <= alphabet
  private int total;

  AdaptiveModel(int alphabet, int increment, int limit) {
    this.alphabet = alphabet;
    this.increment = increment;
    this.limit = effectiveLimit(alphabet, increment, limit);
    freq = new int[alphabet];
    tree = new int[alphabet + 1];
    topBit = Integer.highestOneBit(alphabet);
    java.util.Arrays.fill(freq, 1);
    rebuild();
  }

  static int effectiveLimit(int alphabet, int increment, int limit) {
    return Math.max(limit, Math.max(4 * alphabet, 4 * increment));
  }

  int total() {
    return total;
  }

  int freq(int s) {
    return freq[s];
  }

  /** Sum of the counts of symbols {@code < s}. */
  int start(int s) {
    int sum = 0;
    for (int i = s; i > 0; i -= i & -i) sum += tree[i];
    return sum;
  }

  /** The symbol whose interval {@code [start, start + freq)} holds {@code target < total}. */
  int find(int target) {
    int pos = 0;
    for (int step = topBit; step > 0; step >>= 1) {
      int next = pos + step;
      if (next <= alphabet && tree[next] <= target) {
        pos = next;
        target -= tree[next];
      }
    }
    return pos; // pos symbols have cumulative count <= target
  }

  void update(int s) {
    freq[s] += increment;
    total += increment;
    for (int i = s + 1; i <= alphabet; i += i & -i) tree[i] += increment;
    if (total > limit) {
      for (int k = 0; k < alphabet; k++) freq[k] = (freq[k] + 1) >>> 1;
      rebuild();
    }
  }

  private void rebuild() {
    total = 0;
    for (int k = 0; k < alphabet; k++) {
      tree[k + 1] = freq[k];
      total += freq[k];
    }
    for (int i = 1; i <= alphabet; i++) {
      int j = i + (i & -i);
      if (j <= alphabet) tree[j] += tree[i];
    }
  }
}
