package dev.fivefold.compress.grad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.io.BadInputException;
import dev.fivefold.tensor.Rng;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Round trips, the error-feedback invariant, payload sizes, specs and bad input of every compressor. */
class GradientCompressorTest {
  /** A weight 20 × 30 (its first 5 columns always zero, like a dead input pixel), a bias of 20, a weight 6 × 20. */
  static final Layout LAYOUT = new Layout(List.of("fc1.weight", "fc1.bias", "fc2.weight"), new int[] {20, 20, 6}, new int[] {30, 1, 20});

  static float[][] gradient(Rng rng) {
    float[][] g = LAYOUT.zeros();
    for (int t = 0; t < g.length; t++) for (int j = 0; j < g[t].length; j++) g[t][j] = (float) rng.nextGaussian();
    for (int i = 0; i < 20; i++) for (int j = 0; j < 5; j++) g[0][i * 30 + j] = 0;
    return g;
  }

  static final List<String> EF_SPECS = List.of("onebit:scaling=column", "onebit:scaling=tensor", "signsgd", "topk:ratio=0.1",
      "dgc:ratio=0.05,momentum=0,correction=off,clip=0.0,masking=off,warmup=0", "randomk:ratio=0.2,ef=on", "topk:ratio=0.1,values=fp16",
      "topk:ratio=0.1,values=sign", "topk:ratio=0.1,selection=global");

  static float[][] copy(float[][] a) {
    float[][] c = new float[a.length][];
    for (int i = 0; i < a.length; i++) c[i] = a[i].clone();
    return c;
  }

  /** |a − b| ≤ 4 ulp of the larger magnitude involved: what one float subtraction and addition can lose. */
  static void assertRounding(float expected, float actual, float scale, String what) {
    float tol = 4 * Math.ulp(Math.max(Math.abs(expected), scale));
    assertTrue(Math.abs(expected - actual) <= tol, what + ": " + expected + " vs " + actual);
  }

  @Test
  void errorFeedbackSentPlusResidualIsTheAccumulatedGradient() {
    for (String spec : EF_SPECS) {
      GradientCompressor c = Compressors.parse(spec);
      WorkerState s = c.init(LAYOUT, 7, 0);
      Rng rng = new Rng(3);
      float[][] before = LAYOUT.zeros();
      for (int step = 0; step < 6; step++) {
        float[][] g = gradient(rng);
        byte[] p = c.compress(0, g, null, s);
        float[][] sent = c.decode(0, p, LAYOUT);
        float[][] after = s.find("residual");
        assertNotNull(after, spec);
        for (int t = 0; t < g.length; t++) {
          for (int j = 0; j < g[t].length; j++) {
            float acc = before[t][j] + g[t][j];
            assertRounding(acc, sent[t][j] + after[t][j], Math.abs(sent[t][j]) + Math.abs(after[t][j]), spec + " step " + step + " tensor " + t + "[" + j + "]");
          }
        }
        before = copy(after);
      }
    }
  }

  @Test
  void denseAndFullTopKRoundTripExactly() {
    float[][] g = gradient(new Rng(5));
    for (String spec : List.of("dense", "topk:ratio=1")) {
      GradientCompressor c = Compressors.parse(spec);
      WorkerState s = c.init(LAYOUT, 1, 0);
      float[][] d = c.decode(0, c.compress(0, g, null, s), LAYOUT);
      for (int t = 0; t < g.length; t++) assertArrayEquals(g[t], d[t], 0f, spec);
    }
    assertEquals(4 * LAYOUT.total(), new Dense().compress(0, g, null, new Dense().init(LAYOUT, 1, 0)).length);
  }

  @Test
  void oneBitPerColumnReconstructsEachColumnSumAndZeroColumnsExactly() {
    float[][] g = gradient(new Rng(9));
    OneBit c = new OneBit(OneBit.Scaling.COLUMN);
    float[][] d = c.decode(0, c.compress(0, g, null, c.init(LAYOUT, 1, 0)), LAYOUT);
    for (int j = 0; j < 30; j++) {
      double sg = 0, sd = 0;
      for (int i = 0; i < 20; i++) {
        sg += g[0][i * 30 + j];
        sd += d[0][i * 30 + j];
        if (j < 5) assertEquals(0f, d[0][i * 30 + j]);
      }
      assertEquals(sg, sd, 1e-4, "column " + j);
    }
  }

