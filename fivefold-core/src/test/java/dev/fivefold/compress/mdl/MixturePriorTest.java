package dev.fivefold.compress.mdl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.nn.Parameter;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.kernel.Parallel;
import org.junit.jupiter.api.Test;

/** The mixture's log-density against the formula, its gradients against finite differences, merging, bad input. */
class MixturePriorTest {
  static final MixturePrior.Config CFG = new MixturePrior.Config(5, 0.9, 0.25, new MixturePrior.Gamma(50, 2), new MixturePrior.Gamma(25, 0.1));

  static MixturePrior prior() {
    return MixturePrior.of(CFG, new float[] {-0.6f, -0.2f, 0.3f, 0.7f}, new float[] {3.1f, 2.2f, 2.8f, 1.9f, 2.5f}, new float[] {0.3f, -0.4f, 0.1f, 0.6f});
  }

  static float[] weights(int n, long seed) {
    Rng rng = new Rng(seed);
    float[] w = new float[n];
    for (int i = 0; i < n; i++) w[i] = (float) (rng.nextGaussian() * 0.4);
    return w;
  }

  /** log p(x) by the textbook formula: log Σ_j π_j √(λ_j/2π) exp(−λ_j (x − μ_j)²/2), directly, no log-sum-exp. */
  static double direct(MixturePrior.Mixture m, double x) {
    double p = 0;
    for (int j = 0; j < m.size(); j++) {
      double l = m.precisions()[j], d = x - m.means()[j];
      p += m.proportions()[j] * Math.sqrt(l / (2 * Math.PI)) * Math.exp(-l * d * d / 2);
    }
    return Math.log(p);
  }

  @Test
  void mixtureHoldsTheFixedZeroComponentAndSoftmaxProportions() {
    MixturePrior.Mixture m = prior().mixture();
    assertEquals(0, m.means()[0]);
    assertEquals(0.9, m.proportions()[0]);
    double sum = 0;
    for (double p : m.proportions()) sum += p;
    assertEquals(1, sum, 1e-12);
    assertEquals(Math.exp(3.1f), m.precisions()[0], 1e-9);
    assertEquals(-0.6f, m.means()[1]);
    // π_j ∝ e^ρ_j among the non-zero components
    assertEquals(Math.exp(0.6f - 0.3f), m.proportions()[4] / m.proportions()[1], 1e-9);
  }

  @Test
  void logDensityMatchesTheDirectFormula() {
    MixturePrior p = prior();
    MixturePrior.Mixture m = p.mixture();
    float[] w = weights(257, 3);
    double sum = 0;
    for (float x : w) {
      assertEquals(direct(m, x), m.logDensity(x), 1e-12);
      sum += direct(m, x);
    }
    assertEquals(-sum, p.accumulateScalar(w, null, 1), 1e-9 * Math.abs(sum));
    assertEquals(-sum, p.accumulate(w, null, 1), 1e-6 * Math.abs(sum)); // SIMD in float
  }

  @Test
  void gradientsMatchFiniteDifferences() {
    float[] w = weights(40, 5);
    MixturePrior p = prior();
    float[] gw = new float[w.length];
    p.accumulate(w, gw, 1);
    // weights: central differences of −log p(w_i), in double through the direct formula
    MixturePrior.Mixture m = p.mixture();
    for (int i = 0; i < w.length; i++) {
      double h = 1e-5;
      double fd = -(direct(m, w[i] + h) - direct(m, w[i] - h)) / (2 * h);
      assertEquals(fd, gw[i], 1e-3 * Math.max(1, Math.abs(fd)), "w" + i);
    }
    // the prior's parameters: perturb each float and recompute the summed negative log-density
    for (Parameter param : p.parameters()) {
      float[] v = param.value().data(), g = param.grad().clone();
      for (int k = 0; k < v.length; k++) {
        float old = v[k];
        float h = 1e-3f;
        v[k] = old + h;
        double up = prior(p).accumulate(w, null, 1);
        v[k] = old - h;
        double down = prior(p).accumulate(w, null, 1);
        v[k] = old;
        double fd = (up - down) / ((double) (old + h) - (double) (old - h));
        assertEquals(fd, g[k], 2e-3 * Math.max(1, Math.abs(fd)), "param " + k);
      }
    }
  }

  /** A fresh prior with {@code p}'s current values (so accumulating does not touch p's gradients). */
  static MixturePrior prior(MixturePrior p) {
    return MixturePrior.of(CFG, p.means().value().data(), p.logPrecisions().value().data(), p.logits().value().data());
  }

  @Test
  void scaleMultipliesEveryGradientAndTheResultDoesNotDependOnThreads() {
    float[] w = weights(10_000, 7);
    MixturePrior a = prior(), b = prior();
    float[] ga = new float[w.length], gb = new float[w.length];
    int threads = Parallel.threads();
    double va, vb;
    try {
      Parallel.setThreads(1);
      va = a.accumulate(w, ga, 0.5);
      Parallel.setThreads(2);
      vb = b.accumulate(w, gb, 0.5);
    } finally {
      Parallel.setThreads(threads);
    }
    assertEquals(va, vb);
    assertArrayEquals(ga, gb);
    for (int k = 0; k < 3; k++) assertArrayEquals(a.parameters().get(k).grad(), b.parameters().get(k).grad());
    MixturePrior c = prior();
    float[] gc = new float[w.length];
    c.accumulate(w, gc, 1);
    for (int i = 0; i < w.length; i += 97) assertEquals(2 * ga[i], gc[i], 1e-6 * Math.abs(gc[i]) + 1e-12);
  }

