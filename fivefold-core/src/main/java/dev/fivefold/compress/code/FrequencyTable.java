package dev.fivefold.compress.code;

import dev.fivefold.io.BadInputException;

/**
 * The version-2 model table of the static coders: the symbol counts themselves, rounded to
 * {@code precision} significant bits after the leading one, from which encoder and decoder derive
 * the same normalised frequencies ({@link Frequencies#normalize}). Sending counts rather than
 * normalised frequencies makes the table independent of the coder's precision, and rounding them
 * trades table bits against coding loss, which the encoder minimises per stream.
 *
 * <p>Layout (all integers Elias gamma, {@link BitWriter#writeGamma}):
 *
 * <pre>
 * used          gamma(m), m = number of symbols with a nonzero count, 1..alphabet
 * symbols       if m &lt; alphabet: gamma(s_i - s_{i-1}) for the used symbols in order, s_{-1} = -1
 * precision     gamma(P + 1), P in 0..{@value #MAX_PRECISION}
 * counts        per used symbol: e = bit length of the rounded count, as gamma(zigzag(e - e_prev) + 1)
 *               (e_prev of the first is 1), then its min(e - 1, P) bits below the leading one
 * </pre>
 *
 * A count {@code c} with bit length {@code e > P + 1} is sent as its top {@code P + 1} bits and
 * read back as the middle of the interval they leave, {@code top << d | 1 << (d - 1)} with
 * {@code d = e - 1 - P}; smaller counts are exact. The relative error is at most {@code 2^-(P+1)};
 * the coding loss of a model whose probabilities are off by relative errors {@code eps_s} is about
 * {@code n * sum_s p_s eps_s^2 / (2 ln 2)} bits (a second-order expansion of the KL divergence), so
 * one more bit of precision costs {@code m} table bits and saves about three quarters of that loss.
 * The exponent differences are small when neighbouring symbols have similar counts (smooth
 * distributions), so a table costs a few bits per used symbol instead of the ~2 log2 f of gamma
 * coding each frequency (version 1, {@link CountTable}).
 *
 * <p>Reading bounds everything before allocating: {@code m <= alphabet}, every symbol inside the
 * alphabet, {@code P <= 24}, bit lengths in {@code 1..40}. A corrupt table is a {@link
 * BadInputException} naming the field and value.
 */
final class FrequencyTable {
  static final int MAX_PRECISION = 24;
  private static final int MAX_LENGTH = 40;

  private FrequencyTable() {}

  /** {@code counts} rounded to {@code precision} significant bits after the leading one; zeros stay 0. */
  static long[] round(long[] counts, int precision) {
    long[] r = new long[counts.length];
    for (int s = 0; s < counts.length; s++) r[s] = round(counts[s], precision);
    return r;
  }

  static long round(long c, int precision) {
    if (c <= 0) return 0;
    int e = 64 - Long.numberOfLeadingZeros(c);
    int d = e - 1 - precision;
    if (d <= 0) return c;
    return (c >>> d) << d | 1L << (d - 1);
  }

  /** Writes {@code counts} (each {@code >= 0}, at least one {@code > 0}) rounded to {@code precision}. */
  static void write(BitWriter w, long[] counts, int precision) {
    if (precision < 0 || precision > MAX_PRECISION) {
      throw new IllegalArgumentException("precision (" + precision + ") must be in 0.." + MAX_PRECISION);
    }
    int m = Frequencies.used(counts);
    if (m == 0) throw new IllegalArgumentException("counts must have a nonzero entry");
    w.writeGamma(m);
    if (m < counts.length) {
      int prev = -1;
      for (int s = 0; s < counts.length; s++) {
        if (counts[s] > 0) {
          w.writeGamma(s - prev);
          prev = s;
        }
      }
    }
    w.writeGamma(precision + 1L);
    int ePrev = 1;
    for (long c : counts) {
      if (c <= 0) continue;
      int e = 64 - Long.numberOfLeadingZeros(c);
      if (e > MAX_LENGTH) throw new IllegalArgumentException("count (" + c + ") exceeds 2^" + MAX_LENGTH);
      w.writeGamma(zigzag(e - ePrev) + 1L);
      int t = Math.min(e - 1, precision);
      if (t > 0) w.writeBits((c >>> (e - 1 - t)) & ((1L << t) - 1), t);
      ePrev = e;
    }
  }

  /** Bits {@link #write} takes. */
  static long bits(long[] counts, int precision) {
    BitWriter w = new BitWriter();
    write(w, counts, precision);
    return w.bitLength();
  }

  /** Reads the rounded counts of an {@code alphabet}-symbol table. */
  static long[] read(BitReader r, int alphabet, String coder) {
    long m = r.readGamma();
    if (m > alphabet) throw new BadInputException(coder + ": table used symbols (" + m + ") exceed the alphabet (" + alphabet + ")");
    int[] used = new int[(int) m];
    if (m < alphabet) {
      long s = -1;
      for (int i = 0; i < m; i++) {
        s += r.readGamma();
        if (s >= alphabet) throw new BadInputException(coder + ": table symbol (" + s + ") outside the alphabet (" + alphabet + ")");
        used[i] = (int) s;
      }
    } else {
      for (int i = 0; i < m; i++) used[i] = i;
    }
    long p = r.readGamma() - 1;
    if (p > MAX_PRECISION) throw new BadInputException(coder + ": table precision (" + p + ") exceeds " + MAX_PRECISION);
    int precision = (int) p;
    long[] counts = new long[alphabet];
    long ePrev = 1;
    for (int s : used) {
      long z = r.readGamma() - 1;
      long e = ePrev + unzigzag(z);
      if (e < 1 || e > MAX_LENGTH) throw new BadInputException(coder + ": table count bit length (" + e + ") at symbol " + s + " outside 1.." + MAX_LENGTH);
      int t = (int) Math.min(e - 1, precision);
      long top = 1L << t | (t > 0 ? r.readBits(t) : 0);
      int d = (int) (e - 1 - t);
      counts[s] = d == 0 ? top : top << d | 1L << (d - 1);
      ePrev = e;
    }
    return counts;
  }

  private static long zigzag(long v) {
    return v >= 0 ? 2 * v : -2 * v - 1;
  }

  private static long unzigzag(long z) {
    return (z & 1) == 0 ? z >>> 1 : -((z + 1) >>> 1);
  }
}
