package dev.fivefold.perception.fixation;

import dev.fivefold.perception.explain.Heatmap;

/**
 * A bottom-up saliency model: where an image draws the eye before anything is recognised, computed
 * from the pixels alone (no classifier, no training). The map has the image's size, values in
 * [0, 1] (larger: more salient; a constant image gives all zeros); it is a pure function of the
 * image, so paths scanned from it are deterministic.
 *
 * <p>Two classics: {@link CentreSurround} (Itti, Koch &amp; Niebur 1998: centre-surround contrast on
 * intensity and edges, each map weighted by how much its global peak stands out) and
 * {@link SpectralResidual} (Hou &amp; Zhang 2007: what the log amplitude spectrum has beyond its
 * local average).
 */
public interface SaliencyMap {
  /**
   * The saliency of {@code image} (a grey image, any range; non-finite pixels are refused).
   *
   * @throws IllegalArgumentException naming the pixel if the image has a NaN or an infinity
   * @param image a grey image
   * @return a map of the same size, higher where more salient
   */
  Heatmap of(Heatmap image);

  /**
   * The model's name, as {@link #byName} reads it.
   *
   * @return the name
   */
  String name();

  /**
   * {@code "centre-surround"} (also {@code "itti"}) or {@code "spectral-residual"} (also
   * {@code "spectral"}).
   *
   * @throws IllegalArgumentException naming the value otherwise
   * @param name the model's name
   * @return a new saliency model
   */
  static SaliencyMap byName(String name) {
    return switch (name == null ? "" : name) {
      case "centre-surround", "center-surround", "itti" -> new CentreSurround();
      case "spectral-residual", "spectral" -> new SpectralResidual();
      default -> throw new IllegalArgumentException("saliency (" + name + ") must be centre-surround or spectral-residual");
    };
  }
}