  @Test
  void simdKernelAgreesWithTheScalarReference() {
    for (int n : new int[] {1, 7, 4096, 10_001}) {
      float[] w = weights(n, 13);
      MixturePrior a = prior(), b = prior();
      float[] ga = new float[n], gb = new float[n];
      double va = a.accumulate(w, ga, 0.25), vb = b.accumulateScalar(w, gb, 0.25);
      assertEquals(vb, va, 1e-5 * Math.abs(vb) + 1e-6, "n " + n);
      for (int i = 0; i < n; i++) assertEquals(gb[i], ga[i], 1e-4 * Math.abs(gb[i]) + 1e-6, "w" + i);
      for (int k = 0; k < 3; k++) {
        float[] pa = a.parameters().get(k).grad(), pb = b.parameters().get(k).grad();
        for (int j = 0; j < pa.length; j++) assertEquals(pb[j], pa[j], 1e-4 * Math.abs(pb[j]) + 1e-4, "param " + k + "/" + j + " n " + n);
      }
    }
  }

  @Test
  void hyperPriorIsTheGammaNegativeLogDensityAndItsGradient() {
    MixturePrior p = prior();
    float[] g = p.logPrecisions().value().data();
    double want = 0;
    for (int j = 0; j < g.length; j++) {
      double a = j == 0 ? 50 : 25, b = j == 0 ? 2 : 0.1;
      want += (1 - a) * g[j] + b * Math.exp(g[j]);
    }
    assertEquals(want, p.hyperPrior(2), 1e-9);
    for (int j = 0; j < g.length; j++) {
      double a = j == 0 ? 50 : 25, b = j == 0 ? 2 : 0.1;
      assertEquals(2 * ((1 - a) + b * Math.exp(g[j])), p.logPrecisions().grad()[j], 1e-4);
    }
    // the mode of Gamma(α, β) in λ is (α − 1)/β: there the γ-gradient of (1 − α)γ + βe^γ vanishes
    MixturePrior.Gamma gm = new MixturePrior.Gamma(250, 0.1);
    assertEquals(0, gm.negLogGradient(Math.log(249 / 0.1)), 1e-9);
  }

  @Test
  void initSpreadsMeansEvenlyOverTheRange() {
    MixturePrior p = MixturePrior.init(MixturePrior.Config.paper(), -0.5, 1.0);
    float[] mu = p.means().value().data();
    assertEquals(16, mu.length);
    assertEquals(-0.5f, mu[0]);
    assertEquals(1.0f, mu[15]);
    assertEquals(-0.5 + 1.5 * 7 / 15, mu[7], 1e-6);
    MixturePrior.Mixture m = p.mixture();
    assertEquals(0.25, m.std(3), 1e-6);
    assertEquals(0.001 / 16, m.proportions()[5], 1e-12);
  }

  @Test
  void mergingJoinsCloseMeansAndKeepsTheZeroComponentAtZero() {
    MixturePrior.Mixture m = new MixturePrior.Mixture(new double[] {0, 0.004, 0.3, 0.302, -0.5, 0.306},
        new double[] {100, 200, 300, 500, 400, 600}, new double[] {0.6, 0.1, 0.1, 0.1, 0.05, 0.05});
    MixturePrior.Mixture g = m.merge(0.005);
    assertEquals(3, g.size());
    assertArrayEquals(new double[] {0, -0.5, (0.1 * 0.3 + 0.1 * 0.302 + 0.05 * 0.306) / 0.25}, g.means(), 1e-12);
    assertArrayEquals(new double[] {0.7, 0.05, 0.25}, g.proportions(), 1e-12);
    assertEquals((0.6 * 100 + 0.1 * 200) / 0.7, g.precisions()[0], 1e-9);
    assertEquals((0.1 * 300 + 0.1 * 500 + 0.05 * 600) / 0.25, g.precisions()[2], 1e-9);
    // tolerance 0 merges nothing distinct; the zero component stays first
    MixturePrior.Mixture same = m.merge(0);
    assertEquals(6, same.size());
    assertEquals(0, same.means()[0]);
    assertEquals(0.6, same.proportions()[0]);
  }

  @Test
  void assignIsMostProbableForEveryWeight() {
    MixturePrior.Mixture m = prior().mixture();
    float[] w = weights(2000, 11);
    int[] a = m.assign(w);
    for (int i = 0; i < w.length; i++) {
      assertEquals(m.mostProbable(w[i]), a[i]);
      double best = m.logJoint(a[i], w[i]);
      for (int j = 0; j < m.size(); j++) assertTrue(m.logJoint(j, w[i]) <= best);
    }
  }

  @Test
  void badInputNamesTheValue() {
    var e = assertThrows(IllegalArgumentException.class, () -> MixturePrior.Config.paper().withComponents(1));
    assertEquals("components (1) must be in 2..256", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> MixturePrior.Config.paper().withComponents(257));
    e = assertThrows(IllegalArgumentException.class, () -> new MixturePrior.Config(17, 1.0, 0.25, new MixturePrior.Gamma(1, 1), new MixturePrior.Gamma(1, 1)));
    assertEquals("zero mixing (1.0) must be in (0, 1)", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new MixturePrior.Gamma(-1, 1));
    assertEquals("gamma shape (-1.0) must be > 0", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> MixturePrior.init(MixturePrior.Config.paper(), Double.NaN, 1));
    assertTrue(e.getMessage().startsWith("weight range [NaN, 1.0]"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> prior().mixture().merge(-1));
    assertEquals("merge tolerance (-1.0) must be >= 0", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> prior().accumulate(new float[3], new float[2], 1));
  }
}