  /** With momentum, 1-bit EF keeps u ← m·u + g and feeds u into the loop: sent + residual = old residual + u, and the step after it is plain SGD. */
  @Test
  void oneBitWithMomentumFeedsTheVelocityIntoTheErrorFeedback() {
    OneBit c = (OneBit) Compressors.parse("onebit:scaling=column,momentum=0.9");
    assertTrue(c.correctsMomentum());
    assertTrue(!new OneBit(OneBit.Scaling.COLUMN).correctsMomentum());
    WorkerState s = c.init(LAYOUT, 7, 0);
    Rng rng = new Rng(5);
    float[][] residual = LAYOUT.zeros(), u = LAYOUT.zeros();
    for (int step = 0; step < 5; step++) {
      float[][] g = gradient(rng);
      for (int t = 0; t < g.length; t++) for (int j = 0; j < g[t].length; j++) u[t][j] = 0.9f * u[t][j] + g[t][j];
      float[][] sent = c.decode(0, c.compress(0, g, null, s), LAYOUT);
      float[][] after = s.find("residual");
      assertArrayEquals(u[1], s.find("momentum")[1], 0f, "the velocity, step " + step);
      for (int t = 0; t < g.length; t++) {
        for (int j = 0; j < g[t].length; j++) {
          assertRounding(residual[t][j] + u[t][j], sent[t][j] + after[t][j], Math.abs(sent[t][j]) + Math.abs(after[t][j]),
              "step " + step + " tensor " + t + "[" + j + "]");
        }
      }
      residual = copy(after);
    }
    assertEquals("compressor (onebit:momentum=1): momentum (1.0) must be in [0, 1)",
        assertThrows(IllegalArgumentException.class, () -> Compressors.parse("onebit:momentum=1")).getMessage());
  }

  @Test
  void payloadSizes() {
    Rng rng = new Rng(11);
    Layout big = new Layout(List.of("w"), new int[] {200}, new int[] {500});
    float[][] g = big.zeros();
    for (int j = 0; j < g[0].length; j++) g[0][j] = (float) rng.nextGaussian();
    int d = 100_000;
    // 1 bit per value (random signs do not compress), 2 floats, two flags and lengths
    int tensor = new OneBit(OneBit.Scaling.TENSOR).compress(0, g, null, new OneBit(OneBit.Scaling.TENSOR).init(big, 1, 0)).length;
    assertTrue(tensor >= d / 8 + 8 && tensor <= d / 8 + 8 + 8, "onebit tensor " + tensor);
    // columns that are all zero send no bits: half the columns zero, half the bits
    float[][] half = big.zeros();
    for (int j = 0; j < d; j++) half[0][j] = j % 500 < 250 ? g[0][j] : 0;
    int halfColumns = new OneBit(OneBit.Scaling.COLUMN).compress(0, half, null, new OneBit(OneBit.Scaling.COLUMN).init(big, 1, 0)).length;
    assertTrue(halfColumns <= d / 16 + 8 * 500 + 10, "onebit with 250 zero columns " + halfColumns);
    int column = new OneBit(OneBit.Scaling.COLUMN).compress(0, g, null, new OneBit(OneBit.Scaling.COLUMN).init(big, 1, 0)).length;
    assertTrue(column <= d / 8 + 8 * 500 + 10, "onebit column " + column);
    // top-k at 0.001: 100 values of 4 bytes and index gaps of at most 3 varint bytes, under 7.5 bytes each
    int topk = TopK.plain(0.001).compress(0, g, null, TopK.plain(0.001).init(big, 1, 0)).length;
    assertTrue(topk > 400 && topk < 750, "topk " + topk);
    // random-k sends no indices: the seed, then 100 values
    int randomk = new RandomK(0.001, false).compress(0, g, null, new RandomK(0.001, false).init(big, 1, 0)).length;
    assertTrue(randomk <= 8 + 400 + 6, "randomk " + randomk);
    // PowerSGD rank 2: P (200 × 2) then Q (500 × 2), float32
    PowerSgd ps = new PowerSgd(2, true);
    WorkerState s = ps.init(big, 1, 0);
    byte[] p0 = ps.compress(0, g, null, s);
    assertEquals(200 * 2 * 4, p0.length);
    assertEquals(500 * 2 * 4, ps.compress(1, null, ps.aggregate(0, List.of(p0), big), s).length);
    // QSGD with s = 1 and buckets of 512: a norm per bucket and mostly-zero levels, entropy-coded below the 2 packed bits
    Qsgd q = new Qsgd(1, 512);
    int qb = q.compress(0, g, null, q.init(big, 1, 0)).length;
    assertTrue(qb < 196 * 4 + d * 2 / 8, "qsgd " + qb);
  }

