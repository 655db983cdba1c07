package dev.fivefold.compress.code;

/**
 * The context model of {@link ContextCodesCoder}: which of {@link #contexts()} adaptive models codes
 * a kept weight's codebook index, from the codes of its already-coded neighbours in the same row.
 *
 * <p>A row of the {@code rows x cols} tensor (one unit's weights) is an image {@code width} cells
 * wide ({@code x = j mod width}). The neighbours of cell {@code j} are, when kept, left ({@code j -
 * 1}, if {@code x > 0}), up ({@code j - width}), up-left and up-right (inside the image), with
 * weights:
 *
 * <pre>
 * neighbours 1: left (1)        2: left (1), up (1)        3: left (2), up (2), up-left (1), up-right (1)
 * </pre>
 *
 * Each neighbour contributes the rank of its code's value in the codebook (0 for the most negative,
 * in {@link Float#compare} order: -0.0 before 0.0, NaN last; ties by index, so the context does not
 * depend on the order the codebook lists its values in), {@code S} the weighted
 * sum of ranks, {@code W} the sum of weights of the kept neighbours, {@code K} the alphabet:
 *
 * <pre>
 * context = 0                                 if no neighbour is kept
 *         = 1 + floor(bins * S / (W * K))     otherwise: the neighbours' mean rank in {@code bins} equal bins
 * </pre>
 *
 * A neighbouring weight of a smooth receptive field predicts this one's sign and size.
 *
 * @param bins {@code 1..64}
 * @param neighbours template {@code 1..3} as above
 * @param width image width {@code >= 1}
 */
public record CodeContext(int bins, int neighbours, int width) {
  /** Most bins. */
  public static final int MAX_BINS = 64;

  /**
   * Checks the ranges.
   *
   * @throws IllegalArgumentException if {@code bins} is outside 1..64, {@code neighbours} outside 1..3, or
   *     {@code width} &lt; 1
   */
  public CodeContext {
    if (bins < 1 || bins > MAX_BINS) throw new IllegalArgumentException("bins (" + bins + ") must be in 1.." + MAX_BINS);
    if (neighbours < 1 || neighbours > 3) throw new IllegalArgumentException("neighbours (" + neighbours + ") must be in 1..3");
    if (width < 1) throw new IllegalArgumentException("width (" + width + ") must be >= 1");
  }

  /**
   * Number of contexts, {@code bins + 1}.
   *
   * @return the number of contexts
   */
  public int contexts() {
    return bins + 1;
  }

  /**
   * The context of kept cell {@code j}; {@code rowRank[k]} is the rank of the code at column {@code
   * k < j} of this row, or -1 if that cell is not kept; {@code alphabet} is {@code K}.
   */
  int of(int j, int[] rowRank, int alphabet) {
    int x = j % width;
    long s = 0, w = 0;
    int wl = neighbours == 3 ? 2 : 1;
    if (x > 0 && rowRank[j - 1] >= 0) {
      s += (long) wl * rowRank[j - 1];
      w += wl;
    }
    if (neighbours >= 2 && j >= width) {
      int up = rowRank[j - width];
      if (up >= 0) {
        s += (long) wl * up;
        w += wl;
      }
      if (neighbours == 3) {
        if (x > 0 && rowRank[j - width - 1] >= 0) {
          s += rowRank[j - width - 1];
          w++;
        }
        if (x < width - 1 && rowRank[j - width + 1] >= 0) {
          s += rowRank[j - width + 1];
          w++;
        }
      }
    }
    return w == 0 ? 0 : 1 + (int) (bins * s / (w * alphabet));
  }

  /** Rank of each codebook value in ascending order ({@link Float#compare}; ties by index). */
  static int[] ranks(float[] codebook) {
    int k = codebook.length;
    Integer[] order = new Integer[k];
    for (int i = 0; i < k; i++) order[i] = i;
    java.util.Arrays.sort(order, (a, b) -> {
      int c = Float.compare(codebook[a], codebook[b]);
      return c != 0 ? c : Integer.compare(a, b);
    });
    int[] rank = new int[k];
    for (int r = 0; r < k; r++) rank[order[r]] = r;
    return rank;
  }
}
