package dev.fivefold.compress.mdl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Tape;
import dev.fivefold.autodiff.Var;
import dev.fivefold.nn.Parameter;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class VariationalLayerTest {
  static final int OUT = 3, IN = 2, K = 3;

  /** A small layer: θ ~ N(0, 0.5²), bias, log σ² in [−3, −1] (or log α in [−2, 0] structured). */
  static VariationalLayer layer(VariationalLayer.Kind kind, boolean structured, long seed) {
    Rng rng = new Rng(seed);
    int[] dims = kind == VariationalLayer.Kind.LINEAR ? new int[] {OUT, 4} : new int[] {OUT, IN, K, K};
    Parameter theta = new Parameter(Tensor.normal(rng, 0, 0.5f, dims));
    Parameter bias = new Parameter(Tensor.normal(rng, 0, 0.1f, OUT));
    VariationalLayer l = new VariationalLayer("w", kind, theta, bias, structured);
    float[] lv = l.logVariance().value().data();
    for (int i = 0; i < lv.length; i++) lv[i] = structured ? -2 + 2 * rng.nextFloat() : -3 + 2 * rng.nextFloat();
    return l;
  }

  static Tensor input(VariationalLayer.Kind kind, long seed) {
    Rng rng = new Rng(seed);
    return kind == VariationalLayer.Kind.LINEAR ? Tensor.normal(rng, 0, 1, 2, 4) : Tensor.normal(rng, 0, 1, 1, IN, 4, 4);
  }

  /**
   * Oracle: draw whole weight tensors w ~ N(θ, σ²) (σ² from the posterior, independent per weight),
   * run the deterministic layer on each, and compare the empirical mean and variance of the
   * pre-activations with the layer's closed forms and with the statistics of its own local
   * reparameterisation samples.
   */
  @ParameterizedTest
  @CsvSource({"LINEAR, false", "LINEAR, true", "CONV, false", "CONV, true"})
  void localReparameterisationMatchesAMonteCarloOverWeights(VariationalLayer.Kind kind, boolean structured) {
    VariationalLayer l = layer(kind, structured, 7);
    Tensor x = input(kind, 8);
    Tape t = Tape.inference();
    float[] mean = l.mean(t.input(x)).data().clone(), var = l.variance(t.input(x)).data().clone();
    int draws = 20000;
    double[] s1 = new double[mean.length], s2 = new double[mean.length], r1 = new double[mean.length], r2 = new double[mean.length];
    double[] sd = l.posteriorStd();
    float[] th = l.theta().value().data();
    Rng wr = new Rng(99), nr = new Rng(100);
    for (int d = 0; d < draws; d++) {
      float[] w = new float[th.length];
      for (int i = 0; i < w.length; i++) w[i] = (float) (th[i] + sd[i] * wr.nextGaussian());
      t.reset();
      Var wv = t.input(Tensor.of(w, l.theta().value().shape().dims()));
      Var bv = t.input(Tensor.of(biasOf(l), OUT));
      float[] b = (kind == VariationalLayer.Kind.LINEAR ? F.linear(t.input(x), wv, bv) : F.conv2d(t.input(x), wv, bv, 1, 0)).data();
      float[] s = l.sample(t.input(x), nr).data();
      for (int i = 0; i < b.length; i++) {
        s1[i] += b[i];
        s2[i] += (double) b[i] * b[i];
        r1[i] += s[i];
        r2[i] += (double) s[i] * s[i];
      }
    }
    for (int i = 0; i < mean.length; i++) {
      double m = s1[i] / draws, v = s2[i] / draws - m * m, rm = r1[i] / draws, rv = r2[i] / draws - rm * rm;
      double se = Math.sqrt(var[i] / draws);
      assertEquals(m, mean[i], 5 * se + 1e-5, "weight-sampling mean " + i);
      assertEquals(rm, mean[i], 5 * se + 1e-5, "reparameterised mean " + i);
      assertEquals(v, var[i], 0.06 * var[i] + 1e-6, "weight-sampling variance " + i);
      assertEquals(rv, var[i], 0.06 * var[i] + 1e-6, "reparameterised variance " + i);
    }
  }

  static float[] biasOf(VariationalLayer l) {
    Tape t = Tape.inference();
    Tensor zero = l.kind() == VariationalLayer.Kind.LINEAR ? Tensor.zeros(1, 4) : Tensor.zeros(1, IN, K, K);
    float[] m = l.mean(t.input(zero)).data(); // mean of a zero input is the bias (per output position)
    float[] b = new float[OUT];
    for (int o = 0; o < OUT; o++) b[o] = m[o]; // [1, OUT] or [1, OUT, 1, 1]
    return b;
  }

  /** Σ r ⊙ sample(x) with a fixed noise seed, and its gradients from the tape. */
  static double objective(VariationalLayer l, Tensor x, Tensor r, boolean backward) {
    Tape t = backward ? Tape.training() : Tape.inference();
    Var out = l.sample(t.input(x), new Rng(5));
    Var obj = F.sum(F.mul(out, t.input(r)));
    if (backward) t.backward(obj);
    return obj.item();
  }

  @ParameterizedTest
  @CsvSource({"LINEAR, false", "LINEAR, true", "CONV, false", "CONV, true"})
  void sampleGradientsMatchFiniteDifferences(VariationalLayer.Kind kind, boolean structured) {
    VariationalLayer l = layer(kind, structured, 11);
    Tensor x = input(kind, 12);
    Tape probe = Tape.inference();
    int[] outDims = l.mean(probe.input(x)).shape().dims();
    Tensor r = Tensor.normal(new Rng(13), 0, 1, outDims);
    l.theta().zeroGrad();
    l.logVariance().zeroGrad();
    objective(l, x, r, true);
    for (Parameter p : new Parameter[] {l.theta(), l.logVariance()}) {
      float[] v = p.value().data(), g = p.grad().clone();
      for (int i = 0; i < v.length; i++) {
        float keep = v[i];
        float h = 1e-2f;
        v[i] = keep + h;
        double up = objective(l, x, r, false);
        v[i] = keep - h;
        double down = objective(l, x, r, false);
        v[i] = keep;
        double fd = (up - down) / (2 * h);
        assertEquals(fd, g[i], 2e-2 * Math.max(1, Math.abs(fd)), (p == l.theta() ? "theta " : "log variance ") + i);
      }
    }
  }

  @ParameterizedTest
  @CsvSource({"LINEAR, false", "LINEAR, true", "CONV, false", "CONV, true"})
  void klGradientMatchesFiniteDifferences(VariationalLayer.Kind kind, boolean structured) {
    VariationalLayer l = layer(kind, structured, 21);
    l.theta().zeroGrad();
    l.logVariance().zeroGrad();
    double kl = l.addKlGradient(0.5);
    assertEquals(l.kl(), kl, 1e-9);
    for (Parameter p : new Parameter[] {l.theta(), l.logVariance()}) {
      float[] v = p.value().data(), g = p.grad();
      for (int i = 0; i < v.length; i++) {
        float keep = v[i], h = 1e-3f;
        if (p == l.theta() && Math.abs(keep) < 0.05f) continue; // log α has a pole at θ = 0: central differences need room
        v[i] = keep + h;
        double up = l.kl();
        v[i] = keep - h;
        double down = l.kl();
        v[i] = keep;
        double fd = 0.5 * (up - down) / ((double) (keep + h) - (keep - h));
        assertEquals(fd, g[i], 2e-3 * Math.max(1, Math.abs(fd)), (p == l.theta() ? "theta " : "log variance ") + i);
      }
    }
  }

  @Test
  void structuredKlIsFanInTimesTheRowsKl() {
    VariationalLayer l = layer(VariationalLayer.Kind.CONV, true, 3);
    double want = 0;
    for (float la : l.logVariance().value().data()) want += IN * K * K * KlApproximation.kl(la);
    assertEquals(want, l.kl(), 1e-9);
  }

  @Test
  void logAlphaIsLogSigmaSquaredOverThetaSquared() {
    VariationalLayer l = layer(VariationalLayer.Kind.LINEAR, false, 4);
    float[] th = l.theta().value().data(), lv = l.logVariance().value().data();
    double[] la = l.logAlpha();
    for (int i = 0; i < th.length; i++) assertEquals(Math.log(Math.exp(lv[i]) / ((double) th[i] * th[i])), la[i], 1e-9);
  }

  @ParameterizedTest
  @CsvSource({"false", "true"})
  void pruningByThresholdIsExact(boolean structured) {
    VariationalLayer l = layer(VariationalLayer.Kind.LINEAR, structured, 5);
    double[] la = l.logAlpha();
    double t = la[la.length / 2]; // a threshold on one of the values: that weight is kept (≤)
    boolean[] keep = l.keep(t);
    float[] before = l.theta().value().data().clone();
    int kept = 0;
    for (int i = 0; i < la.length; i++) {
      assertEquals(la[i] <= t, keep[i], "weight " + i);
      if (keep[i]) kept++;
    }
    assertTrue(kept > 0 && kept < la.length, "the test needs both kinds, kept " + kept);
    dev.fivefold.compress.Masks m = new dev.fivefold.compress.Masks().put("w", l.theta(), keep);
    m.apply();
    float[] after = l.theta().value().data();
    for (int i = 0; i < after.length; i++) assertEquals(keep[i] ? before[i] : 0f, after[i], 0f, "weight " + i);
    if (structured) for (int i = 0; i < la.length; i++) assertEquals(keep[i / 4 * 4], keep[i], "rows prune whole");
  }

  @Test
  void refusesAWeightOfTheWrongRank() {
    Parameter p = new Parameter(Tensor.zeros(3, 4));
    var e = assertThrows(IllegalArgumentException.class, () -> new VariationalLayer("fc1.weight", VariationalLayer.Kind.CONV, p, null, false));
    assertTrue(e.getMessage().contains("fc1.weight"), e.getMessage());
  }

  @Test
  void sampleIsTheSameForTheSameSeed() {
    VariationalLayer l = layer(VariationalLayer.Kind.CONV, false, 6);
    Tensor x = input(VariationalLayer.Kind.CONV, 7);
    float[] a = l.sample(Tape.inference().input(x), new Rng(3)).data().clone();
    float[] b = l.sample(Tape.inference().input(x), new Rng(3)).data().clone();
    assertArrayEquals(a, b);
  }
}