  @Test
  void skewedBitsAreEntropyCoded() {
    Layout big = new Layout(List.of("w"), new int[] {1}, new int[] {80_000});
    float[][] g = big.zeros();
    for (int j = 0; j < g[0].length; j += 50) g[0][j] = -1; // 2% negative: about 0.14 bits per sign
    ScaledSign c = new ScaledSign();
    int n = c.compress(0, g, null, c.init(big, 1, 0)).length;
    assertTrue(n < 80_000 / 8 / 3, "coded signs " + n + " bytes, packed would be " + 80_000 / 8);
  }

  @Test
  void dgcMomentumCorrectionAccumulatesVelocityAndMasksIt() {
    TopK c = new TopK(0.1, new TopK.Dgc(0.9, true, 0, true, 0));
    WorkerState s = c.init(LAYOUT, 1, 0);
    Rng rng = new Rng(2);
    float[][] v = LAYOUT.zeros(), u = LAYOUT.zeros();
    for (int step = 0; step < 5; step++) {
      float[][] g = gradient(rng);
      float[][] sent = c.decode(0, c.compress(0, g, null, s), LAYOUT);
      for (int t = 0; t < g.length; t++) {
        for (int j = 0; j < g[t].length; j++) {
          u[t][j] = 0.9f * u[t][j] + g[t][j];
          v[t][j] += u[t][j];
          assertEquals(v[t][j], sent[t][j] + s.find("residual")[t][j], 0f, "v: sent + kept");
          if (sent[t][j] != 0) {
            assertEquals(0f, s.find("momentum")[t][j], "masked");
            u[t][j] = 0;
            v[t][j] = 0;
          }
          assertEquals(u[t][j], s.find("momentum")[t][j], 0f);
        }
      }
    }
  }

  @Test
  void dgcClipsTheLocalGradientAndWarmsUpTheSparsity() {
    TopK c = new TopK(1, new TopK.Dgc(0, false, 1.0, false, 0));
    float[][] g = gradient(new Rng(4));
    double sq = 0;
    for (float[] x : g) for (float y : x) sq += y * y;
    float[][] sent = c.decode(0, c.compress(0, g, null, c.init(LAYOUT, 1, 0)), LAYOUT);
    float scale = (float) (1.0 / Math.sqrt(sq));
    for (int t = 0; t < g.length; t++) for (int j = 0; j < g[t].length; j++) assertEquals(g[t][j] * scale, sent[t][j], 0f);
    TopK w = new TopK(0.001, new TopK.Dgc(0.9, true, 0, true, 400));
    assertEquals(0.25, w.density(0));
    assertEquals(0.0625, w.density(100));
    assertEquals(0.015625, w.density(200));
    assertEquals(0.00390625, w.density(399));
    assertEquals(0.001, w.density(400));
  }

