package dev.fivefold.optim;

import dev.fivefold.nn.Parameter;
import dev.fivefold.tensor.kernel.Parallel;
import java.util.List;

/**
 * The gradient transforms optimizers are chained from. Each documents its update for one
 * parameter θ with incoming update u (initially the gradient g) at step t = 1, 2, ...
 */
public final class Transforms {
  private Transforms() {}

  /** Elements per parallel chunk of an elementwise update. */
  static final int GRAIN = 1 << 15;

  static int[] sizes(List<Parameter> ps) {
    int[] s = new int[ps.size()];
    for (int i = 0; i < s.length; i++) s[i] = ps.get(i).size();
    return s;
  }

  /** u ← -η u, with η read from {@code lr} at each step. */
  public static GradientTransform scaleByLearningRate(LearningRate lr) {
    return new GradientTransform() {
      @Override
      public OptState init(List<Parameter> params) {
        return new OptState();
      }

      @Override
      public void update(float[][] u, OptState s, List<Parameter> params) {
        float k = (float) -lr.get();
        for (float[] x : u) for (int j = 0; j < x.length; j++) x[j] *= k;
      }
    };
  }

  /**
   * Heavy-ball momentum as PyTorch's SGD: b ← μ b + u (b = u at t = 1); u ← b, or with Nesterov
   * u ← u + μ b.
   */
  public static GradientTransform traceMomentum(double momentum, boolean nesterov) {
    if (!(momentum >= 0 && momentum < 1)) throw new IllegalArgumentException("momentum (" + momentum + ") must be in [0, 1)");
    float mu = (float) momentum;
    return new GradientTransform() {
      @Override
      public OptState init(List<Parameter> params) {
        OptState s = new OptState();
        s.addSlot("trace", sizes(params));
        return s;
      }

      @Override
      public void update(float[][] u, OptState s, List<Parameter> params) {
        float[][] b = s.slot("trace");
        boolean first = s.count == 0;
        for (int i = 0; i < u.length; i++) {
          float[] x = u[i], bi = b[i];
          for (int j = 0; j < x.length; j++) {
            float nb = first ? x[j] : mu * bi[j] + x[j];
            bi[j] = nb;
            x[j] = nesterov ? x[j] + mu * nb : nb;
          }
        }
        s.count++;
      }
    };
  }

  /**
   * Adam's scaling (Kingma &amp; Ba 2015, Algorithm 1): m ← β1 m + (1-β1) u; v ← β2 v + (1-β2) u²;
   * u ← (m / (1-β1^t)) / (sqrt(v / (1-β2^t)) + ε), the form PyTorch uses.
   */
  public static GradientTransform scaleByAdam(double beta1, double beta2, double eps) {
    checkBeta("beta1", beta1);
    checkBeta("beta2", beta2);
    if (!(eps > 0)) throw new IllegalArgumentException("eps (" + eps + ") must be > 0");
    float b1 = (float) beta1, b2 = (float) beta2, e = (float) eps;
    return new GradientTransform() {
      @Override
      public OptState init(List<Parameter> params) {
        OptState s = new OptState();
        s.addSlot("mu", sizes(params));
        s.addSlot("nu", sizes(params));
        return s;
      }

      @Override
      public void update(float[][] u, OptState s, List<Parameter> params) {
        s.count++;
        float[][] m = s.slot("mu"), v = s.slot("nu");
        float bc1 = (float) (1 - Math.pow(beta1, s.count));
        float bc2s = (float) Math.sqrt(1 - Math.pow(beta2, s.count));
        for (int i = 0; i < u.length; i++) {
          float[] x = u[i], mi = m[i], vi = v[i];
          Parallel.forRange(0, x.length, GRAIN, (lo, hi) -> {
            for (int j = lo; j < hi; j++) {
              float g = x[j];
              mi[j] = b1 * mi[j] + (1 - b1) * g;
              vi[j] = b2 * vi[j] + (1 - b2) * g * g;
              x[j] = (mi[j] / bc1) / ((float) Math.sqrt(vi[j]) / bc2s + e);
            }
          });
        }
      }
    };
  }

  /**
   * u ← u + λ θ for parameters with {@link Parameter#decay()} (or all when {@code all}). Before the
   * scaling stages it is coupled L2 regularisation; after them it is decoupled weight decay
   * (Loshchilov &amp; Hutter 2019, AdamW).
   */
  public static GradientTransform addDecayedWeights(double weightDecay, boolean all) {
    if (!(weightDecay >= 0)) throw new IllegalArgumentException("weight decay (" + weightDecay + ") must be >= 0");
    float wd = (float) weightDecay;
    return new GradientTransform() {
      @Override
      public OptState init(List<Parameter> params) {
        return new OptState();
      }

      @Override
      public void update(float[][] u, OptState s, List<Parameter> params) {
        if (wd == 0) return;
        for (int i = 0; i < u.length; i++) {
          Parameter p = params.get(i);
          if (!all && !p.decay()) continue;
          float[] x = u[i], th = p.value().data();
          for (int j = 0; j < x.length; j++) x[j] += wd * th[j];
        }
      }
    };
  }

  static void checkBeta(String name, double b) {
    if (!(b >= 0 && b < 1)) throw new IllegalArgumentException(name + " (" + b + ") must be in [0, 1)");
  }
}
