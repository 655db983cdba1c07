package dev.fivefold.perception.fixation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Tape;
import dev.fivefold.data.Dataset;
import dev.fivefold.nn.Parameter;
import dev.fivefold.perception.explain.Heatmap;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
import dev.fivefold.tensor.kernel.Parallel;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Saliency on synthetic images (a bright blob is the peak), inhibition of return (no fixation
 * within the radius of another), the controls' determinism, the retina's area sampling against
 * hand-computed means, the glimpse classifier's gradient against finite differences, a tiny
 * training run that learns, and the refusals.
 */
class FixationTest {
  private static final int S = 28;

  /** A dark image with a Gaussian blob (σ = 1.5) centred on (r, c), plus faint seeded noise. */
  private static Heatmap blob(int r, int c, long seed) {
    Rng rng = new Rng(seed);
    float[] v = new float[S * S];
    for (int y = 0; y < S; y++) {
      for (int x = 0; x < S; x++) {
        v[y * S + x] = (float) (Math.exp(-((y - r) * (y - r) + (x - c) * (x - c)) / (2 * 1.5 * 1.5)) + 0.02 * rng.nextDouble());
      }
    }
    return new Heatmap(S, S, v);
  }

  private static int argmax(Heatmap m) {
    int best = 0;
    for (int i = 1; i < m.values().length; i++) if (m.values()[i] > m.values()[best]) best = i;
    return best;
  }

  @Test
  void aBrightBlobIsTheMostSalientPlace() {
    for (SaliencyMap s : List.of(new CentreSurround(), new SpectralResidual())) {
      for (int[] at : new int[][] {{7, 20}, {14, 14}, {21, 5}}) {
        Heatmap m = s.of(blob(at[0], at[1], at[0] * 31L + at[1]));
        int i = argmax(m);
        double d = Math.hypot(i / S - at[0], i % S - at[1]);
        assertTrue(d <= 1.5, s.name() + ": peak at (" + i / S + ", " + i % S + "), blob at (" + at[0] + ", " + at[1] + ")");
        for (float v : m.values()) assertTrue(v >= 0 && v <= 1, s.name() + ": value " + v + " outside [0, 1]");
      }
    }
  }

  @Test
  void aConstantImageHasNoSaliency() {
    float[] v = new float[S * S];
    java.util.Arrays.fill(v, 0.7f);
    for (SaliencyMap s : List.of(new CentreSurround(), new SpectralResidual())) {
      for (float x : s.of(new Heatmap(S, S, v)).values()) assertEquals(0f, x, s.name());
    }
  }

  @Test
  void inhibitionOfReturnKeepsFixationsApart() {
    Rng rng = new Rng(5);
    float[] v = new float[S * S];
    for (int i = 0; i < v.length; i++) v[i] = rng.nextFloat();
    Heatmap map = new Heatmap(S, S, v);
    for (double radius : new double[] {1.5, 3, 5}) {
      ScanPath p = WinnerTakeAll.scan(map, 12, radius);
      assertEquals(argmax(map), p.row(0) * S + p.col(0), "the first fixation is the global maximum");
      for (int a = 0; a < p.length(); a++) for (int b = 0; b < a; b++) assertTrue(p.distance(a, b) > radius, "radius " + radius + ": " + p);
      assertEquals(p, WinnerTakeAll.scan(map, 12, radius), "deterministic");
    }
    // two blobs: the path visits the second one before returning to the first one's shoulder
    float[] two = new float[S * S];
    for (int i = 0; i < two.length; i++) two[i] = blob(6, 6, 1).values()[i] + 0.8f * blob(20, 20, 2).values()[i];
    ScanPath p = WinnerTakeAll.scan(new Heatmap(S, S, two), 2, 3);
    assertEquals(List.of(6, 6, 20, 20), List.of(p.row(0), p.col(0), p.row(1), p.col(1)), p.toString());
  }

  @Test
  void theControlsAreSeededAndStayInside() {
    Heatmap img = blob(10, 10, 3);
    for (ScanPolicy policy : List.of(new RandomFixations(), new CentreBiased(4))) {
      ScanPath a = policy.scan(img, 200, new Rng(7)), b = policy.scan(img, 200, new Rng(7)), c = policy.scan(img, 200, new Rng(8));
      assertEquals(a, b, policy.name());
      assertTrue(!a.equals(c), policy.name() + ": another seed, another path");
      a.checkInside(S, S);
    }
    ScanPath centre = new CentreBiased(4).scan(img, 2000, new Rng(1));
    double mr = 0, mc = 0;
    for (int t = 0; t < centre.length(); t++) {
      mr += centre.row(t) / 2000.0;
      mc += centre.col(t) / 2000.0;
    }
    assertEquals(13.5, mr, 0.4);
    assertEquals(13.5, mc, 0.4);
  }

