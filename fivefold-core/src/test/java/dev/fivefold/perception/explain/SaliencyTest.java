package dev.fivefold.perception.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.nn.Module;
import dev.fivefold.perception.Models;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Gradient saliency against central finite differences of the class score, for an MLP and a ViT; the derived maps. */
class SaliencyTest {
  static Tensor images(int n, long seed) {
    Rng r = new Rng(seed);
    float[] x = new float[n * 784];
    for (int i = 0; i < x.length; i++) x[i] = r.nextFloat();
    return Tensor.of(x, n, 1, 28, 28);
  }

  /** (y_c(x + h·e_q) − y_c(x − h·e_q)) / 2h for image i's pixel q. */
  static double finiteDifference(Probe p, float[] x, int i, int q, int target, float h) {
    float[] one = java.util.Arrays.copyOfRange(x, i * p.features, (i + 1) * p.features);
    float v = one[q];
    one[q] = v + h;
    double up = p.logits(one, 1)[target];
    one[q] = v - h;
    double down = p.logits(one, 1)[target];
    return (up - down) / (2 * h);
  }

  @Test
  void inputGradientMatchesFiniteDifferences() {
    for (String spec : new String[] {"mlp:784-16-10:tanh", "vit:patch=7,width=8,layers=1,heads=2,mlp=12"}) {
      Module m = Models.create(spec, 3);
      Probe p = new Probe(m);
      Tensor x = images(3, 5);
      int[] targets = {0, 4, 9};
      float[] g = Saliency.inputGradients(p, x.data(), 3, targets);
      Rng r = new Rng(11);
      double worst = 0, scale = 0;
      for (int k = 0; k < 30; k++) {
        int i = r.nextInt(3), q = r.nextInt(784);
        double fd = finiteDifference(p, x.data(), i, q, targets[i], 1e-2f);
        worst = Math.max(worst, Math.abs(fd - g[i * 784 + q]));
        scale = Math.max(scale, Math.abs(fd));
      }
      assertTrue(scale > 1e-3, spec + ": gradients too small to test (" + scale + ")");
      assertTrue(worst < 2e-3 * Math.max(1, scale) + 1e-4, spec + ": worst |fd − grad| " + worst + " (scale " + scale + ")");
    }
  }

  @Test
  void mapsAreTheGradientsMagnitudeAndSmoothGradWithoutNoiseIsTheGradient() {
    Module m = Models.create("lenet5:2-3-8", 1);
    Probe p = new Probe(m);
    Tensor x = images(2, 7);
    int[] t = {3, 8};
    float[] g = Saliency.inputGradients(p, x.data(), 2, t);
    Heatmap[] grad = Saliency.gradient(m, x, t), gxi = Saliency.gradientTimesInput(m, x, t), smooth = Saliency.smoothGrad(m, x, t, 3, 0, 1);
    for (int i = 0; i < 2; i++) {
      assertEquals(28, grad[i].height());
      assertEquals(28, grad[i].width());
      for (int q = 0; q < 784; q++) {
        float gi = g[i * 784 + q];
        assertEquals(Math.abs(gi), grad[i].values()[q], 0f);
        assertEquals(Math.abs(gi * x.data()[i * 784 + q]), gxi[i].values()[q], 1e-7f);
        assertEquals(grad[i].values()[q], smooth[i].values()[q], 1e-6f * Math.max(1, Math.abs(gi)));
      }
    }
    // noise changes the map; the same seed gives the same map
    Heatmap[] a = Saliency.smoothGrad(m, x, t, 4, 0.2, 9), b = Saliency.smoothGrad(m, x, t, 4, 0.2, 9);
    assertTrue(java.util.Arrays.equals(a[1].values(), b[1].values()));
    assertTrue(!java.util.Arrays.equals(a[1].values(), grad[1].values()));
    // the model's gradient accumulators are left clean
    for (var prm : m.parameters()) for (float v : prm.grad()) assertEquals(0f, v);
  }
}
