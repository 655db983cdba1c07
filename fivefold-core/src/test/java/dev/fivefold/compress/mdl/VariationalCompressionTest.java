package dev.fivefold.compress.mdl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.autodiff.Tape;
import dev.fivefold.compress.DeepCompression;
import dev.fivefold.compress.QuantizedTensor;
import dev.fivefold.compress.SharedWeights;
import dev.fivefold.compress.archive.FfzArchive;
import dev.fivefold.compress.archive.FfzModel;
import dev.fivefold.data.Dataset;
import dev.fivefold.nn.Module;
import dev.fivefold.perception.Models;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
import dev.fivefold.train.ClassificationTask;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The variational compressors end to end on a small synthetic task, through the archive and back. */
class VariationalCompressionTest {
  static final String SPEC = "mlp:10-32-3";

  /** 10 features ~ N(0, 1), 3 classes from the first two (as control.Runs.data). */
  static Dataset data(long seed, int n) {
    Rng rng = new Rng(seed);
    int d = 10;
    Tensor x = Tensor.normal(rng, 0, 1, n, d);
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      float a = x.data()[i * d], b = x.data()[i * d + 1];
      y[i] = a + b > 0.5 ? 0 : a - b > 0 ? 1 : 2;
    }
    return new Dataset(x, y, 3);
  }

  static VariationalTraining.Config training(double klWeight, boolean structured) {
    return new VariationalTraining.Config(6, 1e-2, 32, klWeight, 2, structured, 1);
  }

  /** The archive's bytes decoded into a fresh model: same weights, same accuracy, same data bits. */
  static void assertRoundTrip(Module model, List<SharedWeights> shared, Dataset test) {
    FfzModel ffz = DeepCompression.archive(model, SPEC, Map.of(), shared);
    FfzArchive.Encoded enc = DeepCompression.smallest(ffz, FfzArchive.Options.defaults());
    FfzModel back = FfzArchive.decode(enc.bytes().clone(), "test.ffz").model();
    Module fresh = Models.create(SPEC, 0);
    DeepCompression.load(back, fresh, "test.ffz");
    for (var e : model.stateDict().entrySet()) assertArrayEquals(e.getValue().data(), fresh.stateDict().get(e.getKey()).data(), e.getKey());
    assertEquals(ClassificationTask.evaluate(model, test, 1000), ClassificationTask.evaluate(fresh, test, 1000));
    DescriptionLength a = DescriptionLength.of(enc.bytes().length, model, test), b = DescriptionLength.of(enc.bytes().length, fresh, test);
    assertEquals(a, b);
    assertEquals(8L * enc.bytes().length, a.modelBits());
  }

  @Test
  void sparseVariationalDropoutPrunesSharesAndRoundTrips() {
    Dataset train = data(1, 512), test = data(2, 256);
    Module model = Models.create(SPEC, 1);
    var cfg = new SparseVariationalDropout.Config(training(1, false), 3, 3, 3, 1);
    SparseVariationalDropout.Result r = SparseVariationalDropout.run(model, train, test, cfg, line -> {});
    assertTrue(r.accuracyFinetuned() > 0.7, r.toString()); // chance is about 0.4
    for (SharedWeights s : r.shared()) {
      QuantizedTensor q = s.toQuantized();
      double[] la = r.logAlpha().get(s.name());
      int kept = 0;
      for (double v : la) if (v <= 3) kept++;
      assertEquals(kept, q.positions().length, s.name() + ": kept = log alpha <= 3");
      assertTrue(q.codebook().length <= 8);
    }
    assertRoundTrip(model, r.shared(), test);
  }

  @Test
  void retrainingHoldsTheMasksAndHalfBiasesRoundTrip() {
    Dataset train = data(1, 512), test = data(2, 256);
    Module model = Models.create(SPEC, 1);
    var cfg = new SparseVariationalDropout.Config(training(1, false), 3, 3, 3, 1, 2);
    SparseVariationalDropout.Result r = SparseVariationalDropout.run(model, train, test, cfg, line -> {});
    assertTrue(r.accuracyRetrained() > 0.7, r.toString());
    for (SharedWeights s : r.shared()) {
      double[] la = r.logAlpha().get(s.name());
      boolean[] mask = r.masks().mask(s.name());
      float[] w = s.weight().value().data();
      for (int i = 0; i < w.length; i++) {
        assertEquals(la[i] <= 3, mask[i], s.name() + ": mask = log alpha <= 3");
        if (!mask[i]) assertEquals(0f, w[i], s.name() + ": a pruned weight stays 0 through retraining");
      }
    }
    // biases as float16: the model is rounded, the archive holds exactly its weights
    FfzModel ffz = DeepCompression.archive(model, SPEC, Map.of(), r.shared(), 16);
    for (var raw : ffz.raw()) {
      assertEquals(16, raw.bits());
      assertArrayEquals(raw.values(), model.namedParameters().get(raw.name()).value().data(), raw.name());
    }
    FfzModel back = FfzArchive.decode(FfzArchive.encode(ffz, FfzArchive.Options.defaults().withCompactHeader(true)).bytes(), "h.ffz").model();
    Module fresh = Models.create(SPEC, 0);
    DeepCompression.load(back, fresh, "h.ffz");
    assertEquals(ClassificationTask.evaluate(model, test, 1000), ClassificationTask.evaluate(fresh, test, 1000));
    assertMessage("retrainEpochs (-1.0) must be >= 0", () -> new SparseVariationalDropout.Config(training(1, false), 3, 4, 4, 0, -1));
    assertMessage("rawBits (8) must be 16 or 32", () -> DeepCompression.archive(model, SPEC, Map.of(), r.shared(), 8));
  }

  @Test
  void theSameSeedGivesTheSameRun() {
    Dataset train = data(1, 256), test = data(2, 128);
    var cfg = new SparseVariationalDropout.Config(new VariationalTraining.Config(2, 1e-2, 32, 1, 1, false, 3), 3, 4, 4, 0);
    Module a = Models.create(SPEC, 1), b = Models.create(SPEC, 1);
    SparseVariationalDropout.run(a, train, test, cfg, line -> {});
    SparseVariationalDropout.run(b, train, test, cfg, line -> {});
    for (var e : a.stateDict().entrySet()) assertArrayEquals(e.getValue().data(), b.stateDict().get(e.getKey()).data(), e.getKey());
  }

  @Test
  void bayesianCompressionPutsEachLayerOnItsPosteriorGrid() {
    Dataset train = data(1, 512), test = data(2, 256);
    Module model = Models.create(SPEC, 1);
    var cfg = new BayesianCompression.Config(training(1, true), 3, BayesianCompression.Step.MEAN, 8);
    BayesianCompression.Result r = BayesianCompression.run(model, train, test, cfg, line -> {});
    assertTrue(r.accuracyQuantised() > 0.6, r.toString());
    for (SharedWeights s : r.shared()) {
      QuantizedTensor q = s.toQuantized();
      double step = r.steps().get(s.name());
      assertEquals(dev.fivefold.compress.WeightSharing.bitsFor(q.codebook().length), q.bits());
      assertEquals(q.bits(), r.bits().get(s.name()));
      for (float c : q.codebook()) {
        long k = Math.round(c / step);
        assertTrue(k != 0, s.name() + ": 0 is not a code");
        assertEquals((float) (k * step), c, 0f, s.name() + ": " + c + " on the grid of " + step);
      }
    }
    assertRoundTrip(model, r.shared(), test);
  }

  @Test
  void recoveryKeepsTheMasksAndCodebookSizesAndDoesNotLoseAccuracy() {
    Dataset train = data(1, 512), test = data(2, 256);
    Module model = Models.create(SPEC, 1);
    BayesianCompression.Result r = BayesianCompression.run(model, train, test,
        new BayesianCompression.Config(training(1, true), 3, BayesianCompression.Step.MEAN, 2), line -> {}); // 2-bit grids: a coarse quantisation
    Recovery.Result rr = Recovery.run(model, train, test, r.shared(), new Recovery.Config(2, 1, 1e-2, 32, 5), line -> {});
    assertTrue(rr.accuracyFinetuned() >= r.accuracyQuantised() - 0.02, rr + " vs quantised " + r.accuracyQuantised());
    assertTrue(rr.accuracyRetrained() >= r.accuracyQuantised() - 0.02, rr.toString());
    for (int i = 0; i < r.shared().size(); i++) {
      QuantizedTensor a = r.shared().get(i).toQuantized(), b = rr.shared().get(i).toQuantized();
      assertArrayEquals(a.positions(), b.positions(), a.name() + ": the method's mask is kept");
      assertEquals(a.codebook().length, b.codebook().length, a.name() + ": the method's codebook size is kept");
      assertEquals(a.bits(), b.bits());
      float[] w = rr.shared().get(i).weight().value().data();
      java.util.Set<Float> book = new java.util.HashSet<>();
      for (float c : b.codebook()) book.add(c);
      boolean[] kept = new boolean[w.length];
      for (int p : b.positions()) kept[p] = true;
      for (int j = 0; j < w.length; j++) assertTrue(kept[j] ? book.contains(w[j]) : w[j] == 0f, a.name() + "[" + j + "] = " + w[j]);
    }
    assertRoundTrip(model, rr.shared(), test);
    assertMessage("retrainEpochs (-1.0) must be >= 0", () -> new Recovery.Config(-1, 0, 1e-3, 32, 1));
    assertMessage("lr (0.0) must be > 0", () -> new Recovery.Config(1, 0, 0, 32, 1));
  }

  @Test
  void theStepIsTheMeanOrTheSmallestKeptStandardDeviation() {
    double[] sd = {0.5, 0.1, 0.3, 9};
    boolean[] keep = {true, true, true, false};
    assertEquals(0.3, BayesianCompression.step(sd, keep, BayesianCompression.Step.MEAN), 1e-12);
    assertEquals(0.1, BayesianCompression.step(sd, keep, BayesianCompression.Step.MIN), 0);
  }

  @Test
  void aRunThatPrunesAWholeLayerIsRefused() {
    Dataset train = data(1, 64), test = data(2, 64);
    Module model = Models.create(SPEC, 1);
    var cfg = new SparseVariationalDropout.Config(new VariationalTraining.Config(0.1, 1e-3, 32, 1, 0, false, 1), -10, 4, 4, 0);
    var e = assertThrows(IllegalArgumentException.class, () -> SparseVariationalDropout.run(model, train, test, cfg, line -> {}));
    assertTrue(e.getMessage().startsWith("fc1.weight: every weight"), e.getMessage());
  }

  @Test
  void theMeanForwardIsTheModelsOwnBitForBit() {
    Rng rng = new Rng(4);
    for (String spec : List.of("mlp", "mlp:10-7-5-3:tanh", "lenet5", "lenet5:6-16-100")) {
      for (boolean structured : new boolean[] {false, true}) {
        Module m = Models.create(spec, 2);
        VariationalNet net = VariationalNet.of(m, structured);
        int[] in = ((dev.fivefold.perception.ImageClassifier) m).inputShape();
        int[] dims = new int[in.length + 1];
        dims[0] = 3;
        System.arraycopy(in, 0, dims, 1, in.length);
        Tensor x = Tensor.normal(rng, 0, 1, dims);
        float[] want = m.forward(Tape.inference().input(x)).data().clone();
        float[] got = net.forward(Tape.inference().input(x), null).data();
        assertArrayEquals(want, got, spec);
        assertEquals(spec.startsWith("mlp") ? 3 : 4, net.layers().size());
      }
    }
  }

  @Test
  void unsupportedModelsAreRefusedByName() {
    for (String spec : List.of("gpt:vocab=7,context=4,layers=1,heads=1,width=4", "lenet5:norm=bn")) {
      Module m = Models.create(spec, 1);
      var e = assertThrows(IllegalArgumentException.class, () -> VariationalNet.of(m, false));
      assertTrue(e.getMessage().startsWith("model (" + spec.substring(0, 3)), e.getMessage());
    }
  }

  @Test
  void configsNameTheBadValue() {
    var t = training(1, false);
    assertMessage("epochs (0.0) must be > 0", () -> new VariationalTraining.Config(0, 1e-3, 32, 1, 0, false, 1));
    assertMessage("klWeight (-1.0) must be in (0, 100]", () -> new VariationalTraining.Config(1, 1e-3, 32, -1, 0, false, 1));
    assertMessage("klWarmup (NaN) must be >= 0", () -> new VariationalTraining.Config(1, 1e-3, 32, 1, Double.NaN, false, 1));
    assertMessage("lr (0.0) must be > 0", () -> new VariationalTraining.Config(1, 0, 32, 1, 0, false, 1));
    assertMessage("threshold (11.0) must be in [-10, 10]", () -> new SparseVariationalDropout.Config(t, 11, 4, 4, 0));
    assertMessage("bits (17) must be in 1..16", () -> new SparseVariationalDropout.Config(t, 3, 17, 4, 0));
    assertMessage("maxBits (0) must be in 1..16", () -> new BayesianCompression.Config(t, 3, BayesianCompression.Step.MEAN, 0));
    assertMessage("modelBits (-8) must be >= 0", () -> new DescriptionLength(-8, 0, 0));
  }

  static void assertMessage(String want, org.junit.jupiter.api.function.Executable e) {
    assertEquals(want, assertThrows(IllegalArgumentException.class, e).getMessage());
  }

  @Test
  void dataBitsAreTheCrossEntropyInBits() {
    Dataset test = data(2, 300);
    Module m = Models.create(SPEC, 3);
    double nats = ClassificationTask.evaluate(m, test, 1000).get("loss") * test.size();
    assertEquals(nats / Math.log(2), DescriptionLength.dataBits(m, test, 7), 1e-3 * nats);
    DescriptionLength d = DescriptionLength.of(100, m, test);
    assertEquals(800 + d.dataBits(), d.totalBits(), 0);
  }
}