  @Test
  void scannedImagesAreTheSameForAnyThreadCount() {
    Dataset d = images(40, 4, 9);
    int was = Parallel.threads();
    try {
      for (String name : FixationExperiment.PATHS) {
        ScanPolicy p = ScanPolicy.byName(name, new CentreSurround(), 3, 4);
        Parallel.setThreads(1);
        float[] one = ScannedImages.of(d, p, 5, 3).x().data();
        Parallel.setThreads(2);
        float[] two = ScannedImages.of(d, p, 5, 3).x().data();
        assertArrayEquals(one, two, name);
        Dataset s = ScannedImages.of(d, p, 5, 3);
        assertEquals(784 + 10, s.features());
        assertArrayEquals(ScannedImages.image(d, 7).values(), java.util.Arrays.copyOfRange(s.x().data(), 7 * 794, 7 * 794 + 784), "pixels kept");
        if (name.equals("saliency")) assertEquals(WinnerTakeAll.scan(new CentreSurround().of(ScannedImages.image(d, 7)), 5, 3), ScannedImages.path(s, 7, 784));
      }
    } finally {
      Parallel.setThreads(was);
    }
  }

  @Test
  void theRetinaAveragesBlocksAndPadsWithZeros() {
    Retina r = new Retina(4, 3); // patches 4, 8, 16 pixels
    assertEquals(48, r.size());
    float[] flat = new float[S * S];
    java.util.Arrays.fill(flat, 0.25f);
    float[] out = new float[r.size()];
    r.sample(flat, 0, S, S, 14, 14, out, 0);
    for (float v : out) assertEquals(0.25f, v, 1e-7f, "a centred glimpse of a constant image is constant");
    float[] img = new float[S * S];
    for (int i = 0; i < img.length; i++) img[i] = i % 97 / 97f;
    r.sample(img, 0, S, S, 13, 9, out, 0);
    for (int j = 0; j < 3; j++) {
      int s = 4 << j, block = 1 << j, top = 13 - s / 2, left = 9 - s / 2;
      for (int a = 0; a < 4; a++) {
        for (int b = 0; b < 4; b++) {
          double sum = 0;
          for (int y = top + a * block; y < top + (a + 1) * block; y++) {
            for (int x = left + b * block; x < left + (b + 1) * block; x++) sum += y < 0 || y >= S || x < 0 || x >= S ? 0 : img[y * S + x];
          }
          assertEquals(sum / (block * block), out[j * 16 + a * 4 + b], 1e-6, "scale " + j + " cell (" + a + ", " + b + ")");
        }
      }
    }
    r.sample(flat, 0, S, S, 0, 0, out, 0); // the corner: the patch's top-left quarter is outside
    assertEquals(0f, out[0], "outside the image is 0");
    assertEquals(0.25f, out[15], 1e-7f, "the bottom-right cell of the finest patch is inside");
    r.sample(flat, 0, S, S, 1, 1, out, 0); // scale 1 (8 pixels, blocks of 2) starts at (-3, -3): its cell (1, 1) is rows and cols -1..0
    assertEquals(0.25f / 4, out[16 + 4 + 1], 1e-7f, "one pixel of the block inside, three zeros");
  }

  @Test
  void locationsAreNormalised() {
    assertArrayEquals(new float[] {-1, -1}, Retina.location(0, 0, S, S));
    assertArrayEquals(new float[] {1, 1}, Retina.location(27, 27, S, S));
    assertArrayEquals(new float[] {0, 0}, Retina.location(0, 0, 1, 1));
  }

  /** n images of k classes: class c is a bright 5 × 5 square at one of k places, plus noise. */
  static Dataset images(int n, int k, long seed) {
    Rng rng = new Rng(seed);
    float[] x = new float[n * S * S];
    int[] y = new int[n];
    int[][] at = {{4, 4}, {4, 19}, {19, 4}, {19, 19}};
    for (int i = 0; i < n; i++) {
      y[i] = rng.nextInt(k);
      for (int p = 0; p < S * S; p++) x[i * S * S + p] = 0.1f * rng.nextFloat();
      int r0 = at[y[i] % 4][0] + rng.nextInt(3) - 1, c0 = at[y[i] % 4][1] + rng.nextInt(3) - 1;
      for (int r = r0; r < r0 + 5; r++) for (int c = c0; c < c0 + 5; c++) x[i * S * S + r * S + c] = 0.8f + 0.2f * rng.nextFloat();
    }
    return new Dataset(Tensor.of(x, n, 1, S, S), y, k);
  }

  private static GlimpseClassifier small(int fixations, long seed) {
    return new GlimpseClassifier(new GlimpseClassifier.Spec(S, S, fixations, new Retina(4, 2), 6, 3, 5, 4, "gru", 3), seed);
  }

