package dev.fivefold.perception.fixation;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Tape;
import dev.fivefold.autodiff.Var;
import dev.fivefold.nn.Gru;
import dev.fivefold.nn.Linear;
import dev.fivefold.nn.Lstm;
import dev.fivefold.nn.Module;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Shape;
import dev.fivefold.tensor.Tensor;

/**
 * A classifier that sees an image only through glimpses along a given fixation path: the recurrent
 * attention model of Mnih et al. 2014 with the path supplied (saliency, random or centre) instead of
 * learned by REINFORCE, so the only question is what the glimpses are worth.
 *
 * <pre>
 *   for t = 1..T:  ρ_t = retina(image, fixation_t),  l_t = location(fixation_t)     [B, k·g²], [B, 2]
 *                  g_t = glimpse network(ρ_t, l_t)                                   [B, features]
 *                  h_t = core(g_t, h_{t−1})      (GRU or LSTM, one layer, h_0 = 0)     [B, hidden]
 *                  logits_t = W_c h_t + b_c                                          [B, classes]
 * </pre>
 * The input is a row of a {@link ScannedImages} dataset, [B, h·w + 2T] (pixels then path): the
 * retina reads the pixels under each fixation and nothing else reaches the network. The retina is
 * a fixed sensor (no parameters, no gradient to the image). Because the core is causal, the logits
 * after t fixations ({@link #stepLogits}, step t − 1) are exactly what the model would say had it
 * only had t fixations; {@link #forward} returns those after the last one.
 */
public final class GlimpseClassifier extends Module {
  /**
   * A glimpse classifier's shape.
   *
   * @param height the image's height in pixels, &ge; 1
   * @param width the image's width in pixels, &ge; 1
   * @param fixations T, the path length in the input rows, ≥ 1
   * @param retina the glimpse sensor (must fit the image)
   * @param glimpseWidth the glimpse network's width for the glimpse ({@link GlimpseNetwork})
   * @param locationWidth its width for the location
   * @param features its output width
   * @param hidden the core's state size
   * @param cell "gru" or "lstm"
   * @param classes ≥ 2
   */
  public record Spec(int height, int width, int fixations, Retina retina, int glimpseWidth, int locationWidth, int features, int hidden, String cell,
      int classes) {
    /**
     * Validates the components.
     *
     * @throws IllegalArgumentException if a size is out of range, the retina does not fit the image, or the
     *     cell is not
     *     gru or lstm
     */
    public Spec {
      if (height < 1 || width < 1) throw new IllegalArgumentException("image size (" + height + "x" + width + ") must be >= 1x1");
      ScanPolicy.checkFixations(fixations);
      if (retina == null) throw new IllegalArgumentException("retina must not be null");
      retina.checkFits(height, width);
      if (hidden < 1) throw new IllegalArgumentException("hidden (" + hidden + ") must be >= 1");
      if (!"gru".equals(cell) && !"lstm".equals(cell)) throw new IllegalArgumentException("cell (" + cell + ") must be gru or lstm");
      if (classes < 2) throw new IllegalArgumentException("classes (" + classes + ") must be >= 2");
    }

    /**
     * Floats in one input row, h·w + 2T.
     *
     * @return h·w + 2T
     */
    public int rowSize() {
      return height * width + 2 * fixations;
    }
  }

  private final Spec spec;
  private final GlimpseNetwork glimpses;
  private final Module core;
  private final Linear head;
  private float[] sensed = new float[0];

  /**
   * A glimpse classifier of shape {@code spec}, weights drawn from {@code new Rng(seed)}.
   *
   * @param spec the shape
   * @param seed the weights' seed
   */
  public GlimpseClassifier(Spec spec, long seed) {
    this.spec = spec;
    Rng rng = new Rng(seed);
    this.glimpses = child("glimpse", new GlimpseNetwork(spec.retina().size(), spec.glimpseWidth(), spec.locationWidth(), spec.features(), rng));
    this.core = child("core", "gru".equals(spec.cell()) ? new Gru(spec.features(), spec.hidden(), 1, rng) : new Lstm(spec.features(), spec.hidden(), 1, rng));
    this.head = child("head", new Linear(spec.hidden(), spec.classes(), rng));
  }

  /**
   * The classifier's shape.
   *
   * @return the spec
   */
  public Spec spec() {
    return spec;
  }

  /** Logits after the last fixation, [B, classes]. */
  @Override
  public Var forward(Var x) {
    Var all = stepLogits(x); // [B, T, C]
    int b = all.shape().dim(0), t = spec.fixations();
    return F.reshape(F.slice(all, 1, t - 1, t), b, spec.classes());
  }

  /**
   * The logits after each fixation, [B, T, classes]: step t − 1 holds what the model says after
   * t fixations.
   *
   * @throws IllegalArgumentException naming the shape if x is not [B, h·w + 2T], or a fixation lies
   *     outside the image
   * @param x input rows {@code [B, h·w + 2T]}: the pixels, then the T fixations' rows and columns
   * @return logits {@code [B, T, classes]}, step t − 1 the prediction after t fixations
   */
  public Var stepLogits(Var x) {
    Shape s = x.shape();
    if (s.rank() != 2 || s.dim(1) != spec.rowSize() || s.dim(0) < 1) {
      throw new IllegalArgumentException("glimpse classifier input has shape " + s + ", expected [B, " + spec.rowSize() + "] (pixels then 2·" + spec.fixations()
          + " path coordinates)");
    }
    int b = s.dim(0), t = spec.fixations();
    Var g = run(glimpses, sense(x.tape(), x.data(), b)); // [B·T, features]
    Var h = run(core, F.reshape(g, b, t, spec.features())); // [B, T, hidden]
    Var z = run(head, F.reshape(h, b * t, spec.hidden())); // [B·T, C]
    return F.reshape(z, b, t, spec.classes()); // [B, T, C]
  }

  /** The retina's output for every image and fixation: rows [glimpse (k·g²), location (2)], [B·T, k·g² + 2], a constant on the tape. */
  private Var sense(Tape tape, float[] x, int b) {
    int h = spec.height(), w = spec.width(), p = h * w, row = spec.rowSize(), t = spec.fixations();
    Retina retina = spec.retina();
    int d = retina.size() + 2, n = b * t * d;
    if (sensed.length != n) sensed = new float[n];
    for (int i = 0; i < b; i++) {
      for (int k = 0; k < t; k++) {
        float fr = x[i * row + p + 2 * k], fc = x[i * row + p + 2 * k + 1];
        int r = (int) fr, c = (int) fc;
        if (r != fr || c != fc || r < 0 || r >= h || c < 0 || c >= w) {
          throw new IllegalArgumentException("fixation " + k + " of sample " + i + " (" + fr + ", " + fc + ") is not a pixel of the " + h + "x" + w + " image");
        }
        int o = (i * t + k) * d;
        retina.sample(x, i * row, h, w, r, c, sensed, o);
        float[] l = Retina.location(r, c, h, w);
        sensed[o + d - 2] = l[0];
        sensed[o + d - 1] = l[1];
      }
    }
    return tape.input(Tensor.wrap(sensed, Shape.of(b * t, d)));
  }

  @Override
  protected Module blank() {
    return new GlimpseClassifier(spec, 0);
  }
}
