package dev.fivefold.info;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Tape;
import dev.fivefold.autodiff.Var;
import dev.fivefold.data.Dataset;
import dev.fivefold.nn.Parameter;
import dev.fivefold.nn.VariationalBottleneck;
import dev.fivefold.optim.Optimizers;
import dev.fivefold.perception.Mlp;
import dev.fivefold.perception.VibClassifier;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
import dev.fivefold.train.ClassificationTask;
import dev.fivefold.train.TrainConfig;
import dev.fivefold.train.Trainer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Information plane, VIB, prequential MDL and weight entropy against their oracles. */
class InformationTheoryTest {
  @Test
  void syntheticTaskCarriesAboutOneBit() {
    assertEquals(0.99, SyntheticBits.mutualInformationXY(), 0.02);
    Dataset d = SyntheticBits.dataset();
    assertEquals(4096, d.size());
    assertEquals(12, d.features());
  }

  @Test
  void observerRespectsDataProcessing() {
    Dataset d = SyntheticBits.dataset();
    for (String act : List.of("tanh", "relu")) {
      Mlp net = Mlp.shwartzZivTishby(act, 3);
      InformationPlane plane = new InformationPlane(net, d.x(), d.y(), InformationPlane.Estimator.BIN, 30, 0.1, new int[] {0, 1, 3});
      ClassificationTask task = new ClassificationTask(net, d, d.take(64), 512, 1);
      new Trainer(task, Optimizers.adam(net.parameters(), 1e-2), TrainConfig.epochs(3)).observe(plane).fit();
      assertEquals(3 * 6, plane.points().size());
      for (InformationPlane.Point p : plane.points()) {
        assertTrue(Double.isFinite(p.ixt()) && Double.isFinite(p.ity()), p.toString());
        assertTrue(p.ity() <= p.ixt() + 1e-9 && p.ixt() <= 12 + 1e-9 && p.ity() <= 1 + 1e-9, p.toString());
      }
    }
  }

  /** The hooked layer outputs are the former TracedMlp.layerOutputs: each hidden activation, then the softmax, computed layer by layer. */
  @Test
  void layerOutputsAreTheActivationsAndTheSoftmax() {
    Tensor x = SyntheticBits.dataset().take(40).x();
    Mlp net = Mlp.shwartzZivTishby("tanh", 2);
    List<float[][]> outs = InformationPlane.layerOutputs(net, x);
    assertEquals(6, outs.size());
    Tape tape = Tape.inference();
    Var h = tape.input(x);
    for (int i = 0; i < net.layers().size(); i++) {
      h = net.layers().get(i).forward(h);
      h = i + 1 < net.layers().size() ? F.tanh(h) : F.softmax(h);
      float[] a = h.data();
      int d = h.shape().dim(1);
      for (int r = 0; r < 40; r++) {
        org.junit.jupiter.api.Assertions.assertArrayEquals(java.util.Arrays.copyOfRange(a, r * d, (r + 1) * d), outs.get(i)[r], "layer " + (i + 1) + " row " + r);
      }
    }
  }

  @Test
  void kdeEstimatorGivesBoundedValues() {
    Dataset d = SyntheticBits.dataset().take(512);
    Mlp net = Mlp.shwartzZivTishby("tanh", 1);
    InformationPlane plane = new InformationPlane(net, d.x(), d.y(), InformationPlane.Estimator.KDE, 30, 0.1, new int[] {0});
    for (InformationPlane.Point p : plane.measure(0)) {
      assertTrue(p.ixt() >= 0 && p.ixt() <= Math.log(512) / Math.log(2) + 1e-9 && p.ity() >= 0 && p.ity() <= 1.05, p.toString());
    }
  }

  @Test
  void klClosedFormMatchesMonteCarlo() {
    double mu = 0.7, logVar = -0.6, sigma = Math.exp(0.5 * logVar);
    Rng rng = new Rng(5);
    double sum = 0;
    int n = 400_000;
    for (int i = 0; i < n; i++) {
      double z = mu + sigma * rng.nextGaussian();
      // log q(z) - log p(z), the Gaussian constants cancel
      sum += -0.5 * logVar - 0.5 * Math.pow((z - mu) / sigma, 2) + 0.5 * z * z;
    }
    assertEquals(VariationalBottleneck.klToStandardNormal(mu, logVar), sum / n, 5e-3);
  }

