package dev.fivefold.compress.code;

import dev.fivefold.io.BadInputException;

/**
 * A static frequency model normalised to {@code 2^scaleBits}: frequencies, cumulative starts and a
 * slot-to-symbol lookup table ({@code 2^scaleBits} entries), shared by the static range coder and
 * rANS.
 *
 * <p>Serialised as {@code scaleBits} in 5 bits followed by the frequencies as a {@link CountTable}.
 * Reading checks {@code scaleBits} in {@code [1, maxScaleBits]}, every frequency {@code <= 2^scaleBits}
 * and the sum exactly {@code 2^scaleBits}.
 */
final class StaticModel {
  final int scaleBits;
  final int[] freq;
  final int[] start;
  private char[] lookup; // built on demand by the decoder

  private StaticModel(int scaleBits, int[] freq) {
    this.scaleBits = scaleBits;
    this.freq = freq;
    this.start = new int[freq.length + 1];
    for (int s = 0; s < freq.length; s++) start[s + 1] = start[s] + freq[s];
  }

  /** The model of these counts; {@code scaleBits} is raised so every used symbol fits. */
  static StaticModel fromCounts(long[] counts, int scaleBits, int maxScaleBits) {
    int used = Frequencies.used(counts);
    while (used > (1 << scaleBits) && scaleBits < maxScaleBits) scaleBits++;
    return new StaticModel(scaleBits, Frequencies.normalize(counts, scaleBits));
  }

  void write(BitWriter w) {
    w.writeBits(scaleBits, 5);
    CountTable.write(w, freq);
  }

  static StaticModel read(BitReader r, int alphabet, int maxScaleBits, String coder) {
    int scaleBits = (int) r.readBits(5);
    if (scaleBits < 1 || scaleBits > maxScaleBits) {
      throw new BadInputException(coder + ": scaleBits (" + scaleBits + ") outside [1, " + maxScaleBits + "]");
    }
    int[] freq = CountTable.read(r, alphabet, 1L << scaleBits, coder);
    long sum = 0;
    for (int f : freq) sum += f;
    if (sum != 1L << scaleBits) {
      throw new BadInputException(coder + ": frequencies sum to " + sum + ", not 2^" + scaleBits);
    }
    return new StaticModel(scaleBits, freq);
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
