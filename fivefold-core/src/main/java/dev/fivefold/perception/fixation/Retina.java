package dev.fivefold.perception.fixation;

/**
 * The glimpse sensor of Mnih, Heess, Graves &amp; Kavukcuoglu 2014 ("Recurrent models of visual
 * attention", NeurIPS, §3.1 "retina-like representation ρ(x, l)"): around a fixation, {@code scales}
 * square patches, the first {@code glimpse × glimpse} pixels, each next one twice the side of the
 * previous, every patch reduced to {@code glimpse × glimpse} by area averaging. High resolution at
 * the fovea, coarse in the periphery, always k·g² numbers.
 *
 * <pre>
 *   patch j (j = 0..k−1) has side s_j = g·2^j pixels and top-left corner (r − ⌊s_j/2⌋, c − ⌊s_j/2⌋)
 *   output cell (a, b) of patch j = mean of the 2^j × 2^j pixels of the patch's block (a, b)
 * </pre>
 * Pixels outside the image count as 0 (zero padding: a glimpse at the border sees black beyond
 * it, and its cell averages include those zeros). For an even side the fixation pixel is the
 * lower-right of the four central pixels. The fixation's location is also given to the network,
 * normalised to [−1, 1]: {@code (2r/(h − 1) − 1, 2c/(w − 1) − 1)} (0 for a side of 1).
 *
 * @param glimpse g, the side of every patch after reduction, ≥ 1
 * @param scales k, the number of patches, in [1, 4]
 */
public record Retina(int glimpse, int scales) {
  /** The largest number of scales: the fourth patch is already 8 glimpses wide. */
  public static final int MAX_SCALES = 4;

  /**
   * Validates the components.
   *
   * @throws IllegalArgumentException if {@code glimpse < 1} or {@code scales} is outside [1, 4]
   */
  public Retina {
    if (glimpse < 1) throw new IllegalArgumentException("glimpse (" + glimpse + ") must be >= 1");
    if (scales < 1 || scales > MAX_SCALES) throw new IllegalArgumentException("scales (" + scales + ") must be in [1, " + MAX_SCALES + "]");
  }

  /**
   * Checks the glimpse fits an {@code h × w} image: a finest patch larger than the image would
   * see only padding at its edges whatever the fixation.
   *
   * @throws IllegalArgumentException naming the glimpse and the image side otherwise
   * @param h the image's height
   * @param w the image's width
   * @return this retina
   */
  public Retina checkFits(int h, int w) {
    if (glimpse > Math.min(h, w)) throw new IllegalArgumentException("glimpse (" + glimpse + ") must be <= the image side (" + Math.min(h, w) + ")");
    return this;
  }

  /**
   * Numbers per glimpse, k·g².
   *
   * @return k·g²
   */
  public int size() {
    return scales * glimpse * glimpse;
  }

  /**
   * Side of patch j in image pixels, g·2^j.
   *
   * @param j the patch, in [0, k)
   * @return g·2^j
   */
  public int side(int j) {
    return glimpse << j;
  }

  /**
   * Writes the glimpse at fixation (r, c) of the row-major {@code h × w} image (starting at
   * {@code in[inOff]}) into {@code out[outOff .. outOff + size())}: patch 0's g² cells row-major,
   * then patch 1's, and so on.
   *
   * @param in the image buffer
   * @param inOff the offset of the image's first pixel in {@code in}
   * @param h the image's height
   * @param w the image's width
   * @param r the fixation's row
   * @param c the fixation's column
   * @param out receives the k·g² numbers
   * @param outOff where in {@code out} to write them
   */
  public void sample(float[] in, int inOff, int h, int w, int r, int c, float[] out, int outOff) {
    int g = glimpse, o = outOff;
    for (int j = 0; j < scales; j++) {
      int s = side(j), block = 1 << j, top = r - s / 2, left = c - s / 2;
      float inv = 1f / (block * block);
      for (int a = 0; a < g; a++) {
        for (int b = 0; b < g; b++) {
          float sum = 0;
          int y0 = top + a * block, x0 = left + b * block;
          for (int y = Math.max(0, y0); y < Math.min(h, y0 + block); y++) {
            for (int x = Math.max(0, x0); x < Math.min(w, x0 + block); x++) sum += in[inOff + y * w + x];
          }
          out[o++] = sum * inv;
        }
      }
    }
  }

  /**
   * The normalised location (2r/(h − 1) − 1, 2c/(w − 1) − 1) of fixation (r, c), each in [−1, 1].
   *
   * @param r the fixation's row
   * @param c the fixation's column
   * @param h the image's height
   * @param w the image's width
   * @return {row, column} in [−1, 1]
   */
  public static float[] location(int r, int c, int h, int w) {
    return new float[] {h > 1 ? 2f * r / (h - 1) - 1 : 0, w > 1 ? 2f * c / (w - 1) - 1 : 0};
  }
}
