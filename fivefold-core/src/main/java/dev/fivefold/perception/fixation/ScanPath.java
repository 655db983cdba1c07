package dev.fivefold.perception.fixation;

import java.util.Arrays;

/**
 * A fixation path: where the eye lands, in order. Fixation t is the pixel (rows[t], cols[t]) of an
 * image, row 0 at the top. The arrays are copied in and out.
 *
 * @param rows the fixations' rows, at least one
 * @param cols the fixations' columns, as many as rows
 */
public record ScanPath(int[] rows, int[] cols) {
  /**
   * Copies the arrays and checks there is at least one fixation and as many columns as rows.
   *
   * @throws IllegalArgumentException if an array is null or empty or the lengths differ
   */
  public ScanPath {
    if (rows == null || cols == null) throw new IllegalArgumentException("scan path rows and cols must not be null");
    if (rows.length < 1) throw new IllegalArgumentException("scan path fixations (" + rows.length + ") must be >= 1");
    if (rows.length != cols.length) throw new IllegalArgumentException("scan path rows (" + rows.length + ") and cols (" + cols.length + ") must be as many");
    rows = rows.clone();
    cols = cols.clone();
  }

  /**
   * Number of fixations.
   *
   * @return the path length, &ge; 1
   */
  public int length() {
    return rows.length;
  }

  /**
   * The row of fixation {@code t}.
   *
   * @param t the fixation, in [0, length)
   * @return its row
   */
  public int row(int t) {
    return rows[t];
  }

  /**
   * The column of fixation {@code t}.
   *
   * @param t the fixation, in [0, length)
   * @return its column
   */
  public int col(int t) {
    return cols[t];
  }

  /**
   * The fixations' rows, in order.
   *
   * @return a copy
   */
  @Override
  public int[] rows() {
    return rows.clone();
  }

  /**
   * The fixations' columns, in order.
   *
   * @return a copy
   */
  @Override
  public int[] cols() {
    return cols.clone();
  }

  /**
   * Euclidean distance in pixels between fixations a and b.
   *
   * @param a one fixation's index
   * @param b the other's
   * @return the distance, pixels
   */
  public double distance(int a, int b) {
    return Math.hypot(rows[a] - rows[b], cols[a] - cols[b]);
  }

  /**
   * Checks every fixation lies inside an {@code h × w} image.
   *
   * @param h the image's height
   * @param w the image's width
   * @throws IllegalArgumentException naming the fixation if one lies outside
   */
  public void checkInside(int h, int w) {
    for (int t = 0; t < rows.length; t++) {
      if (rows[t] < 0 || rows[t] >= h || cols[t] < 0 || cols[t] >= w) {
        throw new IllegalArgumentException("fixation " + t + " (" + rows[t] + ", " + cols[t] + ") is outside the " + h + "x" + w + " image");
      }
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ScanPath p && Arrays.equals(rows, p.rows) && Arrays.equals(cols, p.cols);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(rows) + Arrays.hashCode(cols);
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    for (int t = 0; t < rows.length; t++) b.append(t == 0 ? "" : " ").append('(').append(rows[t]).append(',').append(cols[t]).append(')');
    return b.toString();
  }
}