  @Test
  void rateMatchesClosedFormAndFiniteDifferences() {
    Rng rng = new Rng(2);
    int b = 3, k = 4;
    float[] stats = Tensor.normal(rng, 0f, 1f, b, 2 * k).data();
    Parameter p = new Parameter(Tensor.of(stats.clone(), b, 2 * k));
    VariationalBottleneck vib = new VariationalBottleneck(k, new Rng(1));
    Tape tape = Tape.training();
    vib.forward(p.on(tape));
    Var r = vib.lastRate();
    double expect = 0;
    for (int i = 0; i < b; i++) for (int j = 0; j < k; j++) expect += VariationalBottleneck.klToStandardNormal(stats[i * 2 * k + j], stats[i * 2 * k + k + j]);
    assertEquals(expect / b, r.item(), 1e-5);
    tape.backward(r);
    float[] g = p.grad().clone();
    double h = 1e-3;
    for (int i = 0; i < stats.length; i++) {
      float[] v = p.value().data();
      float old = v[i];
      v[i] = (float) (old + h);
      double up = rateOf(vib, p);
      v[i] = (float) (old - h);
      double down = rateOf(vib, p);
      v[i] = old;
      assertEquals((up - down) / (2 * h), g[i], 2e-3, "d rate / d stats[" + i + "]");
    }
  }

  private static double rateOf(VariationalBottleneck vib, Parameter p) {
    Tape t = Tape.inference();
    vib.forward(p.on(t));
    return vib.lastRate().item();
  }

  @Test
  void bottleneckSamplesInTrainingAndIsTheMeanInEval() {
    VariationalBottleneck vib = new VariationalBottleneck(2, new Rng(1));
    Tensor stats = Tensor.of(new float[] {1f, 2f, 0f, 0f}, 1, 4);
    Var eval;
    vib.eval();
    eval = vib.forward(Tape.inference().input(stats));
    assertEquals(1f, eval.data()[0]);
    assertEquals(2f, eval.data()[1]);
    vib.train();
    Var z = vib.forward(Tape.inference().input(stats));
    assertFalse(z.data()[0] == 1f && z.data()[1] == 2f);
    assertThrows(IllegalArgumentException.class, () -> vib.forward(Tape.inference().input(Tensor.zeros(1, 3))));
  }

  @Test
  void vibTrainsAndReportsRate() {
    Dataset d = SyntheticBits.dataset();
    VibClassifier m = new VibClassifier(12, 16, 4, 2, true, 1);
    VibTask task = new VibTask(m, d, d.take(256), 256, 1e-3, 1);
    var e = new Trainer(task, Optimizers.adam(m.parameters(), 1e-2), TrainConfig.epochs(2)).fit();
    assertTrue(e.get("rate_bits") > 0 && Double.isFinite(e.get("rate_bits")), e.toString());
  }

  @Test
  void prequentialCodeSeparatesPredictableFromRandomLabels() {
    Rng rng = new Rng(4);
    int n = 512, f = 4;
    float[] x = new float[n * f];
    int[] easy = new int[n], random = new int[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < f; j++) x[i * f + j] = (float) rng.nextGaussian();
      easy[i] = x[i * f] > 0 ? 1 : 0;
      random[i] = rng.nextInt(2);
    }
    Prequential.Config cfg = new Prequential.Config(32, 20, 32, 1e-2, 1);
    var factory = (java.util.function.LongFunction<dev.fivefold.nn.Module>) s -> new Mlp(new int[] {f, 16, 2}, "relu", s);
    Prequential.Code ez = Prequential.code(new Dataset(Tensor.of(x, n, f), easy, 2), factory, cfg);
    Prequential.Code rnd = Prequential.code(new Dataset(Tensor.of(x, n, f), random, 2), factory, cfg);
    assertEquals(512, ez.uniformBits(), 1e-9);
    assertTrue(ez.totalBits() < 0.3 * ez.uniformBits(), "easy " + ez.totalBits());
    assertTrue(rnd.totalBits() > 0.95 * rnd.uniformBits() && rnd.totalBits() < 1.5 * rnd.uniformBits(), "random " + rnd.totalBits());
    assertEquals(32, ez.blockBits()[0], 1e-9);
  }

  @Test
  void blockEndsDouble() {
    assertEquals(List.of(64, 128, 256, 300), java.util.Arrays.stream(Prequential.blockEnds(64, 300)).boxed().toList());
    assertThrows(IllegalArgumentException.class, () -> new Prequential.Config(0, 1, 1, 1e-3, 1));
  }

  @Test
  void weightEntropyOfKnownHistograms() {
    assertEquals(0, WeightEntropy.bitsPerWeight(new float[] {0.5f, 0.5f, 0.5f}, 8));
    float[] w = new float[256];
    for (int i = 0; i < w.length; i++) w[i] = i % 16; // 16 equally likely levels
    assertEquals(4, WeightEntropy.bitsPerWeight(w, 4), 1e-9);
    assertEquals(4, WeightEntropy.bitsPerWeight(w, 8), 1e-9);
    assertEquals(1, WeightEntropy.bitsPerWeight(w, 1), 1e-9); // levels 0..7 and 8..15 halves
    Mlp m = new Mlp(new int[] {8, 4, 2}, "relu", 1);
    var layers = WeightEntropy.perLayer(m, 4);
    assertEquals(4, layers.size());
    for (var l : layers.values()) assertTrue(l.bitsPerWeight() >= 0 && l.bitsPerWeight() <= 4);
    assertThrows(IllegalArgumentException.class, () -> WeightEntropy.bitsPerWeight(new float[] {Float.NaN}, 4));
  }
}
