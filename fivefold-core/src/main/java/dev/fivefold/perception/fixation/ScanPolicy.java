package dev.fivefold.perception.fixation;

import dev.fivefold.perception.explain.Heatmap;
import dev.fivefold.tensor.Rng;

/**
 * Where to look next: a rule that turns an image into a {@link ScanPath} of a given length. The
 * saliency-driven path ({@link WinnerTakeAll}) and its two controls, random fixations
 * ({@link RandomFixations}) and a centre bias ({@link CentreBiased}), the way eye-tracking studies
 * compare a saliency model with chance and with the centre prior (Tatler 2007).
 *
 * <p>A policy is deterministic: the path is a function of the image and the generator's state (the
 * saliency path ignores the generator). Callers seed one generator per image (as
 * {@link ScannedImages} does), so a path does not depend on which other images were scanned.
 */
public interface ScanPolicy {
  /**
   * The first {@code fixations} fixations on {@code image}.
   *
   * @throws IllegalArgumentException if fixations &lt; 1
   * @param image the image (a saliency path reads it; the others only its size)
   * @param fixations the path length, &ge; 1
   * @param rng the generator for random paths
   * @return the path
   */
  ScanPath scan(Heatmap image, int fixations, Rng rng);

  /**
   * Short name: "saliency", "random" or "centre".
   *
   * @return the name
   */
  String name();

  /**
   * {@code "saliency"} (winner-take-all over {@code saliency} with inhibition of return of radius
   * {@code radius} pixels), {@code "random"}, or {@code "centre"} (Gaussian around the centre, σ =
   * {@code sigma} pixels).
   *
   * @throws IllegalArgumentException naming the value otherwise
   * @param name the policy's name
   * @param saliency the saliency model of {@code "saliency"}
   * @param radius the inhibition-of-return radius of {@code "saliency"}, pixels
   * @param sigma the centre-biased policy's σ, pixels
   * @return a new policy
   */
  static ScanPolicy byName(String name, SaliencyMap saliency, double radius, double sigma) {
    return switch (name == null ? "" : name) {
      case "saliency" -> new WinnerTakeAll(saliency, radius);
      case "random" -> new RandomFixations();
      case "centre", "center" -> new CentreBiased(sigma);
      default -> throw new IllegalArgumentException("path (" + name + ") must be saliency, random or centre");
    };
  }

  /**
   * Checks the requested path length.
   *
   * @param fixations the path length
   * @throws IllegalArgumentException if {@code fixations < 1}
   */
  static void checkFixations(int fixations) {
    if (fixations < 1) throw new IllegalArgumentException("fixations (" + fixations + ") must be >= 1");
  }
}