  @Test
  void topKValuesTravelAsHalvesOrAsSignsWithTheMeanMagnitude() {
    float[][] g = gradient(new Rng(9));
    float[][] exact = TopK.plain(0.2).decode(0, TopK.plain(0.2).compress(0, g, null, TopK.plain(0.2).init(LAYOUT, 1, 0)), LAYOUT);
    TopK half = new TopK(0.2, null, TopK.Values.FP16, false), sign = new TopK(0.2, null, TopK.Values.SIGN, false);
    byte[] ph = half.compress(0, g, null, half.init(LAYOUT, 1, 0)), ps = sign.compress(0, g, null, sign.init(LAYOUT, 1, 0));
    float[][] h = half.decode(0, ph, LAYOUT), sg = sign.decode(0, ps, LAYOUT);
    for (int t = 0; t < g.length; t++) {
      double sum = 0;
      int k = 0;
      for (float x : exact[t]) if (x != 0) {
        sum += Math.abs(x);
        k++;
      }
      float mu = (float) (sum / k);
      for (int j = 0; j < g[t].length; j++) {
        // the same indices in every form; a half is the float rounded to binary16; a sign carries the tensor's mean |v|
        assertEquals(Float.float16ToFloat(Float.floatToFloat16(exact[t][j])), h[t][j], 0f, "half " + t + "[" + j + "]");
        assertEquals(exact[t][j] == 0 ? 0f : Math.copySign(mu, exact[t][j]), sg[t][j], 0f, "sign " + t + "[" + j + "]");
      }
    }
    int p32 = TopK.plain(0.2).compress(0, g, null, TopK.plain(0.2).init(LAYOUT, 1, 0)).length;
    assertTrue(ph.length < p32 && ps.length < ph.length, "payloads fp32 " + p32 + ", fp16 " + ph.length + ", sign " + ps.length);
    // a value beyond binary16's range travels as the largest finite half, and the rest stays in the residual
    float[][] big = LAYOUT.zeros();
    big[1][3] = 1e6f;
    WorkerState s = half.init(LAYOUT, 1, 0);
    assertEquals(65504f, half.decode(0, half.compress(0, big, null, s), LAYOUT)[1][3]);
    assertEquals(1e6f - 65504f, s.find("residual")[1][3]);
    assertThrows(BadInputException.class, () -> sign.decode(0, Arrays.copyOf(ps, ps.length - 1), LAYOUT));
  }

  @Test
  void globalSelectionSendsTheLargestOfTheWholeModel() {
    float[][] g = gradient(new Rng(11));
    for (int j = 0; j < 20; j++) g[1][j] *= 10; // the bias is ten times larger: it should take more than its ⌈ρ·n⌉
    TopK c = new TopK(0.1, null, TopK.Values.FP32, true);
    float[][] sent = c.decode(0, c.compress(0, g, null, c.init(LAYOUT, 1, 0)), LAYOUT);
    int kk = 0, picked = 0, bias = 0;
    float minSent = Float.POSITIVE_INFINITY, maxKept = 0;
    for (int t = 0; t < g.length; t++) {
      kk += TopK.k(0.1, g[t].length);
      for (int j = 0; j < g[t].length; j++) {
        if (sent[t][j] != 0) {
          picked++;
          if (t == 1) bias++;
          assertEquals(g[t][j], sent[t][j], 0f);
          minSent = Math.min(minSent, Math.abs(g[t][j]));
        } else {
          maxKept = Math.max(maxKept, Math.abs(g[t][j]));
        }
      }
    }
    assertEquals(kk, picked, "the same budget as per-tensor selection");
    assertTrue(minSent >= maxKept, "every sent |v| " + minSent + " >= every kept " + maxKept);
    assertTrue(bias > TopK.k(0.1, 20), "the large bias sends " + bias);
    float[][] nan = gradient(new Rng(13));
    nan[2][7] = Float.NaN;
    int[][] chosen = TopK.largestOverAll(nan, 0.1);
    assertTrue(Arrays.stream(chosen[2]).anyMatch(j -> j == 7), "NaN ranks largest, as per tensor");
    assertEquals(kk, Arrays.stream(chosen).mapToInt(x -> x.length).sum());
  }

