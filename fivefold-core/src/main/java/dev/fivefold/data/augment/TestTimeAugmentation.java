package dev.fivefold.data.augment;

import java.util.Arrays;

/**
 * Test-time augmentation: the views of a test image whose predicted distributions are averaged,
 * p̄(·|x) = (1/V)·Σ_v p(·|view_v(x)). With {@code shift} s &gt; 0 the views are five crops of the
 * image zero-padded by s — the centre (the image itself) and the four corners, i.e. the image
 * translated by (±s, ±s) with zeros shifted in — as in AlexNet's ten-crop evaluation (Krizhevsky
 * et al. 2012, with the crops of a padded image instead of a larger one); with {@code flip} each
 * crop also mirrored. So V = (flip ? 2 : 1)·(shift &gt; 0 ? 5 : 1): "flip" is 2 views, "shift:1"
 * 5, "flip,shift:1" 10. View 0 is always the image itself. It suits models trained with the same
 * augmentations ({@code --augment crop:S,flip}), whose predictions should not change under them.
 *
 * @param flip whether every crop is also classified mirrored
 * @param shift the corner crops' offset in pixels, 0 for the image only
 */
public record TestTimeAugmentation(boolean flip, int shift) {
  /** No augmentation: one view, the image. */
  public static final TestTimeAugmentation NONE = new TestTimeAugmentation(false, 0);
  /** The image and its mirror. */
  public static final TestTimeAugmentation FLIP = new TestTimeAugmentation(true, 0);

  /** The specs {@link #parse} reads, for error messages. */
  public static final String SPECS = "none, flip, shift:S or flip,shift:S with S in 1..16";

  /** The four corners' translations (dy, dx) after the centre's (0, 0). */
  private static final int[][] CORNERS = {{0, 0}, {-1, -1}, {-1, 1}, {1, -1}, {1, 1}};

  /**
   * Checks the shift.
   *
   * @throws IllegalArgumentException if {@code shift} is negative or above 16
   */
  public TestTimeAugmentation {
    if (shift < 0 || shift > 16) throw new IllegalArgumentException("test-time shift (" + shift + ") must be in [0, 16]");
  }

  /**
   * Reads a spec: "none", "flip", "shift:S", or "flip,shift:S" (either order).
   *
   * @param spec the spec
   * @return the augmentation
   * @throws IllegalArgumentException naming the spec if it is none of these
   */
  public static TestTimeAugmentation parse(String spec) {
    String bad = "test-time augmentation (" + spec + ") must be " + SPECS;
    if (spec.equals("none")) return NONE;
    boolean flip = false;
    int shift = 0;
    for (String part : spec.split(",", -1)) {
      if (part.equals("flip") && !flip) {
        flip = true;
      } else if (part.startsWith("shift:") && shift == 0) {
        try {
          shift = Integer.parseInt(part.substring(6));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(bad);
        }
        if (shift < 1 || shift > 16) throw new IllegalArgumentException(bad);
      } else {
        throw new IllegalArgumentException(bad);
      }
    }
    return new TestTimeAugmentation(flip, shift);
  }

  /**
   * The number of views V averaged.
   *
   * @return (flip ? 2 : 1)·(shift &gt; 0 ? 5 : 1)
   */
  public int views() {
    return (flip ? 2 : 1) * (shift > 0 ? CORNERS.length : 1);
  }

  /**
   * Whether there is more than the image itself to average.
   *
   * @return views() &gt; 1
   */
  public boolean active() {
    return views() > 1;
  }

  /**
   * Writes view {@code v} of the image at {@code srcOff} of {@code src} into {@code dst} at
   * {@code dstOff}: crop {@code v / (flip ? 2 : 1)}, mirrored when flip is on and v is odd.
   *
   * @param v the view, 0 ≤ v &lt; views()
   * @param src the images
   * @param srcOff the index of the image's first value in {@code src}
   * @param dst where the view goes (not {@code src})
   * @param dstOff the index of the view's first value in {@code dst}
   * @param layout the image layout
   * @throws IndexOutOfBoundsException if v is not a view
   */
  public void view(int v, float[] src, int srcOff, float[] dst, int dstOff, ImageLayout layout) {
    if (v < 0 || v >= views()) throw new IndexOutOfBoundsException("view " + v + " of " + views());
    int[] t = CORNERS[flip ? v / 2 : v];
    translate(src, srcOff, dst, dstOff, layout, t[0] * shift, t[1] * shift);
    if (flip && v % 2 == 1) HorizontalFlip.mirror(dst, dstOff, layout);
  }

  /** dst[c][i][j] = src[c][i + dy][j + dx], 0 where that falls outside the image. */
  private static void translate(float[] src, int srcOff, float[] dst, int dstOff, ImageLayout layout, int dy, int dx) {
    int h = layout.height(), w = layout.width();
    int j0 = Math.max(0, -dx), j1 = Math.min(w, w - dx);
    for (int c = 0; c < layout.channels(); c++) {
      int plane = srcOff + c * h * w;
      for (int i = 0; i < h; i++) {
        int row = dstOff + (c * h + i) * w, si = i + dy;
        if (si < 0 || si >= h || j0 >= j1) {
          Arrays.fill(dst, row, row + w, 0f);
          continue;
        }
        Arrays.fill(dst, row, row + j0, 0f);
        System.arraycopy(src, plane + si * w + j0 + dx, dst, row + j0, j1 - j0);
        Arrays.fill(dst, row + j1, row + w, 0f);
      }
    }
  }

  /**
   * The spec {@link #parse} reads back.
   *
   * @return "none", "flip", "shift:S" or "flip,shift:S"
   */
  public String spec() {
    if (!active()) return "none";
    return flip && shift > 0 ? "flip,shift:" + shift : flip ? "flip" : "shift:" + shift;
  }
}
