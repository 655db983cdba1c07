package dev.fivefold.perception.explain;

/**
 * The settings of the attribution {@link Method}s.
 *
 * @param smoothSamples SmoothGrad's noisy copies per image n &ge; 1 (default 25; Smilkov et al. use 50)
 * @param smoothSigma SmoothGrad's noise σ relative to the image's value range, &ge; 0 (default 0.15, the paper's 10–20%)
 * @param patch occlusion square side &ge; 1 (default 4)
 * @param stride occlusion step &ge; 1 (default 2)
 * @param baseline the value occlusion and the deletion curve put in place of pixels (default 0, black)
 * @param layer Grad-CAM's layer (a direct child's name), or null for {@link GradCam#defaultLayer}
 * @param seed SmoothGrad's noise
 */
public record MapOptions(int smoothSamples, double smoothSigma, int patch, int stride, float baseline, String layer, long seed) {
  /**
   * Validates the components.
   *
   * @throws IllegalArgumentException if a component is out of range
   */
  public MapOptions {
    if (smoothSamples < 1) throw new IllegalArgumentException("smoothSamples (" + smoothSamples + ") must be >= 1");
    if (!(smoothSigma >= 0) || Double.isInfinite(smoothSigma)) throw new IllegalArgumentException("smoothSigma (" + smoothSigma + ") must be >= 0");
    if (patch < 1) throw new IllegalArgumentException("patch (" + patch + ") must be >= 1");
    if (stride < 1) throw new IllegalArgumentException("stride (" + stride + ") must be >= 1");
    if (!Float.isFinite(baseline)) throw new IllegalArgumentException("baseline (" + baseline + ") must be finite");
  }

  /**
   * n 25, σ 0.15, patch 4, stride 2, baseline 0, the default Grad-CAM layer, seed 1.
   *
   * @return the default options
   */
  public static MapOptions defaults() {
    return new MapOptions(25, 0.15, 4, 2, 0f, null, 1);
  }
}
