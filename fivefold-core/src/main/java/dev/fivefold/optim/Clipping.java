package dev.fivefold.optim;

import dev.fivefold.nn.Parameter;
import java.util.List;

/**
 * Gradient clipping as {@link GradientTransform}s: the first link of an optimizer's chain
 * ({@link Optimizer#prepend}, {@link Optimizers#withClip}: clip →
 * scaling → -η, as optax's {@code chain(clip_by_global_norm(c), adam(...))}). Each rewrites the updates u in place; NaN entries stay
 * NaN (the divergence guard, not the clip, handles them).
 * <ul>
 *   <li>{@link #byGlobalNorm}: u ← u·min(1, c/‖u‖₂), the norm over all parameters (Pascanu et al. 2013;
 *   torch.nn.utils.clip_grad_norm_).</li>
 *   <li>{@link #byValue}: uⱼ ← clamp(uⱼ, -c, c).</li>
 *   <li>{@link #adaptive}: unit-wise AGC (Brock et al. 2021, "High-performance large-scale image
 *   recognition without normalization", §4.1): for each unit i (a slice along the first dimension;
 *   a rank-1 tensor is one unit), if ‖Gᵢ‖/max(‖Wᵢ‖, ε) &gt; λ then Gᵢ ← λ·max(‖Wᵢ‖, ε)/‖Gᵢ‖·Gᵢ.
 *   Defaults in the paper: λ = 0.01 at batch 4096 (up to 0.16 at smaller batches), ε = 1e-3.</li>
 * </ul>
 */
public final class Clipping {
  private Clipping() {}

  /**
   * {@return the clip u ← u·min(1, c/‖u‖₂) over all parameters}
   *
   * @param maxNorm c, positive and finite
   * @throws IllegalArgumentException if {@code maxNorm} is not positive and finite
   */
  public static GradientTransform byGlobalNorm(double maxNorm) {
    check("max norm", maxNorm);
    return stateless((u, ps) -> {
      double n = norm(u);
      if (n > maxNorm) for (float[] x : u) for (int j = 0; j < x.length; j++) x[j] *= (float) (maxNorm / n);
    });
  }

  /**
   * {@return the clip uⱼ ← clamp(uⱼ, -c, c)}
   *
   * @param max c, positive and finite
   * @throws IllegalArgumentException if {@code max} is not positive and finite
   */
  public static GradientTransform byValue(double max) {
    check("max value", max);
    float c = (float) max;
    return stateless((u, ps) -> {
      for (float[] x : u) for (int j = 0; j < x.length; j++) x[j] = Math.max(-c, Math.min(c, x[j]));
    });
  }

  /**
   * {@return the unit-wise adaptive clip (AGC)}
   *
   * @param clip λ, positive and finite
   * @param eps ε, the floor of the weight norm, positive and finite
   * @throws IllegalArgumentException if an argument is not positive and finite
   */
  public static GradientTransform adaptive(double clip, double eps) {
    check("clip factor", clip);
    check("eps", eps);
    return stateless((u, ps) -> {
      for (int i = 0; i < u.length; i++) {
        float[] g = u[i], w = ps.get(i).value().data();
        int units = ps.get(i).value().rank() >= 2 ? ps.get(i).value().dim(0) : 1;
        int len = g.length / units;
        for (int k = 0; k < units; k++) {
          double gn = 0, wn = 0;
          for (int j = k * len; j < (k + 1) * len; j++) {
            gn += (double) g[j] * g[j];
            wn += (double) w[j] * w[j];
          }
          double maxG = clip * Math.max(Math.sqrt(wn), eps);
          gn = Math.sqrt(gn);
          if (gn > maxG) for (int j = k * len; j < (k + 1) * len; j++) g[j] *= (float) (maxG / gn);
        }
      }
    });
  }

  /** ‖u‖₂ over all parameters, summed in order in double. */
  static double norm(float[][] u) {
    double s = 0;
    for (float[] a : u) for (float f : a) s += (double) f * f;
    return Math.sqrt(s);
  }

  private static void check(String what, double v) {
    if (!(v > 0) || Double.isInfinite(v)) throw new IllegalArgumentException(what + " (" + v + ") must be > 0");
  }

  interface Rule {
    void apply(float[][] u, List<Parameter> ps);
  }

  static GradientTransform stateless(Rule r) {
    return new GradientTransform() {
      @Override
      public OptState init(List<Parameter> params) {
        return new OptState();
      }

      @Override
      public void update(float[][] updates, OptState state, List<Parameter> params) {
        r.apply(updates, params);
      }
    };
  }
}
