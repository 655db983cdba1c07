package dev.fivefold.compress.archive;

import dev.fivefold.io.BadInputException;

/**
 * Relative indices for sparse weights (Han, Mao and Dally 2016, "Deep Compression", section 3,
 * figure 2): each kept weight stores the gap to the previous kept one (the first to position -1)
 * in {@code b} bits. With {@code M = 2^b - 1}, an entry {@code g} in {@code 1..M} is a kept weight
 * {@code g} positions after the previous entry; a gap larger than {@code M} is bridged by filler
 * entries {@code 0}, each advancing {@code M} positions without a weight. Han et al. store the
 * filler as a zero weight; here it is a reserved index value, so the code stream holds kept
 * weights only.
 *
 * <p>A gap {@code g} costs {@code ceil(g / M)} entries. A dense tensor is all ones.
 */
final class RelativeIndex {
  private RelativeIndex() {}

  /** Number of entries for {@code positions} (ascending) at {@code bits}. */
  static long entries(int[] positions, int bits) {
    long m = (1L << bits) - 1;
    long n = 0;
    long prev = -1;
    for (int p : positions) {
      n += (p - prev + m - 1) / m;
      prev = p;
    }
    return n;
  }

  /** The {@code b} in 1..16 with the fewest raw index bits {@code b * entries(b)}; ties go to the smaller. */
  static int chooseBits(int[] positions) {
    int best = 1;
    long bestCost = Long.MAX_VALUE;
    for (int b = 1; b <= 16; b++) {
      long cost = b * entries(positions, b);
      if (cost < bestCost) {
        bestCost = cost;
        best = b;
      }
    }
    return best;
  }

  static int[] encode(int[] positions, int bits) {
    int m = (1 << bits) - 1;
    int[] out = new int[Math.toIntExact(entries(positions, bits))];
    int n = 0;
    int prev = -1;
    for (int p : positions) {
      long g = (long) p - prev;
      for (; g > m; g -= m) out[n++] = 0;
      out[n++] = (int) g;
      prev = p;
    }
    return out;
  }

  /**
   * Positions of {@code entries}; {@link BadInputException} "{@code what}: ..." unless they are
   * within {@code 0..2^bits - 1}, stay inside {@code size} and yield exactly {@code kept} weights.
   */
  static int[] decode(int[] entries, int bits, int kept, int size, String what) {
    int m = (1 << bits) - 1;
    int[] positions = new int[kept];
    int k = 0;
    long prev = -1;
    for (int i = 0; i < entries.length; i++) {
      int e = entries[i];
      if (e < 0 || e > m) throw new BadInputException(what + ": index entry " + i + " (" + e + ") exceeds " + bits + " bits");
      prev += e == 0 ? m : e;
      if (e == 0) continue;
      if (prev >= size) throw new BadInputException(what + ": index entry " + i + " points past the tensor (" + prev + " >= " + size + ")");
      if (k == kept) throw new BadInputException(what + ": index holds more than kept (" + kept + ") weights");
      positions[k++] = (int) prev;
    }
    if (k != kept) throw new BadInputException(what + ": index holds " + k + " weights, header says kept (" + kept + ")");
    return positions;
  }
}
