package dev.fivefold.compress;

import java.util.Arrays;

/**
 * Han et al.'s relative-index sparse format (Deep Compression §2, Fig. 2): the kept positions of
 * a flattened (row-major, i.e. CSR across rows) tensor are stored as the gap to the previous kept
 * position in {@code indexBits} bits, gap_i = pos_i − pos_{i−1} − 1 (pos_{−1} = −1). When a gap
 * exceeds 2^indexBits − 1 a filler entry with the maximal gap and value zero is inserted, which
 * advances the position by 2^indexBits; fillers are flagged so positions round-trip exactly.
 *
 * @param indexBits bits per gap, 1..31
 * @param gaps one gap per entry, each in [0, 2^indexBits − 1]
 * @param filler whether each entry is a filler (value 0, not a kept weight)
 */
public record RelativeIndex(int indexBits, int[] gaps, boolean[] filler) {
  public RelativeIndex {
    if (indexBits < 1 || indexBits > 31) throw new IllegalArgumentException("indexBits (" + indexBits + ") must be in 1..31");
    if (gaps.length != filler.length) throw new IllegalArgumentException("gaps (" + gaps.length + ") and filler (" + filler.length + ") lengths differ");
    int max = (1 << indexBits) - 1;
    for (int i = 0; i < gaps.length; i++) {
      if (gaps[i] < 0 || gaps[i] > max) throw new IllegalArgumentException("gaps[" + i + "] (" + gaps[i] + ") outside [0, " + max + "]");
    }
  }

  /** Encodes ascending, distinct, non-negative positions. */
  public static RelativeIndex encode(int[] positions, int indexBits) {
    if (indexBits < 1 || indexBits > 31) throw new IllegalArgumentException("indexBits (" + indexBits + ") must be in 1..31");
    int max = (1 << indexBits) - 1;
    long n = positions.length;
    for (int i = 0; i < positions.length; i++) {
      long prev = i == 0 ? -1 : positions[i - 1];
      if (positions[i] <= prev) throw new IllegalArgumentException("positions[" + i + "] (" + positions[i] + ") not ascending and >= 0");
      n += (positions[i] - prev - 1) / (max + 1L);
    }
    int[] gaps = new int[(int) n];
    boolean[] filler = new boolean[(int) n];
    int k = 0;
    long prev = -1;
    for (int p : positions) {
      long gap = p - prev - 1;
      while (gap > max) {
        gaps[k] = max;
        filler[k++] = true;
        gap -= max + 1L;
      }
      gaps[k++] = (int) gap;
      prev = p;
    }
    return new RelativeIndex(indexBits, gaps, filler);
  }

  /** The kept positions. */
  public int[] decode() {
    int[] out = new int[entries() - fillers()];
    long pos = -1;
    for (int i = 0, j = 0; i < gaps.length; i++) {
      pos += gaps[i] + 1L;
      if (!filler[i]) out[j++] = (int) pos;
    }
    return out;
  }

  /** Stored entries, fillers included. */
  public int entries() {
    return gaps.length;
  }

  public int fillers() {
    int f = 0;
    for (boolean b : filler) if (b) f++;
    return f;
  }

  /** Index storage: entries · indexBits. */
  public long totalIndexBits() {
    return (long) entries() * indexBits;
  }

  /** Per-entry values: {@code kept} (one per kept position) with 0 inserted at fillers. */
  public float[] withFillers(float[] kept) {
    if (kept.length != entries() - fillers()) throw new IllegalArgumentException("kept values (" + kept.length + ") != kept entries (" + (entries() - fillers()) + ")");
    float[] out = new float[entries()];
    for (int i = 0, j = 0; i < out.length; i++) out[i] = filler[i] ? 0f : kept[j++];
    return out;
  }

  /** The relative index of a quantized tensor's positions. */
  public static RelativeIndex of(QuantizedTensor q, int indexBits) {
    return encode(q.positions(), indexBits);
  }

  /** The index width in 1..maxBits minimising entries · bits for these positions. */
  public static int bestIndexBits(int[] positions, int maxBits) {
    int best = 1;
    long bestBits = Long.MAX_VALUE;
    for (int b = 1; b <= maxBits; b++) {
      long t = encode(positions, b).totalIndexBits();
      if (t < bestBits) {
        bestBits = t;
        best = b;
      }
    }
    return best;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RelativeIndex r && r.indexBits == indexBits && Arrays.equals(r.gaps, gaps) && Arrays.equals(r.filler, filler);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(gaps) * 31 + indexBits;
  }

  @Override
  public String toString() {
    return "RelativeIndex[" + indexBits + " bits, " + entries() + " entries, " + fillers() + " fillers]";
  }
}
