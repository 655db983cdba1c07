package dev.fivefold.compress.code;

import dev.fivefold.io.BadInputException;

/**
 * A static frequency model normalised to {@code 2^scaleBits}: frequencies, cumulative starts and a
 * slot-to-symbol lookup table ({@code 2^scaleBits} entries), shared by the static range coder and
 * rANS.
 *
 * <p>Serialised as {@code scaleBits} in 5 bits followed by, in version 2, the counts rounded to a
 * precision the encoder chooses ({@link FrequencyTable}; both sides normalise them the same way),
 * in version 1 the normalised frequencies as a {@link CountTable}. The version-2 encoder tries
 * precisions {@code P = 0, 1, 2, ...} (up to 16, until the total grows or the counts are exact)
 * and keeps the one that minimises table bits plus
 * {@code sum_s c_s log2(R / r_s)}, the payload the rounded counts {@code r_s} (total {@code R})
 * will cost. Reading checks
 * {@code scaleBits} in {@code [1, maxScaleBits]}, that the used symbols fit in {@code 2^scaleBits}
 * slots and (version 1) that the frequencies sum to exactly {@code 2^scaleBits}.
 */
final class StaticModel {
  private static final int MAX_SEARCHED_PRECISION = 16;
  final int scaleBits;
  final int[] freq;
  final int[] start;
  private final long[] rounded; // version 2: the counts the table sends
  private final int precision;
  private char[] lookup; // built on demand by the decoder

  private StaticModel(int scaleBits, int[] freq, long[] rounded, int precision) {
    this.scaleBits = scaleBits;
    this.freq = freq;
    this.rounded = rounded;
    this.precision = precision;
    this.start = new int[freq.length + 1];
    for (int s = 0; s < freq.length; s++) start[s + 1] = start[s] + freq[s];
  }

  /**
   * The model of these counts; {@code scaleBits} is raised so every used symbol fits, the table's
   * precision chosen as above.
   */
  static StaticModel fromCounts(long[] counts, int scaleBits, int maxScaleBits) {
    int used = Frequencies.used(counts);
    while (used > (1 << scaleBits) && scaleBits < maxScaleBits) scaleBits++;
    int bestP = 0;
    long[] bestRounded = null;
    double bestBits = Double.POSITIVE_INFINITY;
    for (int p = 0; p <= MAX_SEARCHED_PRECISION; p++) {
      long[] r = FrequencyTable.round(counts, p);
      double bits = FrequencyTable.bits(r, p) + crossEntropyBits(counts, r);
      if (bits < bestBits) {
        bestBits = bits;
        bestP = p;
        bestRounded = r;
      } else if (p >= 2 && bits > bestBits) {
        break; // the total is (nearly) convex in P: past the minimum it only grows
      }
      if (java.util.Arrays.equals(r, counts)) break; // exact: more precision changes nothing
    }
    return new StaticModel(scaleBits, Frequencies.normalize(bestRounded, scaleBits), bestRounded, bestP);
  }

  /**
   * {@code sum_s c_s log2(R / r_s)}, {@code R = sum_s r_s}: the payload if the rounded counts
   * {@code r} were the probabilities exactly. The search compares precisions with it (one
   * normalisation instead of one per precision; the rounding to {@code 2^scaleBits} costs about
   * the same at every precision).
   */
  static double crossEntropyBits(long[] counts, long[] r) {
    double total = 0;
    for (long x : r) total += x;
    double bits = 0;
    for (int s = 0; s < counts.length; s++) if (counts[s] > 0) bits += counts[s] * Math.log(total / r[s]);
    return bits / Math.log(2);
  }

  /** Writes the version-2 table. */
  void write(BitWriter w) {
    w.writeBits(scaleBits, 5);
    FrequencyTable.write(w, rounded, precision);
  }

  static StaticModel read(BitReader r, int alphabet, int maxScaleBits, String coder, int version) {
    int scaleBits = (int) r.readBits(5);
    if (scaleBits < 1 || scaleBits > maxScaleBits) {
      throw new BadInputException(coder + ": scaleBits (" + scaleBits + ") outside [1, " + maxScaleBits + "]");
    }
    if (version == 2) {
      long[] counts = FrequencyTable.read(r, alphabet, coder);
      int used = Frequencies.used(counts);
      if (used > 1 << scaleBits) {
        throw new BadInputException(coder + ": table has " + used + " used symbols, more than 2^" + scaleBits + " slots");
      }
      return new StaticModel(scaleBits, Frequencies.normalize(counts, scaleBits), counts, -1);
    }
    int[] freq = CountTable.read(r, alphabet, 1L << scaleBits, coder);
    long sum = 0;
    for (int f : freq) sum += f;
    if (sum != 1L << scaleBits) {
      throw new BadInputException(coder + ": frequencies sum to " + sum + ", not 2^" + scaleBits);
    }
    return new StaticModel(scaleBits, freq, null, -1);
  }

  /** Probability of the most likely symbol. */
  double maxProbability() {
    int m = 0;
    for (int f : freq) m = Math.max(m, f);
    return (double) m / (1L << scaleBits);
  }

  /** Slot {@code [0, 2^scaleBits)} to symbol. */
  char[] lookup() {
    if (lookup == null) {
      char[] t = new char[1 << scaleBits];
      for (int s = 0; s < freq.length; s++) java.util.Arrays.fill(t, start[s], start[s + 1], (char) s);
      lookup = t;
    }
    return lookup;
  }
}
