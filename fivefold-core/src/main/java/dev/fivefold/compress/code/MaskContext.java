package dev.fivefold.compress.code;

/**
 * The context model of {@link ContextMaskCoder}: which of {@link #contexts()} adaptive binary
 * models codes each cell of a {@code rows x cols} keep-mask, from what the decoder has already seen.
 *
 * <p>The mask is coded in row-major order (a row is one output unit's weights, e.g. one neuron's
 * 784 input pixels). For the cell at row {@code r}, column {@code j}, with {@code K_col} the kept
 * cells of column {@code j} in rows {@code < r} and {@code K_row} the kept cells of row {@code r} in
 * columns {@code < j}:
 *
 * <pre>
 * column bucket  bc = the largest b in [0, columnBuckets) with b^2 (2 r + 2) &lt;= columnBuckets^2 (2 K_col + 1)
 *                     (= floor(columnBuckets * sqrt((K_col + 1/2) / (r + 1))), the column's
 *                     Krichevsky–Trofimov keep rate so far on a square-root scale, in exact integers)
 * row bucket     br = the same with rowBuckets, K_row and j in place of columnBuckets, K_col and r
 * neighbours     the row is an image {@code width} cells wide (x = j mod width): the kept bits of
 *                0: none; 1: left (x - 1); 2: left, up (j - width); 3: left, up, up-left, up-right
 *                (a neighbour outside the image counts as not kept)
 * context        (bc * rowBuckets + br) * 2^(neighbour bits) + the neighbour bits, left as the lowest
 * </pre>
 *
 * The column bucket captures inputs that every unit ignores or uses (the border pixels of an image),
 * the row bucket units with many or few inputs, the neighbours the spatial coherence of receptive
 * fields. With {@code width = cols} there is no "up" (every row is one image line).
 *
 * @param columnBuckets {@code 1..64}; 1 ignores the column
 * @param rowBuckets {@code 1..64}; 1 ignores the row's density
 * @param neighbours template {@code 0..3} as above
 * @param width image width {@code >= 1}
 */
public record MaskContext(int columnBuckets, int rowBuckets, int neighbours, int width) {
  /** Most buckets of either kind. */
  public static final int MAX_BUCKETS = 64;

  /**
   * Checks the ranges.
   *
   * @throws IllegalArgumentException if a bucket count is outside 1..64, {@code neighbours} outside 0..3, or
   *     {@code width} &lt; 1
   */
  public MaskContext {
    if (columnBuckets < 1 || columnBuckets > MAX_BUCKETS) throw new IllegalArgumentException("columnBuckets (" + columnBuckets + ") must be in 1.." + MAX_BUCKETS);
    if (rowBuckets < 1 || rowBuckets > MAX_BUCKETS) throw new IllegalArgumentException("rowBuckets (" + rowBuckets + ") must be in 1.." + MAX_BUCKETS);
    if (neighbours < 0 || neighbours > 3) throw new IllegalArgumentException("neighbours (" + neighbours + ") must be in 0..3");
    if (width < 1) throw new IllegalArgumentException("width (" + width + ") must be >= 1");
  }

  /**
   * Number of distinct contexts, {@code columnBuckets * rowBuckets * 2^(neighbour bits)}.
   *
   * @return the number of contexts
   */
  public int contexts() {
    return columnBuckets * rowBuckets << neighbourBits();
  }

  int neighbourBits() {
    return switch (neighbours) {
      case 0 -> 0;
      case 1 -> 1;
      case 2 -> 2;
      default -> 4;
    };
  }

  /**
   * The largest {@code b} in {@code [0, buckets)} with {@code b^2 (2 seen + 2) <= buckets^2 (2 kept + 1)}.
   * The double estimate is only a starting point; the result is the exact integer one.
   */
  static int bucket(int buckets, long kept, long seen) {
    if (buckets == 1) return 0;
    long rhs = (long) buckets * buckets * (2 * kept + 1);
    long den = 2 * seen + 2;
    int b = (int) Math.min(buckets - 1, (long) (buckets * Math.sqrt((kept + 0.5) / (seen + 1))));
    while (b > 0 && (long) b * b * den > rhs) b--;
    while (b + 1 < buckets && (long) (b + 1) * (b + 1) * den <= rhs) b++;
    return b;
  }

  /**
   * The context of cell {@code (r, j)}; {@code row[0..j)} holds the row's cells coded so far.
   *
   * @param colKept kept cells of column {@code j} in rows {@code < r}
   * @param rowKept kept cells of row {@code r} in columns {@code < j}
   */
  int of(int r, int j, long colKept, long rowKept, boolean[] row) {
    int c = bucket(columnBuckets, colKept, r) * rowBuckets + bucket(rowBuckets, rowKept, j);
    if (neighbours == 0) return c;
    int x = j % width;
    int left = x > 0 && row[j - 1] ? 1 : 0;
    if (neighbours == 1) return c << 1 | left;
    boolean above = j >= width;
    int up = above && row[j - width] ? 1 : 0;
    if (neighbours == 2) return c << 2 | up << 1 | left;
    int upLeft = above && x > 0 && row[j - width - 1] ? 1 : 0;
    int upRight = above && x < width - 1 && row[j - width + 1] ? 1 : 0;
    return c << 4 | upRight << 3 | upLeft << 2 | up << 1 | left;
  }
}
