package dev.fivefold.optim;

import dev.fivefold.nn.Parameter;
import dev.fivefold.tensor.kernel.Parallel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

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

  /**
   * u ← -η u, with η read from {@code lr} at each step.
   *
   * @param lr the learning rate, read at every step
   * @return the transform
   */
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
   *
   * @param momentum the momentum μ, in [0, 1)
   * @param nesterov whether to use Nesterov's form
   * @return the transform
   * @throws IllegalArgumentException if μ is outside [0, 1)
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
   *
   * @param beta1 the decay of the first-moment average, in [0, 1)
   * @param beta2 the decay of the second-moment average, in [0, 1)
   * @param eps the term added to the denominator, positive
   * @return the transform
   * @throws IllegalArgumentException if a hyper-parameter is out of range
   */
  public static GradientTransform scaleByAdam(double beta1, double beta2, double eps) {
    checkBeta("beta1", beta1);
    checkBeta("beta2", beta2);
    checkEps(eps);
    float b1 = (float) beta1, b2 = (float) beta2, c1 = complement(beta1), c2 = complement(beta2), e = (float) eps;
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
            for (int j = lo; j < hi; j++) x[j] = adamDirection(x[j], mi, vi, j, b1, b2, c1, c2, bc1, bc2s, e);
          });
        }
      }
    };
  }

  /**
   * One coordinate of Adam's scaling, shared by {@link #scaleByAdam} and {@link AdamThenSgd}:
   * m_j ← β1 m_j + (1-β1) g; v_j ← β2 v_j + (1-β2) g²; returns (m_j / bc1) / (sqrt(v_j) / bc2s + ε)
   * with bc1 = 1-β1^t and bc2s = sqrt(1-β2^t); c1 and c2 are 1-β1 and 1-β2 computed in double
   * ({@link #complement}).
   */
  static float adamDirection(float g, float[] m, float[] v, int j, float b1, float b2, float c1, float c2, float bc1, float bc2s, float e) {
    m[j] = b1 * m[j] + c1 * g;
    v[j] = b2 * v[j] + c2 * g * g;
    return (m[j] / bc1) / ((float) Math.sqrt(v[j]) / bc2s + e);
  }

  /**
   * u ← u + λ θ for parameters with {@link Parameter#decay()} (or all when {@code all}). Before the
   * scaling stages it is coupled L2 regularisation; after them it is decoupled weight decay
   * (Loshchilov &amp; Hutter 2019, AdamW).
   *
   * @param weightDecay λ, non-negative
   * @param all whether to decay every parameter rather than only those with {@link Parameter#decay()}
   * @return the transform
   * @throws IllegalArgumentException if λ is negative or NaN
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

  /**
   * AMSGrad (Reddi, Kale &amp; Kumar 2018) in PyTorch's {@code Adam(amsgrad=True)} form: as
   * {@link #scaleByAdam} but with v̂max ← max(v̂max, v) and u ← (m / (1-β1^t)) / (sqrt(v̂max /
   * (1-β2^t)) + ε). Slots "mu", "nu", "nu_max". Errors: β outside [0, 1), ε ≤ 0 →
   * IllegalArgumentException.
   *
   * @param beta1 the decay of the first-moment average, in [0, 1)
   * @param beta2 the decay of the second-moment average, in [0, 1)
   * @param eps the term added to the denominator, positive
   * @return the transform
   * @throws IllegalArgumentException if a hyper-parameter is out of range
   */
  public static GradientTransform scaleByAmsgrad(double beta1, double beta2, double eps) {
    checkBeta("beta1", beta1);
    checkBeta("beta2", beta2);
    checkEps(eps);
    float b1 = (float) beta1, b2 = (float) beta2, c1 = complement(beta1), c2 = complement(beta2), e = (float) eps;
    return new GradientTransform() {
      @Override
      public OptState init(List<Parameter> params) {
        OptState s = new OptState();
        s.addSlot("mu", sizes(params));
        s.addSlot("nu", sizes(params));
        s.addSlot("nu_max", sizes(params));
        return s;
      }

      @Override
      public void update(float[][] u, OptState s, List<Parameter> params) {
        s.count++;
        float[][] m = s.slot("mu"), v = s.slot("nu"), vm = s.slot("nu_max");
        float bc1 = (float) (1 - Math.pow(beta1, s.count));
        float bc2s = (float) Math.sqrt(1 - Math.pow(beta2, s.count));
        for (int i = 0; i < u.length; i++) {
          float[] x = u[i], mi = m[i], vi = v[i], mx = vm[i];
          for (int j = 0; j < x.length; j++) {
            float g = x[j];
            mi[j] = b1 * mi[j] + c1 * g;
            vi[j] = b2 * vi[j] + c2 * g * g;
            mx[j] = Math.max(mx[j], vi[j]);
            x[j] = (mi[j] / bc1) / ((float) Math.sqrt(mx[j]) / bc2s + e);
          }
        }
      }
    };
  }

  /**
   * AdaMax (Kingma &amp; Ba 2015, Algorithm 2) in PyTorch's form: m ← β1 m + (1-β1) u;
   * n ← max(β2 n, |u| + ε); u ← m / ((1-β1^t) n). Slots "mu", "inf_norm". PyTorch defaults
   * β = (0.9, 0.999), ε = 1e-8. Errors: β outside [0, 1), ε ≤ 0 → IllegalArgumentException.
   *
   * @param beta1 the decay of the first-moment average, in [0, 1)
   * @param beta2 the decay β2 of the infinity norm, in [0, 1)
   * @param eps the term added to the denominator, positive
   * @return the transform
   * @throws IllegalArgumentException if a hyper-parameter is out of range
   */
  public static GradientTransform scaleByAdamax(double beta1, double beta2, double eps) {
    checkBeta("beta1", beta1);
    checkBeta("beta2", beta2);
    checkEps(eps);
    float b1 = (float) beta1, b2 = (float) beta2, c1 = complement(beta1), c2 = complement(beta2), e = (float) eps;
    return new GradientTransform() {
      @Override
      public OptState init(List<Parameter> params) {
        OptState s = new OptState();
        s.addSlot("mu", sizes(params));
        s.addSlot("inf_norm", sizes(params));
        return s;
      }

      @Override
      public void update(float[][] u, OptState s, List<Parameter> params) {
        s.count++;
        float[][] m = s.slot("mu"), n = s.slot("inf_norm");
        float bc1 = (float) (1 - Math.pow(beta1, s.count));
        for (int i = 0; i < u.length; i++) {
          float[] x = u[i], mi = m[i], ni = n[i];
          for (int j = 0; j < x.length; j++) {
            float g = x[j];
            mi[j] = b1 * mi[j] + c1 * g;
            ni[j] = Math.max(b2 * ni[j], Math.abs(g) + e);
            x[j] = mi[j] / (bc1 * ni[j]);
          }
        }
      }
    };
  }

  /**
   * NAdam (Dozat 2016) exactly as PyTorch 1.13's {@code NAdam}: μ_t = β1 (1 - ½·0.96^(t ψ)) with
   * momentum decay ψ; P ← P·μ_t (the "mu_product", kept in float32 as torch does);
   * P' = P·μ_t·μ_{t+1} (torch 1.13 multiplies μ_t in twice here; reproduced deliberately);
   * m ← β1 m + (1-β1) u; v ← β2 v + (1-β2) u²; d = sqrt(v / (1-β2^t)) + ε;
   * u ← (1-μ_t)/(1-P) · g/d + μ_{t+1}/(1-P') · m/d. Slots "mu", "nu", "mu_product" (one value).
   * Defaults: β = (0.9, 0.999), ε = 1e-8, ψ = 4e-3. Errors: β outside [0, 1), ε ≤ 0, ψ &lt; 0 →
   * IllegalArgumentException.
   *
   * @param beta1 the decay of the first-moment average, in [0, 1)
   * @param beta2 the decay of the second-moment average, in [0, 1)
   * @param eps the term added to the denominator, positive
   * @param momentumDecay the momentum decay ψ, non-negative and finite
   * @return the transform
   * @throws IllegalArgumentException if a hyper-parameter is out of range
   */
  public static GradientTransform scaleByNadam(double beta1, double beta2, double eps, double momentumDecay) {
    checkBeta("beta1", beta1);
    checkBeta("beta2", beta2);
    checkEps(eps);
    if (!(momentumDecay >= 0) || Double.isInfinite(momentumDecay)) throw new IllegalArgumentException("momentum_decay (" + momentumDecay + ") must be >= 0");
    float b1 = (float) beta1, b2 = (float) beta2, c1 = complement(beta1), c2 = complement(beta2), e = (float) eps;
    return new GradientTransform() {
      @Override
      public OptState init(List<Parameter> params) {
        OptState s = new OptState();
        s.addSlot("mu", sizes(params));
        s.addSlot("nu", sizes(params));
        s.addSlot("mu_product", new int[] {1})[0][0] = 1f;
        return s;
      }

      @Override
      public void update(float[][] u, OptState s, List<Parameter> params) {
        s.count++;
        long t = s.count;
        float[][] m = s.slot("mu"), v = s.slot("nu"), pp = s.slot("mu_product");
        double mu = beta1 * (1 - 0.5 * Math.pow(0.96, t * momentumDecay));
        double muNext = beta1 * (1 - 0.5 * Math.pow(0.96, (t + 1) * momentumDecay));
        pp[0][0] = (float) (pp[0][0] * mu);
        float prodNext = (float) ((float) (pp[0][0] * mu) * muNext);
        float cg = (float) ((1 - mu) / (1 - pp[0][0])), cm = (float) (muNext / (1 - prodNext));
        double bc2 = 1 - Math.pow(beta2, t);
        for (int i = 0; i < u.length; i++) {
          float[] x = u[i], mi = m[i], vi = v[i];
          for (int j = 0; j < x.length; j++) {
            float g = x[j];
            mi[j] = b1 * mi[j] + c1 * g;
            vi[j] = b2 * vi[j] + c2 * g * g;
            float d = (float) Math.sqrt(vi[j] / bc2) + e;
            x[j] = cg * g / d + cm * mi[j] / d;
          }
        }
      }
    };
  }

  /**
   * Adagrad's scaling (Duchi, Hazan &amp; Singer 2011) in PyTorch's form with lr_decay 0:
   * G ← G + u²; u ← u / (sqrt(G) + ε). Slot "sum" starts at {@code initialAccumulator}. PyTorch
   * defaults: ε = 1e-10, initial accumulator 0. Errors: ε ≤ 0, initial accumulator &lt; 0 →
   * IllegalArgumentException.
   *
   * @param eps the term added to the denominator, positive
   * @param initialAccumulator the starting value of G, non-negative
   * @return the transform
   * @throws IllegalArgumentException if a hyper-parameter is out of range
   */
  public static GradientTransform scaleByRss(double eps, double initialAccumulator) {
    checkEps(eps);
    if (!(initialAccumulator >= 0)) throw new IllegalArgumentException("initial_accumulator_value (" + initialAccumulator + ") must be >= 0");
    float e = (float) eps;
    return new GradientTransform() {
      @Override
      public OptState init(List<Parameter> params) {
        OptState s = new OptState();
        for (float[] b : s.addSlot("sum", sizes(params))) java.util.Arrays.fill(b, (float) initialAccumulator);
        return s;
      }

      @Override
      public void update(float[][] u, OptState s, List<Parameter> params) {
        s.count++;
        float[][] G = s.slot("sum");
        for (int i = 0; i < u.length; i++) {
          float[] x = u[i], gi = G[i];
          for (int j = 0; j < x.length; j++) {
            gi[j] += x[j] * x[j];
            x[j] = x[j] / ((float) Math.sqrt(gi[j]) + e);
          }
        }
      }
    };
  }

  /**
   * RMSProp's scaling (Tieleman &amp; Hinton 2012, lecture 6e; centered form Graves 2013) in
   * PyTorch's form: s ← α s + (1-α) u²; plain: u ← u / (sqrt(s) + ε); centered: ḡ ← α ḡ + (1-α) u,
   * u ← u / (sqrt(max(s - ḡ², 0)) + ε). Slots "square_avg" and, centered, "grad_avg". Momentum, if
   * any, is a following {@link #traceMomentum}. PyTorch defaults α = 0.99, ε = 1e-8. Errors: α
   * outside [0, 1), ε ≤ 0 → IllegalArgumentException.
   *
   * @param alpha the decay α of the averages, in [0, 1)
   * @param eps the term added to the denominator, positive
   * @param centered whether to use the centered form
   * @return the transform
   * @throws IllegalArgumentException if a hyper-parameter is out of range
   */
  public static GradientTransform scaleByRms(double alpha, double eps, boolean centered) {
    checkBeta("alpha", alpha);
    checkEps(eps);
    float a = (float) alpha, ca = complement(alpha), e = (float) eps;
    return new GradientTransform() {
      @Override
      public OptState init(List<Parameter> params) {
        OptState s = new OptState();
        s.addSlot("square_avg", sizes(params));
        if (centered) s.addSlot("grad_avg", sizes(params));
        return s;
      }

      @Override
      public void update(float[][] u, OptState s, List<Parameter> params) {
        s.count++;
        float[][] sq = s.slot("square_avg"), ga = centered ? s.slot("grad_avg") : null;
        for (int i = 0; i < u.length; i++) {
          float[] x = u[i], si = sq[i], gi = centered ? ga[i] : null;
          for (int j = 0; j < x.length; j++) {
            float g = x[j];
            si[j] = a * si[j] + ca * g * g;
            float var = si[j];
            if (centered) {
              gi[j] = a * gi[j] + ca * g;
              var = Math.max(si[j] - gi[j] * gi[j], 0f);
            }
            x[j] = g / ((float) Math.sqrt(var) + e);
          }
        }
      }
    };
  }

  /**
   * AdaDelta's scaling (Zeiler 2012, Algorithm 1) in PyTorch's form: s ← ρ s + (1-ρ) u²;
   * Δ = sqrt(d + ε) / sqrt(s + ε) · u; d ← ρ d + (1-ρ) Δ²; u ← Δ (then scaled by the learning
   * rate, 1.0 by default in PyTorch). Slots "square_avg", "acc_delta". Defaults ρ = 0.9,
   * ε = 1e-6. Errors: ρ outside [0, 1), ε ≤ 0 → IllegalArgumentException.
   *
   * @param rho the decay ρ of the averages, in [0, 1)
   * @param eps the term added to the denominator, positive
   * @return the transform
   * @throws IllegalArgumentException if a hyper-parameter is out of range
   */
  public static GradientTransform scaleByAdaDelta(double rho, double eps) {
    checkBeta("rho", rho);
    checkEps(eps);
    float r = (float) rho, cr = complement(rho), e = (float) eps;
    return new GradientTransform() {
      @Override
      public OptState init(List<Parameter> params) {
        OptState s = new OptState();
        s.addSlot("square_avg", sizes(params));
        s.addSlot("acc_delta", sizes(params));
        return s;
      }

      @Override
      public void update(float[][] u, OptState s, List<Parameter> params) {
        s.count++;
        float[][] sq = s.slot("square_avg"), ad = s.slot("acc_delta");
        for (int i = 0; i < u.length; i++) {
          float[] x = u[i], si = sq[i], di = ad[i];
          for (int j = 0; j < x.length; j++) {
            float g = x[j];
            si[j] = r * si[j] + cr * g * g;
            float delta = (float) Math.sqrt(di[j] + e) / (float) Math.sqrt(si[j] + e) * g;
            di[j] = r * di[j] + cr * delta * delta;
            x[j] = delta;
          }
        }
      }
    };
  }

  /**
   * LAMB's layer-wise trust ratio (You et al. 2020, Algorithm 2 with φ = identity): per
   * parameter, u ← (‖θ‖ / ‖u‖) u, with ratio 1 when either norm is 0. Stateless.
   *
   * @return the transform
   */
  public static GradientTransform scaleByTrustRatio() {
    return new GradientTransform() {
      @Override
      public OptState init(List<Parameter> params) {
        return new OptState();
      }

      @Override
      public void update(float[][] u, OptState s, List<Parameter> params) {
        for (int i = 0; i < u.length; i++) {
          double pn = norm(params.get(i).value().data()), un = norm(u[i]);
          float r = pn > 0 && un > 0 ? (float) (pn / un) : 1f;
          for (int j = 0; j < u[i].length; j++) u[i][j] *= r;
        }
      }
    };
  }

  /**
   * LARS's local learning rate (You, Gitman &amp; Ginsburg 2017, Algorithm 1): per parameter,
   * u ← λ_l (u + β θ) with λ_l = η ‖θ‖ / (‖u‖ + β ‖θ‖), and λ_l = 1 when ‖θ‖ or ‖u‖ is 0 (as
   * optax). β is the weight decay, η the trust coefficient (paper: 0.001). Stateless. Errors:
   * η ≤ 0, β &lt; 0 → IllegalArgumentException.
   *
   * @param trustCoefficient η, positive and finite
   * @param weightDecay β, non-negative
   * @return the transform
   * @throws IllegalArgumentException if a hyper-parameter is out of range
   */
  public static GradientTransform scaleByLars(double trustCoefficient, double weightDecay) {
    if (!(trustCoefficient > 0) || Double.isInfinite(trustCoefficient)) throw new IllegalArgumentException("trust_coefficient (" + trustCoefficient + ") must be > 0");
    if (!(weightDecay >= 0)) throw new IllegalArgumentException("weight decay (" + weightDecay + ") must be >= 0");
    return new GradientTransform() {
      @Override
      public OptState init(List<Parameter> params) {
        return new OptState();
      }

      @Override
      public void update(float[][] u, OptState s, List<Parameter> params) {
        for (int i = 0; i < u.length; i++) {
          float[] th = params.get(i).value().data(), x = u[i];
          double pn = norm(th), gn = norm(x);
          double local = pn > 0 && gn > 0 ? trustCoefficient * pn / (gn + weightDecay * pn) : 1;
          float l = (float) local, wd = (float) weightDecay;
          for (int j = 0; j < x.length; j++) x[j] = l * (x[j] + wd * th[j]);
        }
      }
    };
  }

  /**
   * u ← k u: a constant factor (e.g. a per-group learning-rate scale under {@link #masked}).
   *
   * @param k the factor, finite
   * @return the transform
   * @throws IllegalArgumentException if {@code k} is not finite
   */
  public static GradientTransform scale(double k) {
    if (!Double.isFinite(k)) throw new IllegalArgumentException("scale (" + k + ") must be finite");
    float f = (float) k;
    return new GradientTransform() {
      @Override
      public OptState init(List<Parameter> params) {
        return new OptState();
      }

      @Override
      public void update(float[][] u, OptState s, List<Parameter> params) {
        for (float[] x : u) for (int j = 0; j < x.length; j++) x[j] *= f;
      }
    };
  }

  /**
   * Parameter groups à la optax.masked: applies {@code inner} only to the parameters accepted by
   * {@code mask} (e.g. {@code Parameter::decay} for weights, or a name set from
   * {@code Module.namedParameters()}); the others' updates pass through unchanged. The inner
   * state covers only the selected parameters and is this state's single child.
   *
   * @param mask which parameters {@code inner} updates
   * @param inner the transform applied to the selected parameters
   * @return the transform
   */
  public static GradientTransform masked(Predicate<Parameter> mask, GradientTransform inner) {
    return new GradientTransform() {
      @Override
      public OptState init(List<Parameter> params) {
        OptState s = new OptState();
        s.children().add(inner.init(select(params)));
        return s;
      }

      List<Parameter> select(List<Parameter> params) {
        List<Parameter> out = new ArrayList<>();
        for (Parameter p : params) if (mask.test(p)) out.add(p);
        return out;
      }

      @Override
      public void update(float[][] u, OptState s, List<Parameter> params) {
        List<Parameter> sel = new ArrayList<>();
        List<float[]> us = new ArrayList<>();
        for (int i = 0; i < u.length; i++) {
          if (mask.test(params.get(i))) {
            sel.add(params.get(i));
            us.add(u[i]);
          }
        }
        inner.update(us.toArray(new float[0][]), s.children().get(0), sel);
        s.count++;
      }
    };
  }

  /**
   * Gradient accumulation à la optax.MultiSteps: averages the incoming updates over {@code k}
   * calls (slot "acc") and emits zero updates except on every k-th call, where {@code inner} runs
   * on the mean and its output is emitted. With a mean loss over micro-batches of equal size, k
   * micro-batches equal one batch k times larger. The inner state is the single child; this
   * state's count counts micro-steps. Errors: k &lt; 1 → IllegalArgumentException.
   *
   * @param k micro-steps per emitted update, at least 1
   * @param inner the transform run on the averaged update
   * @return the transform
   * @throws IllegalArgumentException if {@code k} is below 1
   */
  public static GradientTransform multiSteps(int k, GradientTransform inner) {
    if (k < 1) throw new IllegalArgumentException("every_k_schedule (" + k + ") must be >= 1");
    return new GradientTransform() {
      @Override
      public OptState init(List<Parameter> params) {
        OptState s = new OptState();
        s.addSlot("acc", sizes(params));
        s.children().add(inner.init(params));
        return s;
      }

      @Override
      public void update(float[][] u, OptState s, List<Parameter> params) {
        float[][] acc = s.slot("acc");
        s.count++;
        boolean emit = s.count % k == 0;
        for (int i = 0; i < u.length; i++) {
          float[] x = u[i], a = acc[i];
          for (int j = 0; j < x.length; j++) {
            a[j] += x[j];
            if (emit) {
              x[j] = a[j] / k;
              a[j] = 0;
            } else {
              x[j] = 0;
            }
          }
        }
        if (emit) inner.update(u, s.children().get(0), params);
      }
    };
  }

  /**
   * Max-norm constraint (Srebro &amp; Shraibman 2005; Hinton et al. 2012), applied as a projection
   * after the step: for each accepted parameter, each row (unit; the first dimension, e.g. a
   * Linear weight's [out, in] rows; the whole tensor when rank &lt; 2) of θ + u is rescaled to norm
   * ≤ {@code maxNorm}, and u is rewritten so that θ + u is the projected value. Place last in the
   * chain. Errors: maxNorm ≤ 0 → IllegalArgumentException.
   *
   * @param maxNorm the bound on each row's L2 norm, positive and finite
   * @param which which parameters are constrained
   * @return the transform
   * @throws IllegalArgumentException if {@code maxNorm} is not positive and finite
   */
  public static GradientTransform projectMaxNorm(double maxNorm, Predicate<Parameter> which) {
    if (!(maxNorm > 0) || Double.isInfinite(maxNorm)) throw new IllegalArgumentException("max_norm (" + maxNorm + ") must be > 0");
    return projection(which, p -> p.value().rank() < 2 ? p.size() : p.size() / Math.max(1, p.value().dim(0)), maxNorm);
  }

  /**
   * Projection onto the L2 ball ‖θ‖ ≤ r after the step (whole parameter), as
   * {@link #projectMaxNorm}. Errors: r ≤ 0 → IllegalArgumentException.
   *
   * @param radius the radius r, positive and finite
   * @param which which parameters are constrained
   * @return the transform
   * @throws IllegalArgumentException if {@code radius} is not positive and finite
   */
  public static GradientTransform projectL2Ball(double radius, Predicate<Parameter> which) {
    if (!(radius > 0) || Double.isInfinite(radius)) throw new IllegalArgumentException("radius (" + radius + ") must be > 0");
    return projection(which, Parameter::size, radius);
  }

  private static GradientTransform projection(Predicate<Parameter> which, java.util.function.ToIntFunction<Parameter> rowLen, double bound) {
    return new GradientTransform() {
      @Override
      public OptState init(List<Parameter> params) {
        return new OptState();
      }

      @Override
      public void update(float[][] u, OptState s, List<Parameter> params) {
        for (int i = 0; i < u.length; i++) {
          Parameter p = params.get(i);
          if (!which.test(p)) continue;
          float[] th = p.value().data(), x = u[i];
          int len = Math.max(1, rowLen.applyAsInt(p));
          for (int r0 = 0; r0 < x.length; r0 += len) {
            double n2 = 0;
            for (int j = r0; j < r0 + len; j++) {
              double v = th[j] + x[j];
              n2 += v * v;
            }
            double n = Math.sqrt(n2);
            if (n <= bound) continue;
            double f = bound / n;
            for (int j = r0; j < r0 + len; j++) x[j] = (float) ((th[j] + x[j]) * f - th[j]);
          }
        }
      }
    };
  }

  static double norm(float[] x) {
    double s = 0;
    for (float v : x) s += (double) v * v;
    return Math.sqrt(s);
  }

  static void checkEps(double eps) {
    if (!(eps > 0) || Double.isInfinite(eps)) throw new IllegalArgumentException("eps (" + eps + ") must be > 0");
  }

  /**
   * 1 - b rounded once to float32, the way PyTorch computes {@code value=1 - beta2} from a Python
   * float: for b = 0.999 it is 0.001f, where {@code 1 - (float) b} would be 0.0009999871 (an
   * error of 1.3e-5 relative that accumulates over a run, issue 20).
   */
  static float complement(double b) {
    return (float) (1 - b);
  }

  static void checkBeta(String name, double b) {
    if (!(b >= 0 && b < 1)) throw new IllegalArgumentException(name + " (" + b + ") must be in [0, 1)");
  }
}
