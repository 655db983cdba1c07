package dev.fivefold.compress.code;

/**
 * The empirical (order-0) Shannon entropy of a symbol sequence, the bound an order-0 coder is
 * measured against: {@code H = sum_s c_s * log2(n / c_s)} bits in total for counts {@code c_s}
 * over {@code n} symbols (Shannon 1948, "A mathematical theory of communication", section 6).
 *
 * <p>An empty or single-valued sequence has zero entropy. No static order-0 coder can beat it on
 * the sequence it was built for, apart from the (here uncounted) cost of describing the model.
 */
public final class Entropy {
  private Entropy() {}

  /** Total bits; throws {@link IllegalArgumentException} for a symbol outside {@code [0, alphabet)}. */
  public static double bits(int[] symbols, int alphabet) {
    StreamHeader.checkSymbols(symbols, alphabet);
    return bits(Frequencies.count(symbols, alphabet));
  }

  /** Total bits of a sequence with these counts. */
  public static double bits(long[] counts) {
    long n = 0;
    for (long c : counts) n += c;
    if (n == 0) return 0;
    double h = 0;
    for (long c : counts) if (c > 0) h += c * Math.log((double) n / c);
    return h / Math.log(2);
  }

  /** Bits per symbol, {@code 0} for an empty sequence. */
  public static double bitsPerSymbol(int[] symbols, int alphabet) {
    return symbols.length == 0 ? 0 : bits(symbols, alphabet) / symbols.length;
  }
}
