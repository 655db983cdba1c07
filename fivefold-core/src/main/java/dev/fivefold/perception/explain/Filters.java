package dev.fivefold.perception.explain;

import dev.fivefold.nn.Conv2d;
import dev.fivefold.nn.Linear;
import dev.fivefold.nn.Module;
import dev.fivefold.perception.Vit;
import dev.fivefold.tensor.Tensor;

/**
 * The first layer's weights as pictures (Krizhevsky et al. 2012, fig. 3): what each first-layer
 * unit responds to, drawn in input space. A CNN's first {@link Conv2d} gives one k × k picture per
 * output and input channel; a {@link Vit}'s patch embedding one P × P picture per embedding
 * dimension; an MLP whose first {@link Linear} reads the whole image one H × W picture per hidden
 * unit. The first layer is the first module of {@link Module#namedModules()} that holds weights.
 */
public final class Filters {
  private Filters() {}

  /**
   * The pictures [units][input channels] of {@code model}'s first layer.
   *
   * @throws IllegalArgumentException if the first weight layer is none of the three forms
   * @param model the model
   * @return one picture per unit and input channel
   */
  public static Heatmap[][] firstLayer(Module model) {
    Probe p = new Probe(model);
    for (var e : model.namedModules().entrySet()) {
      Module m = e.getValue();
      if (m instanceof Conv2d) {
        Tensor w = m.namedParameters().get("weight").value(); // [O, C, k, k]
        return pictures(w.data(), w.dim(0), w.dim(1), w.dim(2), w.dim(3));
      }
      if (m instanceof Linear) {
        Tensor w = m.namedParameters().get("weight").value(); // [out, in]
        if (model instanceof Vit v) {
          int patch = v.spec().patch();
          return pictures(w.data(), w.dim(0), 1, patch, patch);
        }
        if (w.dim(1) == p.features) return pictures(w.data(), w.dim(0), p.channels, p.height, p.width);
        throw new IllegalArgumentException("first layer (" + e.getKey() + ", " + w.dim(1) + " inputs) does not read the image as pictures");
      }
    }
    throw new IllegalArgumentException(model.getClass().getSimpleName() + " has no convolution or linear first layer");
  }

  private static Heatmap[][] pictures(float[] w, int units, int channels, int h, int wd) {
    Heatmap[][] out = new Heatmap[units][channels];
    for (int u = 0; u < units; u++) {
      for (int c = 0; c < channels; c++) {
        out[u][c] = new Heatmap(h, wd, java.util.Arrays.copyOfRange(w, (u * channels + c) * h * wd, (u * channels + c + 1) * h * wd));
      }
    }
    return out;
  }
}
