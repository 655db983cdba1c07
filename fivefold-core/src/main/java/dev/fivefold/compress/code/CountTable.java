package dev.fivefold.compress.code;

import dev.fivefold.io.BadInputException;

/**
 * Compact serialisation of a table of non-negative counts (frequencies or code lengths), one per
 * symbol of the alphabet.
 *
 * <p>A value {@code v > 0} is Elias gamma of {@code v + 1} (so it starts with a zero bit); a run
 * of {@code k >= 1} zeros is the single bit {@code 1} (gamma of 1) followed by gamma of {@code k}.
 * A table of a 256-symbol Laplace distribution normalised to 2^16 costs a few hundred bytes; a
 * 2^16 alphabet with few used symbols costs a few bits per used symbol.
 */
final class CountTable {
  private CountTable() {}

  static void write(BitWriter w, int[] values) {
    int n = values.length;
    for (int i = 0; i < n; ) {
      if (values[i] > 0) {
        w.writeGamma(values[i] + 1L);
        i++;
      } else {
        int j = i;
        while (j < n && values[j] == 0) j++;
        w.writeGamma(1);
        w.writeGamma(j - i);
        i = j;
      }
    }
  }

  /** Reads {@code alphabet} values, each in {@code [0, maxValue]}. */
  static int[] read(BitReader r, int alphabet, long maxValue, String coder) {
    int[] values = new int[alphabet];
    for (int i = 0; i < alphabet; ) {
      long g = r.readGamma();
      if (g == 1) {
        long run = r.readGamma();
        if (run > alphabet - i) {
          throw new BadInputException(coder + ": table zero run (" + run + ") at symbol " + i + " overruns alphabet (" + alphabet + ")");
        }
        i += (int) run;
      } else {
        long v = g - 1;
        if (v > maxValue) {
          throw new BadInputException(coder + ": table value (" + v + ") at symbol " + i + " exceeds " + maxValue);
        }
        values[i++] = (int) v;
      }
    }
    return values;
  }
}
