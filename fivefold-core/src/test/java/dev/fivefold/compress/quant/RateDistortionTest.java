package dev.fivefold.compress.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.compress.WeightSharing;
import dev.fivefold.compress.quant.RateDistortion.Method;
import dev.fivefold.data.Dataset;
import dev.fivefold.nn.Module;
import dev.fivefold.perception.Mlp;
import dev.fivefold.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The three scalar quantizers against their oracles (WeightSharing's k-means, Δ²/12, the Gaussian D(R)) and the study on a small MLP. */
class RateDistortionTest {
  static double mse(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) s += (a[i] - b[i]) * (double) (a[i] - b[i]);
    return s / a.length;
  }

  @Test
  void kmeansOnSortedValuesIsWeightSharingsLloyd() {
    SplittableRandom r = new SplittableRandom(5);
    for (int bits = 1; bits <= 5; bits++) {
      float[] x = QuantizationTest.gaussian(r, 3000, 0.05);
      for (int i = 0; i < 30; i++) x[r.nextInt(x.length)] *= 6; // a few outliers, as trained weights have
      ScalarQuantizers.Fit f = ScalarQuantizers.kmeans(new ScalarQuantizers.Sorted(x), bits);
      WeightSharing.Clustering c = WeightSharing.kmeans(x, 1 << bits, ScalarQuantizers.MAX_ITERATIONS);
      float[] ws = new float[x.length];
      for (int i = 0; i < x.length; i++) ws[i] = c.centroids()[c.assignment()[i]];
      float[] mine = f.dequantize();
      assertEquals(mse(x, ws), mse(x, mine), 1e-6 * mse(x, ws), "bits " + bits);
      int[] usedIdx = Arrays.stream(c.assignment()).distinct().toArray();
      float[] want = new float[usedIdx.length];
      for (int i = 0; i < want.length; i++) want[i] = c.centroids()[usedIdx[i]];
      Arrays.sort(want);
      assertArrayEquals(want, f.levels(), 1e-6f, "bits " + bits);
    }
  }

  @Test
  void uniformCellsHaveTheQuantizationNoiseOfTheirWidth() {
    SplittableRandom r = new SplittableRandom(2);
    float[] x = new float[200_000];
    for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble(-1, 1);
    for (int bits = 1; bits <= 8; bits++) {
      ScalarQuantizers.Fit f = ScalarQuantizers.uniform(new ScalarQuantizers.Sorted(x), bits);
      double delta = 2.0 / (1 << bits);
      assertEquals(delta * delta / 12, mse(x, f.dequantize()), 0.03 * delta * delta / 12, "bits " + bits);
      assertEquals(1 << bits, f.levels().length);
    }
  }

  @Test
  void gaussianSourceStaysAboveShannonsBoundAndEcsqComesClose() {
    float[] x = QuantizationTest.gaussian(new SplittableRandom(7), 100_000, 1);
    ScalarQuantizers.Sorted s = new ScalarQuantizers.Sorted(x);
    for (int bits = 2; bits <= 6; bits++) {
      for (Method m : Method.values()) {
        ScalarQuantizers.Fit f = switch (m) {
          case UNIFORM -> ScalarQuantizers.uniform(s, bits);
          case KMEANS -> ScalarQuantizers.kmeans(s, bits);
          case ECSQ -> ScalarQuantizers.ecsq(s, bits);
        };
        long[] counts = new long[f.levels().length];
        for (int q : f.codes()) counts[q]++;
        double h = dev.fivefold.compress.code.Entropy.bits(counts) / x.length;
        double db = 10 * Math.log10(mse(x, f.dequantize()) / s.variance);
        assertTrue(db > RateDistortion.gaussianDb(h) - 0.1, m + " " + bits + " bits: " + db + " dB at H = " + h);
        if (m == Method.ECSQ) {
          assertTrue(h <= bits + 1e-9, "ECSQ entropy " + h + " over its budget " + bits);
          assertTrue(h > bits - 0.05, "ECSQ entropy " + h + " well under its budget " + bits);
          // Gish & Pierce: entropy-coded scalar quantization is 1.53 dB (0.254 bit) from D(R) at high rate
          assertTrue(db < RateDistortion.gaussianDb(h) + 1.53 + 0.35, "ECSQ " + bits + " bits: " + db + " dB vs bound " + RateDistortion.gaussianDb(h));
        }
      }
      double kmH = entropyOf(ScalarQuantizers.kmeans(s, bits));
      double ecsq = mse(x, ScalarQuantizers.ecsq(s, bits).dequantize());
      double km = mse(x, ScalarQuantizers.kmeans(s, bits).dequantize());
      assertTrue(kmH < bits, "k-means entropy " + kmH);
      // ECSQ spends its whole budget where k-means leaves some unused, so its error is lower
      assertTrue(ecsq < km, "bits " + bits + ": ECSQ " + ecsq + " vs k-means " + km);
    }
  }

  static double entropyOf(ScalarQuantizers.Fit f) {
    long[] counts = new long[f.levels().length];
    for (int q : f.codes()) counts[q]++;
    return dev.fivefold.compress.code.Entropy.bits(counts) / f.codes().length;
  }

  @Test
  void studyOnAnMlpMeasuresEverySettingAndRestoresTheWeights() {
    Mlp mlp = new Mlp(new int[] {20, 32, 5}, "relu", 3);
    SplittableRandom r = new SplittableRandom(1);
    float[] xs = new float[200 * 20];
    int[] ys = new int[200];
    for (int i = 0; i < xs.length; i++) xs[i] = (float) r.nextGaussian();
    for (int i = 0; i < ys.length; i++) ys[i] = r.nextInt(5);
    Dataset test = new Dataset(Tensor.of(xs, 200, 20), ys, 5);
    Map<String, Tensor> before = mlp.stateDict();
    RateDistortion.Metric metric = RateDistortion.Metric.accuracy(test);
    double floatAcc = metric.score(mlp);
    int[] calls = {0};
    var cfg = new RateDistortion.Config(List.of(1, 4, 8), List.of(Method.values()), metric, 2, Method.KMEANS);
    RateDistortion.Result res = RateDistortion.run(mlp, cfg, (d, t, w) -> calls[0]++);
    assertEquals(before.keySet(), mlp.stateDict().keySet());
    for (var e : before.entrySet()) assertArrayEquals(e.getValue().data(), mlp.stateDict().get(e.getKey()).data(), 0f, e.getKey());
    assertEquals(2, res.tensors().size());
    assertEquals(9, res.settings().size());
    assertEquals(2 * 9, res.points().size());
    assertEquals(2, res.sensitivities().size());
    assertEquals(1 + 9 + 2, calls[0]);
    assertEquals(floatAcc, res.floatMetric());
    for (RateDistortion.Point p : res.points()) {
      assertTrue(p.rate() >= p.entropy(), p.toString());
      assertTrue(p.levels() <= (p.method() == Method.ECSQ ? 2 << p.bits() : 1 << p.bits()), p.toString());
    }
    for (Method m : Method.values()) {
      List<RateDistortion.Setting> s = res.settings().stream().filter(x -> x.method() == m).toList();
      assertTrue(s.get(0).db() > s.get(1).db() && s.get(1).db() > s.get(2).db(), m + ": " + s);
    }
    // at 8 bits k-means the accuracy is the float one within a couple of test points
    double acc8 = res.settings().stream().filter(x -> x.method() == Method.KMEANS && x.bits() == 8).findFirst().orElseThrow().metric();
    assertEquals(floatAcc, acc8, 0.011);
  }

  @Test
  void badConfigsAreRefusedNamingTheValue() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new RateDistortion.Config(List.of(0, 2), List.of(Method.KMEANS), null, 0, null)).getMessage().contains("(0)"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new RateDistortion.Config(List.of(9), List.of(Method.KMEANS), null, 0, null)).getMessage().contains("(9)"));
    assertThrows(IllegalArgumentException.class, () -> new RateDistortion.Config(List.of(2, 2), List.of(Method.KMEANS), null, 0, null));
    assertThrows(IllegalArgumentException.class, () -> new RateDistortion.Config(List.of(2), List.of(), null, 0, null));
    assertThrows(IllegalArgumentException.class, () -> new RateDistortion.Config(List.of(2), List.of(Method.ECSQ), null, 2, Method.KMEANS));
    float[] nan = {1f, Float.NaN};
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new ScalarQuantizers.Sorted(nan)).getMessage().contains("NaN"));
    Module none = new dev.fivefold.nn.LayerNorm(4);
    assertThrows(IllegalArgumentException.class, () -> RateDistortion.run(none, new RateDistortion.Config(List.of(2), List.of(Method.KMEANS), null, 0, null), null));
  }
}