  @Test
  void theGlimpseClassifiersGradientMatchesFiniteDifferences() {
    Dataset d = ScannedImages.of(images(3, 3, 4), new RandomFixations(), 3, 2);
    GlimpseClassifier m = small(3, 11);
    int[] y = d.y();
    int[] readouts = {1, 3};
    java.util.function.DoubleSupplier loss = () -> {
      Tape t = Tape.inference();
      var all = m.stepLogits(t.input(d.x()));
      return (F.crossEntropy(GlimpseTask.step(all, 1), y).item() + F.crossEntropy(GlimpseTask.step(all, 3), y).item()) / 2.0;
    };
    Tape tape = Tape.training();
    var all = m.stepLogits(tape.input(d.x()));
    tape.backward(F.scale(F.add(F.crossEntropy(GlimpseTask.step(all, readouts[0]), y), F.crossEntropy(GlimpseTask.step(all, readouts[1]), y)), 0.5f));
    int checked = 0;
    for (Map.Entry<String, Parameter> e : m.namedParameters().entrySet()) {
      Parameter p = e.getValue();
      float[] w = p.value().data();
      for (int i = 0; i < w.length; i += Math.max(1, w.length / 5)) {
        float keep = w[i];
        float h = 1e-2f;
        w[i] = keep + h;
        double up = loss.getAsDouble();
        w[i] = keep - h;
        double down = loss.getAsDouble();
        w[i] = keep;
        double fd = (up - down) / (2 * h), g = p.grad()[i];
        assertEquals(fd, g, 2e-3 + 2e-2 * Math.abs(fd), e.getKey() + "[" + i + "]");
        checked++;
      }
    }
    assertTrue(checked > 40, "checked " + checked);
  }

  @Test
  void aTinyRunLearnsFromGlimpsesAlone() {
    Dataset train = images(384, 4, 1), test = images(128, 4, 2);
    var cfg = new FixationExperiment.Config(train, test, List.of("saliency"), "centre-surround", List.of(1, 2), List.of(6), 2, 3, 4, 24, 150, 32, 3e-3,
        384, 128, 2, 7);
    var r = FixationExperiment.run(cfg, new FixationExperiment.Listener() {});
    var row = r.rows().getFirst();
    assertTrue(row.accuracy().getLast() > 0.6, "accuracy " + row.accuracy() + " (chance 0.25)");
    assertEquals(2, r.examples().size());
    assertEquals(List.of("saliency"), List.copyOf(r.examples().getFirst().paths().keySet()));
    var again = FixationExperiment.run(cfg, new FixationExperiment.Listener() {}).rows().getFirst();
    assertEquals(row.accuracy(), again.accuracy(), "same seed, same numbers");
    assertEquals(row.trainLoss(), again.trainLoss());
  }

  @Test
  void badInputIsRefusedNamingTheValue() {
    assertMessage("fixations (0) must be >= 1", () -> WinnerTakeAll.scan(blob(3, 3, 1), 0, 3));
    assertMessage("fixations (0) must be >= 1", () -> new RandomFixations().scan(blob(3, 3, 1), 0, new Rng(1)));
    assertMessage("glimpse (0) must be >= 1", () -> new Retina(0, 2));
    assertMessage("scales (0) must be in [1, 4]", () -> new Retina(4, 0));
    assertMessage("scales (5) must be in [1, 4]", () -> new Retina(4, 5));
    assertMessage("glimpse (32) must be <= the image side (28)", () -> new Retina(32, 1).checkFits(S, S));
    assertMessage("inhibition radius (0.0) must be > 0", () -> new WinnerTakeAll(new CentreSurround(), 0));
    assertMessage("centre sigma (-1.0) must be > 0", () -> new CentreBiased(-1));
    assertMessage("saliency (itty) must be centre-surround or spectral-residual", () -> SaliencyMap.byName("itty"));
    assertMessage("path (eye) must be saliency, random or centre", () -> ScanPolicy.byName("eye", null, 1, 1));
    Dataset d = images(64, 4, 1);
    assertMessage("fixations (0) must be >= 1", () -> config(d, List.of(0, 2), List.of(4), 2));
    assertMessage("fixations [2, 2] must be strictly increasing", () -> config(d, List.of(2, 2), List.of(4), 2));
    assertMessage("glimpse (29) must be <= the image side (28)", () -> config(d, List.of(1, 2), List.of(4, 29), 2));
    assertMessage("scales (9) must be in [1, 4]", () -> config(d, List.of(1, 2), List.of(4), 9));
    assertMessage("glimpse classifier input has shape [2, 5]", () -> small(2, 1).forward(Tape.inference().input(Tensor.zeros(2, 5))));
    float[] row = new float[784 + 4];
    row[784] = 30;
    assertMessage("fixation 0 of sample 0 (30.0, 0.0) is not a pixel of the 28x28 image",
        () -> small(2, 1).forward(Tape.inference().input(Tensor.of(row, 1, 788))));
  }

  private static void config(Dataset d, List<Integer> fixations, List<Integer> glimpses, int scales) {
    new FixationExperiment.Config(d, d, FixationExperiment.PATHS, "centre-surround", fixations, glimpses, scales, 3, 4, 8, 1, 8, 1e-3, 64, 64, 0, 1);
  }

  private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable e) {
    IllegalArgumentException x = assertThrows(IllegalArgumentException.class, e);
    assertTrue(x.getMessage().startsWith(expected), "message: " + x.getMessage() + ", expected: " + expected);
    assertTrue(!x.getMessage().contains("\n"), "one line: " + x.getMessage());
  }
}
