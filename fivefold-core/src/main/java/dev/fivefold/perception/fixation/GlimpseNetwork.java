package dev.fivefold.perception.fixation;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Var;
import dev.fivefold.nn.Linear;
import dev.fivefold.nn.Module;
import dev.fivefold.tensor.Rng;

/**
 * The glimpse network f_g of Mnih et al. 2014 (§3.1): what and where, combined into one feature.
 *
 * <pre>
 *   h_g = ReLU(W_g ρ + b_g)             ρ the glimpse, k·g² numbers         [N, glimpseWidth]
 *   h_l = ReLU(W_l l + b_l)             l the location (y, x) in [−1, 1]    [N, locationWidth]
 *   g   = ReLU(W_gg h_g + W_lg h_l + b)                                       [N, features]
 * </pre>
 * (the paper: 128, 128 and 256 wide; {@code fivefold fixations} defaults to 128, 32, 128). The
 * input row is the glimpse followed by the location, [N, k·g² + 2]. Parameters: {@code what.*},
 * {@code where.*}, {@code what_out.*}, {@code where_out.*} (the last without bias: one bias b).
 */
public final class GlimpseNetwork extends Module {
  private final int glimpse, glimpseWidth, locationWidth, features;
  private final Linear what, where, whatOut, whereOut;

  /**
   * The glimpse network's four layers, weights drawn from {@code rng}.
   *
   * @param glimpse k·g², the numbers per glimpse, ≥ 1
   * @param glimpseWidth the width of h_g, ≥ 1
   * @param locationWidth the width of h_l, ≥ 1
   * @param features the width of the output g, ≥ 1
   * @param rng the weights' generator
   * @throws IllegalArgumentException naming the value if a size is &lt; 1
   */
  public GlimpseNetwork(int glimpse, int glimpseWidth, int locationWidth, int features, Rng rng) {
    if (glimpse < 1) throw new IllegalArgumentException("glimpse size (" + glimpse + ") must be >= 1");
    if (glimpseWidth < 1) throw new IllegalArgumentException("glimpseWidth (" + glimpseWidth + ") must be >= 1");
    if (locationWidth < 1) throw new IllegalArgumentException("locationWidth (" + locationWidth + ") must be >= 1");
    if (features < 1) throw new IllegalArgumentException("features (" + features + ") must be >= 1");
    this.glimpse = glimpse;
    this.glimpseWidth = glimpseWidth;
    this.locationWidth = locationWidth;
    this.features = features;
    this.what = child("what", new Linear(glimpse, glimpseWidth, rng));
    this.where = child("where", new Linear(2, locationWidth, rng));
    this.whatOut = child("what_out", new Linear(glimpseWidth, features, rng));
    this.whereOut = child("where_out", new Linear(locationWidth, features, false, rng));
  }

  /**
   * The width of the output g.
   *
   * @return the feature count
   */
  public int features() {
    return features;
  }

  /** x [N, k·g² + 2] (glimpse, then location) → g [N, features]. */
  @Override
  public Var forward(Var x) {
    if (x.shape().rank() != 2 || x.shape().dim(1) != glimpse + 2) {
      throw new IllegalArgumentException("glimpse network input has shape " + x.shape() + ", expected [N, " + (glimpse + 2) + "]");
    }
    Var rho = F.slice(x, 1, 0, glimpse); // [N, k·g²]
    Var loc = F.slice(x, 1, glimpse, glimpse + 2); // [N, 2]
    Var hg = F.relu(run(what, rho)); // [N, Wg]
    Var hl = F.relu(run(where, loc)); // [N, Wl]
    return F.relu(F.add(run(whatOut, hg), run(whereOut, hl))); // [N, features]
  }

  @Override
  protected Module blank() {
    return new GlimpseNetwork(glimpse, glimpseWidth, locationWidth, features, new Rng(0));
  }
}
