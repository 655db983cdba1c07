package dev.fivefold.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Tape;
import dev.fivefold.autodiff.Var;
import dev.fivefold.nn.Parameter;
import dev.fivefold.optim.Optimizer;
import dev.fivefold.optim.Optimizers;
import dev.fivefold.perception.Mlp;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QuantizationTest {
  @Test
  void kmeansRecoversSeparatedClustersFromLinearInit() {
    Rng rng = new Rng(1);
    float[] centers = {-2f, -0.5f, 1f, 3f};
    float[] x = new float[400];
    for (int i = 0; i < x.length; i++) x[i] = centers[i % 4] + 0.05f * (float) rng.nextGaussian();
    WeightSharing.Clustering c = WeightSharing.kmeans(x, 4, 100);
    assertTrue(c.iterations() < 100, "converged in " + c.iterations());
    float[] sorted = c.centroids().clone();
    java.util.Arrays.sort(sorted);
    for (int j = 0; j < 4; j++) assertEquals(centers[j], sorted[j], 0.02f);
    for (int i = 0; i < x.length; i++) assertEquals(centers[i % 4], c.centroids()[c.assignment()[i]], 0.02f);
    // k-means objective does not increase across iterations (Lloyd)
    double prev = Double.POSITIVE_INFINITY;
    for (int it = 1; it <= 6; it++) {
      WeightSharing.Clustering ci = WeightSharing.kmeans(x, 4, it);
      double sse = 0;
      for (int i = 0; i < x.length; i++) sse += Math.pow(x[i] - ci.centroids()[ci.assignment()[i]], 2);
      assertTrue(sse <= prev + 1e-6);
      prev = sse;
    }
  }

  @Test
  void codesAndCodebookReconstructAndCentroidGradientsAreClusterSums() {
    Synthetic data = new Synthetic(64, 8, 4, 4);
    Mlp m = new Mlp(new int[] {8, 16, 4}, "relu", 3);
    Masks masks = Pruner.perLayerSparsity(Pruner.weights(m), 0.5);
    List<SharedWeights> shared = WeightSharing.share(masks, 3, 50);
    for (SharedWeights s : shared) {
      QuantizedTensor q = s.toQuantized();
      assertEquals(3, q.bits());
      assertArrayEquals(s.weight().value().data(), q.dense());
      assertArrayEquals(masks.positions(s.name()), q.positions());
      java.util.Set<Float> distinct = new java.util.HashSet<>();
      for (float v : s.weight().value().data()) distinct.add(v);
      assertTrue(distinct.size() <= 8 + 1);
    }
    m.zeroGrad();
    data.lossAndBackward(m);
    for (SharedWeights s : shared) {
      float[] g = s.weight().grad().clone();
      double[] expect = new double[s.codebook().size()];
      int[] pos = s.positions(), codes = s.codes();
      for (int i = 0; i < pos.length; i++) expect[codes[i]] += g[pos[i]];
      s.accumulateCentroidGradients();
      for (int k = 0; k < expect.length; k++) assertEquals(expect[k], s.codebook().grad()[k], 1e-5);
      s.codebook().zeroGrad();
    }
    // fine-tuning the centroids lowers the loss and keeps the sharing and the zeros
    m.zeroGrad();
    Optimizer opt = Optimizers.adam(WeightSharing.codebooks(shared), 1e-2);
    float l0 = data.loss(m);
    for (int s = 0; s < 30; s++) {
      data.lossAndBackward(m);
      WeightSharing.step(shared, opt);
      m.zeroGrad(); // biases are not trained in this phase
    }
    assertTrue(data.loss(m) < l0, data.loss(m) + " vs " + l0);
    for (SharedWeights s : shared) assertArrayEquals(s.weight().value().data(), s.toQuantized().dense());
    for (var e : masks.masks().entrySet()) {
      float[] w = masks.parameters().get(e.getKey()).value().data();
      for (int i = 0; i < w.length; i++) if (!e.getValue()[i]) assertEquals(0f, w[i]);
    }
  }

  @Test
  void affineRoundTripWithinHalfAStep() {
    Rng rng = new Rng(2);
    Tensor x = Tensor.normal(rng, 0.3f, 1.5f, 6, 20);
    x.data()[5] = 0f;
    for (int bits : new int[] {8, 4}) {
      for (boolean perChannel : new boolean[] {false, true}) {
        AffineQuantized q = AffineQuantized.quantize(x, bits, perChannel);
        assertEquals(perChannel ? 6 : 1, q.scale().length);
        float[] d = q.dequantize().data();
        int per = x.size() / q.scale().length;
        for (int i = 0; i < d.length; i++) {
          assertTrue(q.q()[i] >= 0 && q.q()[i] < (1 << bits));
          float s = q.scale()[i / per];
          assertTrue(Math.abs(d[i] - x.data()[i]) <= s / 2 * (1 + 1e-5f), bits + " " + perChannel + " at " + i);
        }
        assertEquals(0f, d[5]);
      }
    }
    // per channel is at least as accurate as per tensor when channel ranges differ
    for (int j = 0; j < 20; j++) x.set(x.get(0, j) * 100, 0, j);
    double e1 = err(x, AffineQuantized.quantize(x, 8, false)), e2 = err(x, AffineQuantized.quantize(x, 8, true));
    assertTrue(e2 < e1);
    AffineQuantized pt = AffineQuantized.quantize(x, 4, false);
    assertArrayEquals(pt.dequantize().data(), pt.toQuantized("w").dense());
  }

  static double err(Tensor x, AffineQuantized q) {
    double s = 0;
    float[] d = q.dequantize().data();
    for (int i = 0; i < d.length; i++) s += Math.pow(d[i] - x.data()[i], 2);
    return s;
  }

  @Test
  void steFunctionalPassesGradientsStraightThrough() {
    Rng rng = new Rng(5);
    Tensor w = Tensor.normal(rng, 0, 1, 4, 5);
    Tensor u = Tensor.normal(rng, 0, 1, 4, 5);
    float[] g = new float[20];
    Tape tape = Tape.training();
    Var wv = tape.parameter(w, g);
    Var q = QuantAwareTraining.ste(wv, 4, true);
    Tensor expected = w.copy();
    AffineQuantized.fakeQuantize(expected, 4, true);
    for (int i = 0; i < 20; i++) assertEquals(expected.data()[i], q.data()[i], 1e-6f);
    tape.backward(F.sum(F.mul(q, tape.input(u))));
    assertArrayEquals(u.data(), g); // identity Jacobian
  }

  @Test
  void qatGradientsAreTakenAtQuantizedWeightsAndMasksHold() {
    Synthetic data = new Synthetic(64, 8, 4, 6);
    Mlp m = new Mlp(new int[] {8, 16, 4}, "relu", 4);
    Map<String, Parameter> ws = Pruner.weights(m);
    Masks masks = Pruner.global(ws, 0.6);
    QuantAwareTraining qat = new QuantAwareTraining(ws, masks, 4, false);
    // oracle: gradient of the model with fake-quantized weights
    Mlp ref = new Mlp(new int[] {8, 16, 4}, "relu", 4);
    ref.loadStateDict(m.stateDict(), "copy");
    for (String n : ws.keySet()) AffineQuantized.fakeQuantize(ref.namedParameters().get(n).value(), 4, false);
    data.lossAndBackward(ref);
    qat.beginStep();
    data.lossAndBackward(m);
    for (var e : m.namedParameters().entrySet()) assertArrayEquals(ref.namedParameters().get(e.getKey()).grad(), e.getValue().grad(), 1e-6f);
    Map<String, Tensor> masterBefore = null;
    qat.restore();
    masterBefore = m.stateDict();
    qat.beginStep();
    Optimizer opt = Optimizers.sgd(m.parameters(), 0.1, 0, false, 0);
    float[] g = m.namedParameters().get("fc1.weight").grad().clone();
    qat.endStep(opt);
    float[] w = m.namedParameters().get("fc1.weight").value().data(), w0 = masterBefore.get("fc1.weight").data();
    boolean[] k = masks.mask("fc1.weight");
    for (int i = 0; i < w.length; i++) assertEquals(k[i] ? w0[i] - 0.1f * g[i] : 0f, w[i], 1e-6f);
    float l0 = data.loss(m);
    for (int s = 0; s < 40; s++) {
      qat.beginStep();
      data.lossAndBackward(m);
      qat.endStep(opt);
      for (int i = 0; i < w.length; i++) if (!k[i]) assertEquals(0f, w[i]);
    }
    qat.finish();
    assertTrue(data.loss(m) < l0);
    for (int i = 0; i < w.length; i++) if (!k[i]) assertEquals(0f, w[i]);
    java.util.Set<Float> levels = new java.util.HashSet<>();
    for (float v : w) levels.add(v);
    assertTrue(levels.size() <= 16);
  }
}
