package dev.fivefold.landscape;

import dev.fivefold.data.Dataset;
import dev.fivefold.nn.Module;
import dev.fivefold.nn.Parameter;
import dev.fivefold.tensor.Rng;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * The loss landscape around a trained classifier (Li et al. 2018): two filter-normalised random
 * directions δ, η drawn in that order from one {@link Rng} seeded with {@code seed} ({@link
 * Directions#filterNormalised}), then {@link Landscape#evaluate} on a {@code grid × grid} grid over
 * [−span, span]²; the grid's lowest and highest loss. The model's weights are restored exactly.
 */
public final class LandscapeExperiment {
  private LandscapeExperiment() {}

  /**
   * The experiment's settings.
   * @param grid points per axis, ≥ 2 (odd puts the model at a grid point)
   * @param span α and β range over [−span, span], &gt; 0
   * @param seed the directions
   */
  public record Config(int grid, double span, long seed) {
    /**
     * Checks the grid and the span.
     * @param grid points per axis, ≥ 2
     * @param span the half-width of the range, &gt; 0
     * @param seed the directions' seed
     * @throws IllegalArgumentException if {@code grid < 2} or span is not finite and positive
     */
    public Config {
      Landscape.coords(grid, span); // checks both
    }
  }

  /**
   * The landscape and its extremes.
   * @param grid the evaluated grid
   * @param min the lowest loss on the grid
   * @param minI the row (β index) of the lowest loss, the first in row-major order
   * @param minJ its column (α index)
   * @param max the highest loss on the grid
   */
  public record Result(Landscape.Grid grid, double min, int minI, int minJ, double max) {
    /**
     * The centre row/column, grid/2 (exactly the model for odd grids).
     * @return the index of the centre coordinate
     */
    public int centre() {
      return grid.size() / 2;
    }
  }

  /**
   * Evaluates the landscape of {@code model} on {@code data}; {@code progress} (may be null) receives the
   * points done.
   * @param model the classifier; its weights are restored exactly
   * @param data the examples the loss is measured on
   * @param cfg the settings
   * @param progress receives the number of points evaluated; may be null
   * @return the grid and its extremes
   * @throws IllegalArgumentException if the model has no parameters matching the directions (see {@link
   *     Landscape#evaluate})
   */
  public static Result run(Module model, Dataset data, Config cfg, IntConsumer progress) {
    List<Parameter> ps = model.parameters();
    Rng rng = new Rng(cfg.seed());
    float[][] d1 = Directions.filterNormalised(ps, rng), d2 = Directions.filterNormalised(ps, rng);
    Landscape.Grid g = Landscape.evaluate(model, data, d1, d2, cfg.grid(), cfg.span(), progress);
    double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
    int mi = 0, mj = 0;
    for (int i = 0; i < g.size(); i++) {
      for (int j = 0; j < g.size(); j++) {
        double v = g.loss()[i][j];
        if (v < min) {
          min = v;
          mi = i;
          mj = j;
        }
        max = Math.max(max, v);
      }
    }
    return new Result(g, min, mi, mj, max);
  }
}
