package dev.fivefold.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.nn.Parameter;
import dev.fivefold.optim.AdamThenSgd.RateEstimate;
import dev.fivefold.optim.AdamThenSgd.SwitchRule;
import dev.fivefold.tensor.Tensor;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The SGD rate estimates against closed forms. Under a constant gradient a (a linear loss), Adam's
 * step is p = -α a/|a| elementwise, the momentum buffer tends to a/(1-μ), so
 * γ = ‖p‖²/(-pᵀa) = α n/‖a‖₁ every step (SWATS: η = (1-μ) α n/‖a‖₁) and ‖p‖/‖b‖ tends to
 * α √n (1-μ)/‖a‖₂ (MATCHED). SGD's steady step at η is η a/(1-μ).
 */
class AdamThenSgdTest {
  static final double ALPHA = 1e-3, MU = 0.9;
  static final int N = 8, K = 3000;

  /** Gradients a_j = ±[0.5, 2): unequal magnitudes, so the two estimates differ. */
  static float[] gradient(long seed) {
    Random r = new Random(seed);
    float[] a = new float[N];
    for (int j = 0; j < N; j++) a[j] = (float) ((r.nextBoolean() ? 1 : -1) * (0.5 + 1.5 * r.nextDouble()));
    return a;
  }

  record Run(AdamThenSgd t, OptState s, List<Parameter> ps, LearningRate lr) {
    /** One step under gradient a; returns the update. */
    float[] step(float[] a) {
      float[][] u = {a.clone()};
      t.update(u, s, ps);
      return u[0];
    }
  }

  static Run run(RateEstimate e, SwitchRule rule, double sgdLr) {
    LearningRate lr = new LearningRate(ALPHA);
    AdamThenSgd t = new AdamThenSgd(lr, 0.9, 0.999, 1e-8, rule, null, e, sgdLr, MU);
    List<Parameter> ps = List.of(new Parameter(Tensor.of(new float[N], N)));
    return new Run(t, t.init(ps), ps, lr);
  }

  static double norm(float[] x) {
    double s = 0;
    for (float v : x) s += (double) v * v;
    return Math.sqrt(s);
  }

  static double norm1(float[] x) {
    double s = 0;
    for (float v : x) s += Math.abs(v);
    return s;
  }

  @Test
  void estimatesMatchTheirClosedFormsUnderAConstantGradient() {
    for (long seed = 1; seed <= 3; seed++) {
      float[] a = gradient(seed);
      double swats = (1 - MU) * ALPHA * N / norm1(a), matched = ALPHA * Math.sqrt(N) * (1 - MU) / norm(a);
      assertTrue(Math.abs(swats / matched - 1) > 0.02, "seed " + seed + ": estimates should differ, " + swats + " vs " + matched);
      for (RateEstimate e : RateEstimate.values()) {
        Run r = run(e, SwitchRule.atStep(K), 0);
        for (int k = 0; k < K; k++) r.step(a);
        assertTrue(AdamThenSgd.switched(r.s()), e + " switched");
        double want = e == RateEstimate.SWATS ? swats : matched;
        // SWATS's γ is exact every step; MATCHED's early ratios (b still growing) bias it by ~0.2% at K
        assertEquals(want, AdamThenSgd.sgdRate(r.s()), (e == RateEstimate.SWATS ? 1e-4 : 1e-2) * want, "seed " + seed + " " + e);
      }
    }
  }

  @Test
  void matchedSgdStepsKeepAdamsStepLengthSwatsStepsAreLonger() {
    for (long seed = 1; seed <= 3; seed++) {
      float[] a = gradient(seed);
      double adamStep = ALPHA * Math.sqrt(N); // ‖-α a/|a|‖
      double[] sgdStep = new double[2];
      for (RateEstimate e : RateEstimate.values()) {
        Run r = run(e, SwitchRule.atStep(K), 0);
        float[] u = null;
        for (int k = 0; k < K; k++) u = r.step(a);
        assertEquals(adamStep, norm(u), 1e-4 * adamStep, "Adam's step (float32)");
        for (int k = 0; k < 300; k++) u = r.step(a); // μ^300: the buffer has converged to a/(1-μ)
        sgdStep[e.ordinal()] = norm(u);
      }
      assertEquals(adamStep, sgdStep[RateEstimate.MATCHED.ordinal()], 1e-2 * adamStep, "seed " + seed + " matched SGD step");
      // the SWATS step is α n ‖a‖₂/‖a‖₁ ≥ α √n (Cauchy–Schwarz), equal only when all |a_j| are equal
      double want = ALPHA * N * norm(a) / norm1(a);
      assertEquals(want, sgdStep[RateEstimate.SWATS.ordinal()], 1e-3 * want, "seed " + seed + " SWATS SGD step");
      assertTrue(want > 1.02 * adamStep, "seed " + seed);
    }
  }

  @Test
  void sgdRateFollowsTheLearningRateRelativeToItsValueAtTheSwitch() {
    Run r = run(RateEstimate.MATCHED, SwitchRule.atStep(2), 0.05);
    float[] g = {1, -2, 0, 3, 0.5f, -1, 2, 1};
    r.step(g);
    r.step(g);
    assertTrue(AdamThenSgd.switched(r.s()));
    float[] u = r.step(g); // b = g, η = 0.05 at α = α_k
    for (int j = 0; j < N; j++) assertEquals(-0.05 * g[j], u[j], 1e-7);
    r.lr().set(ALPHA / 4);
    u = r.step(g); // b = μ g + g, η = 0.05/4
    for (int j = 0; j < N; j++) assertEquals(-0.05 / 4 * (1 + MU) * g[j], u[j], 1e-6);
    r.lr().set(0);
    u = r.step(g);
    for (int j = 0; j < N; j++) assertEquals(0, u[j], 0);
  }

  @Test
  void adamPhaseEqualsAdamAndTheRelativeRuleWaitsForItsMinStep() {
    Random rnd = new Random(5);
    Run r = run(RateEstimate.MATCHED, SwitchRule.swatsRelative(10, 50), 0);
    LearningRate lr = new LearningRate(ALPHA);
    GradientTransform adam = GradientTransform.chain(Transforms.scaleByAdam(0.9, 0.999, 1e-8), Transforms.scaleByLearningRate(lr));
    OptState as = adam.init(r.ps());
    for (int k = 1; k <= 49; k++) {
      float[] g = new float[N];
      for (int j = 0; j < N; j++) g[j] = (float) rnd.nextGaussian();
      float[][] ua = {g.clone()};
      adam.update(ua, as, r.ps());
      float[] u = r.step(g);
      for (int j = 0; j < N; j++) assertEquals(ua[0][j], u[j], 0, "step " + k);
      assertFalse(AdamThenSgd.switched(r.s()), "step " + k);
    }
    r.step(gradient(1));
    assertTrue(AdamThenSgd.switched(r.s()), "a tolerance of 10 passes at the min step");
  }
}