  /** Three workers, four steps: the leader takes turns, everyone sends values at its support, and the update is their mean there. */
  @Test
  void sharedTopKSendsEveryWorkersValuesAtTheLeadersSupport() {
    SharedTopK c = new SharedTopK(0.1, 0.9, 0, TopK.Values.FP32, false);
    int n = 3;
    WorkerState[] s = new WorkerState[n];
    for (int w = 0; w < n; w++) s[w] = c.init(LAYOUT, 1, w, n);
    float[][][] u = new float[n][][], v = new float[n][][];
    for (int w = 0; w < n; w++) {
      u[w] = LAYOUT.zeros();
      v[w] = LAYOUT.zeros();
    }
    Rng rng = new Rng(12);
    for (int step = 0; step < 4; step++) {
      List<byte[]> p0 = new ArrayList<>();
      for (int w = 0; w < n; w++) {
        float[][] g = gradient(rng);
        for (int t = 0; t < g.length; t++) for (int j = 0; j < g[t].length; j++) {
          u[w][t][j] = 0.9f * u[w][t][j] + g[t][j];
          v[w][t][j] += u[w][t][j];
        }
        p0.add(c.compress(0, g, null, s[w]));
      }
      int leader = SharedTopK.leader(step, n);
      for (int w = 0; w < n; w++) if (w != leader) assertEquals(1, p0.get(w).length, "a follower sends one byte in round 0");
      float[][] support = c.aggregate(0, p0, null, LAYOUT);
      List<byte[]> p1 = new ArrayList<>();
      for (int w = 0; w < n; w++) p1.add(c.compress(1, null, support, s[w]));
      float[][] update = c.aggregate(1, p1, support, LAYOUT);
      for (int t = 0; t < LAYOUT.tensors(); t++) {
        int[] want = TopK.largest(v[leader][t], TopK.k(0.1, v[leader][t].length));
        int k = 0;
        for (int j = 0; j < support[t].length; j++) {
          boolean in = k < want.length && want[k] == j;
          if (in) k++;
          assertEquals(in ? 1f : 0f, support[t][j], "step " + step + ": the leader's top-k is the support");
          float mean = 0;
          for (int w = 0; w < n; w++) mean += in ? v[w][t][j] : 0;
          assertEquals(mean / n, update[t][j], 1e-6f * (1 + Math.abs(mean)), "the mean of every worker's v at the support");
          for (int w = 0; w < n; w++) {
            if (in) v[w][t][j] = 0;
            assertEquals(v[w][t][j], s[w].find("residual")[t][j], 0f, "what was not sent stays");
          }
        }
      }
    }
    List<byte[]> two = List.of(c.compress(0, gradient(rng), null, c.init(LAYOUT, 1, 0, 2)), c.compress(0, gradient(rng), null, c.init(LAYOUT, 1, 0, 2)));
    assertEquals("payloads: 2 leaders in round 0, 1 expected", assertThrows(BadInputException.class, () -> c.aggregate(0, two, null, LAYOUT)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> c.aggregate(1, two, LAYOUT));
  }

  @Test
  void topKPicksTheLargestMagnitudesWithTiesByIndex() {
    float[] v = {0.5f, -3, 2, 2, -2, 0, 1};
    assertArrayEquals(new int[] {1, 2, 3}, TopK.largest(v, 3));
    assertArrayEquals(new int[] {1, 2, 3, 4}, TopK.largest(v, 4));
    Rng rng = new Rng(8);
    float[] r = new float[1000];
    for (int i = 0; i < r.length; i++) r[i] = (float) rng.nextGaussian();
    int[] top = TopK.largest(r, 37);
    float[] abs = new float[r.length];
    for (int i = 0; i < r.length; i++) abs[i] = Math.abs(r[i]);
    float[] sorted = abs.clone();
    Arrays.sort(sorted);
    for (int i : top) assertTrue(abs[i] >= sorted[r.length - 37]);
  }

  @Test
  void specsRoundTrip() {
    for (String s : List.of("dense", "onebit", "onebit:scaling=tensor", "onebit:scaling=column,momentum=0.9", "signsgd", "topk:ratio=0.01",
        "dgc:ratio=0.001,momentum=0.9,clip=5,warmup=100", "dgc:ratio=0.01,correction=off,momentum=0,masking=off",
        "topk:ratio=0.01,values=fp16", "dgc:ratio=0.01,masking=off,values=sign", "dgc:ratio=0.01,values=fp32", "topk:ratio=0.01,selection=global",
        "dgc:ratio=0.01,masking=off,values=fp16,selection=global", "dgc:ratio=0.01,masking=off,selection=global,residual=step",
        "topk:ratio=0.01,residual=step", "topk:ratio=0.01,values=fp16,residual=step", "dgc:ratio=0.01,masking=off,residual=step,nesterov=on",
        "dgc:ratio=0.01,nesterov=off", "sharedk", "sharedk:ratio=0.1,momentum=0,clip=2,values=fp16,selection=global", "randomk:ratio=0.5",
        "randomk:ratio=0.5,ef=on", "qsgd:levels=4,bucket=128", "powersgd:rank=2", "powersgd:rank=2,ef=off")) {
      GradientCompressor c = Compressors.parse(s);
      assertEquals(c, Compressors.parse(c.toString()), s);
    }
  }

  /**
   * A residual of rate-weighted steps: with rate weight r the accumulation grows by r·g, clipped as
   * a whole (clipping sees r·g), so sent + residual = old residual + clip(r·g); the compressor says so
   * ({@code weightsByRate}). The gradient residual ignores r: sent + residual = old residual + g.
   */
  @Test
  void aStepResidualAccumulatesRateWeightedGradients() {
    TopK step = (TopK) Compressors.parse("dgc:ratio=0.1,momentum=0,correction=off,clip=0.5,masking=off,warmup=0,residual=step");
    TopK grad = (TopK) Compressors.parse("dgc:ratio=0.1,momentum=0,correction=off,clip=0.5,masking=off,warmup=0");
    assertTrue(step.weightsByRate());
    assertFalse(grad.weightsByRate());
    WorkerState s = step.init(LAYOUT, 7, 0), sg = grad.init(LAYOUT, 7, 0);
    Rng rng = new Rng(5);
    float[][] before = LAYOUT.zeros(), beforeGrad = LAYOUT.zeros();
    for (double r : new double[] {1, 0.75, 0.3, 0}) {
      float[][] g = gradient(rng);
      double sq = 0;
      for (float[] x : g) for (float v : x) sq += (double) v * v;
      float clip = (float) Math.min(1, 0.5 / Math.sqrt(sq));
      float clipWeighted = r == 0 ? 1f : (float) Math.min(1, 0.5 / (r * Math.sqrt(sq))); // clipping sees r·g
      s.rateScale(r);
      sg.rateScale(r);
      float[][] sent = step.decode(0, step.compress(0, g, null, s), LAYOUT);
      float[][] after = s.find("residual");
      float[][] sentGrad = grad.decode(0, grad.compress(0, g, null, sg), LAYOUT);
      float[][] afterGrad = sg.find("residual");
      for (int t = 0; t < g.length; t++) {
        for (int j = 0; j < g[t].length; j++) {
          float acc = before[t][j] + (g[t][j] * (float) r) * clipWeighted;
          assertRounding(acc, sent[t][j] + after[t][j], Math.abs(sent[t][j]) + Math.abs(after[t][j]), "step, rate " + r + " tensor " + t + "[" + j + "]");
          float accGrad = beforeGrad[t][j] + g[t][j] * clip;
          assertRounding(accGrad, sentGrad[t][j] + afterGrad[t][j], Math.abs(sentGrad[t][j]) + Math.abs(afterGrad[t][j]),
              "grad, rate " + r + " tensor " + t + "[" + j + "]");
        }
      }
      before = copy(after);
      beforeGrad = copy(afterGrad);
    }
    assertEquals("rate scale (-0.5) must be finite and >= 0", assertThrows(IllegalArgumentException.class, () -> s.rateScale(-0.5)).getMessage());
  }

  /**
   * Momentum correction of Nesterov momentum: u ← m·u + g, and the accumulation grows by m·u + g
   * (the step Nesterov SGD takes), so sent + residual = old residual + m·u_new + g; heavy-ball grows
   * it by u_new alone. The compressor's name and spec say which.
   */
  @Test
  void nesterovCorrectionAccumulatesTheNesterovStep() {
    TopK nesterov = (TopK) Compressors.parse("dgc:ratio=0.1,momentum=0.9,masking=off,nesterov=on");
    TopK heavy = (TopK) Compressors.parse("dgc:ratio=0.1,momentum=0.9,masking=off");
    assertEquals("dgc(0.1,nesterov)", nesterov.name());
    assertTrue(nesterov.toString().endsWith(",nesterov=on"));
    WorkerState s = nesterov.init(LAYOUT, 7, 0), sh = heavy.init(LAYOUT, 7, 0);
    Rng rng = new Rng(6);
    float[][] before = LAYOUT.zeros(), beforeHeavy = LAYOUT.zeros(), u = LAYOUT.zeros();
    for (int step = 0; step < 4; step++) {
      float[][] g = gradient(rng);
      float[][] sent = nesterov.decode(0, nesterov.compress(0, g, null, s), LAYOUT);
      float[][] sentHeavy = heavy.decode(0, heavy.compress(0, g, null, sh), LAYOUT);
      float[][] after = s.find("residual"), afterHeavy = sh.find("residual");
      for (int t = 0; t < g.length; t++) {
        for (int j = 0; j < g[t].length; j++) {
          u[t][j] = 0.9f * u[t][j] + g[t][j];
          float acc = before[t][j] + (0.9f * u[t][j] + g[t][j]);
          assertRounding(acc, sent[t][j] + after[t][j], Math.abs(sent[t][j]) + Math.abs(after[t][j]), "nesterov, step " + step + " tensor " + t + "[" + j + "]");
          float accHeavy = beforeHeavy[t][j] + u[t][j];
          assertRounding(accHeavy, sentHeavy[t][j] + afterHeavy[t][j], Math.abs(sentHeavy[t][j]) + Math.abs(afterHeavy[t][j]),
              "heavy-ball, step " + step + " tensor " + t + "[" + j + "]");
        }
      }
      for (int t = 0; t < g.length; t++) assertArrayEquals(u[t], s.find("momentum")[t], 0f, "the velocity, step " + step);
      before = copy(after);
      beforeHeavy = copy(afterHeavy);
    }
    assertEquals("compressor (dgc:correction=off,momentum=0.9,nesterov=on): nesterov needs momentum correction (correction = off)",
        assertThrows(IllegalArgumentException.class, () -> Compressors.parse("dgc:correction=off,momentum=0.9,nesterov=on")).getMessage());
  }

  @Test
  void badInputNamesTheValue() {
    assertEquals("compressor (topk:ratio=1.5): ratio (1.5) must be in (0, 1]",
        assertThrows(IllegalArgumentException.class, () -> Compressors.parse("topk:ratio=1.5")).getMessage());
    assertEquals("compressor (dgc:ratio=0): ratio (0.0) must be in (0, 1]",
        assertThrows(IllegalArgumentException.class, () -> Compressors.parse("dgc:ratio=0")).getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Compressors.parse("zip")).getMessage().contains("zip"));
    assertEquals("compressor (dgc:values=int8): values (int8) must be fp32, fp16 or sign",
        assertThrows(IllegalArgumentException.class, () -> Compressors.parse("dgc:values=int8")).getMessage());
    assertEquals("compressor (dgc:residual=velocity): residual (velocity) must be grad or step",
        assertThrows(IllegalArgumentException.class, () -> Compressors.parse("dgc:residual=velocity")).getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Compressors.parse("topk:rank=3")).getMessage().contains("key (rank)"));
    assertEquals("rank (8) is larger than layer fc2.weight (6 × 20): at most 6",
        assertThrows(IllegalArgumentException.class, () -> new PowerSgd(8, true).init(LAYOUT, 1, 0)).getMessage());
    GradientCompressor c = TopK.plain(0.1);
    WorkerState s = c.init(LAYOUT, 1, 0);
    float[][] bad = LAYOUT.zeros();
    bad[2] = new float[119];
    assertEquals("gradient: tensor fc2.weight has 119 values, the layout 6 × 20 = 120",
        assertThrows(IllegalArgumentException.class, () -> c.compress(0, bad, null, s)).getMessage());
    byte[] p = c.compress(0, gradient(new Rng(1)), null, s);
    assertThrows(BadInputException.class, () -> c.decode(0, Arrays.copyOf(p, p.length - 3), LAYOUT));
    Layout other = new Layout(List.of("w"), new int[] {3}, new int[] {4});
    List<byte[]> mixed = new ArrayList<>(List.of(p, new Dense().compress(0, other.zeros(), null, new Dense().init(other, 1, 0))));
    assertThrows(RuntimeException.class, () -> new Dense().aggregate(0, mixed, LAYOUT));
  }
}
