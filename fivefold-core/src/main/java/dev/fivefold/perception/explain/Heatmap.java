package dev.fivefold.perception.explain;

/**
 * A map of one image, {@code height × width} values row-major: a saliency map, a Grad-CAM map at
 * its layer's resolution, an attention map on the patch grid, a feature map or a filter. Larger
 * means "more important" for the attribution maps. The array is shared, not copied.
 *
 * @param height rows &ge; 1
 * @param width columns &ge; 1
 * @param values {@code height · width} values, row-major
 */
public record Heatmap(int height, int width, float[] values) {
  /**
   * Validates the size and the values' length.
   *
   * @throws IllegalArgumentException if a side is below 1 or {@code values} is null or not {@code height ·
   *     width} long
   */
  public Heatmap {
    if (height < 1 || width < 1) throw new IllegalArgumentException("heatmap size (" + height + "x" + width + ") must be >= 1x1");
    if (values == null || values.length != height * width) {
      throw new IllegalArgumentException("heatmap values (" + (values == null ? "null" : values.length) + ") must be height·width (" + height * width + ")");
    }
  }

  /**
   * The value at row {@code r}, column {@code c}.
   *
   * @param r the row, in [0, height)
   * @param c the column, in [0, width)
   * @return the value
   */
  public float at(int r, int c) {
    return values[r * width + c];
  }

  /**
   * This map resized to {@code h × w} by bilinear interpolation between cell centres (PyTorch's
   * {@code interpolate(mode="bilinear", align_corners=False)}); the cell of output (i, j) samples
   * the input at ((i + ½)·height/h − ½, (j + ½)·width/w − ½), clamped to the border. The same size
   * returns a copy.
   *
   * @param h the new height, &ge; 1
   * @param w the new width, &ge; 1
   * @return a new map of h × w
   * @throws IllegalArgumentException if a side is below 1
   */
  public Heatmap upsample(int h, int w) {
    if (h < 1 || w < 1) throw new IllegalArgumentException("upsample size (" + h + "x" + w + ") must be >= 1x1");
    float[] out = new float[h * w];
    for (int i = 0; i < h; i++) {
      double y = Math.max(0, Math.min(height - 1, (i + 0.5) * height / h - 0.5));
      int y0 = (int) Math.floor(y), y1 = Math.min(height - 1, y0 + 1);
      double ty = y - y0;
      for (int j = 0; j < w; j++) {
        double x = Math.max(0, Math.min(width - 1, (j + 0.5) * width / w - 0.5));
        int x0 = (int) Math.floor(x), x1 = Math.min(width - 1, x0 + 1);
        double tx = x - x0;
        out[i * w + j] = (float) ((1 - ty) * ((1 - tx) * at(y0, x0) + tx * at(y0, x1)) + ty * ((1 - tx) * at(y1, x0) + tx * at(y1, x1)));
      }
    }
    return new Heatmap(h, w, out);
  }

  /**
   * (v − min) / (max − min), in [0, 1]; a constant map (or one with no finite value) becomes all 0. NaN stays NaN.
   *
   * @return a new map of the same size
   */
  public Heatmap normalised() {
    float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
    for (float v : values) {
      if (Float.isFinite(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
    float[] out = new float[values.length];
    if (hi > lo) for (int i = 0; i < out.length; i++) out[i] = (values[i] - lo) / (hi - lo);
    else for (int i = 0; i < out.length; i++) out[i] = Float.isNaN(values[i]) ? Float.NaN : 0f;
    return new Heatmap(height, width, out);
  }
}
