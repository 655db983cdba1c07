package dev.fivefold.compress.mdl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.compress.DeepCompression;
import dev.fivefold.compress.Pruner;
import dev.fivefold.compress.SharedWeights;
import dev.fivefold.compress.archive.FfzArchive;
import dev.fivefold.compress.archive.FfzModel;
import dev.fivefold.control.Runs;
import dev.fivefold.data.Dataset;
import dev.fivefold.nn.Module;
import dev.fivefold.nn.Parameter;
import dev.fivefold.optim.Optimizers;
import dev.fivefold.perception.Models;
import dev.fivefold.train.ClassificationTask;
import dev.fivefold.train.TrainConfig;
import dev.fivefold.train.Trainer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Quantisation exactness, the archive round trip, a whole run on a small task, determinism, bad input. */
class SoftWeightSharingTest {
  static final String SPEC = "mlp:10-32-3";

  static Module trained(Dataset train, Dataset test) {
    Module m = Models.create(SPEC, 1);
    Trainer t = new Trainer(new ClassificationTask(m, train, test, 32, 1), Optimizers.adam(m.parameters(), 1e-2), TrainConfig.epochs(10));
    t.fit();
    return m;
  }

  static MixturePrior.Mixture mixture() {
    return new MixturePrior.Mixture(new double[] {0, -0.31, 0.29, 0.6}, new double[] {400, 300, 300, 200}, new double[] {0.7, 0.1, 0.1, 0.1});
  }

  @Test
  void quantizeSetsEveryWeightToItsMostProbableMeanOrZero() {
    Module m = Models.create(SPEC, 3);
    Map<String, Parameter> w = Pruner.weights(m);
    Map<String, float[]> before = new java.util.LinkedHashMap<>();
    for (var e : w.entrySet()) before.put(e.getKey(), e.getValue().value().data().clone());
    MixturePrior.Mixture mix = mixture();
    List<SharedWeights> shared = SoftWeightSharing.quantize(w, mix);
    assertEquals(List.copyOf(w.keySet()), shared.stream().map(SharedWeights::name).toList());
    for (SharedWeights s : shared) {
      float[] old = before.get(s.name()), now = w.get(s.name()).value().data();
      float[] book = s.toQuantized().codebook();
      for (int k = 1; k < book.length; k++) assertTrue(book[k - 1] < book[k], "codebook ascending");
      float[] dense = s.toQuantized().dense();
      assertArrayEquals(dense, now, s.name());
      int kept = 0;
      for (int i = 0; i < old.length; i++) {
        int j = mix.mostProbable(old[i]);
        assertEquals(j == 0 ? 0f : (float) mix.means()[j], now[i], s.name() + "[" + i + "]");
        if (j != 0) kept++;
      }
      assertEquals(kept, s.positions().length);
      assertTrue(kept > 0 && kept < old.length, s.name() + " kept " + kept);
    }
  }

  @Test
  void aTensorWithEveryWeightPrunedIsAnErrorNamingIt() {
    Module m = Models.create(SPEC, 3);
    MixturePrior.Mixture zero = new MixturePrior.Mixture(new double[] {0, 50}, new double[] {1, 1}, new double[] {0.999, 0.001});
    var e = assertThrows(IllegalArgumentException.class, () -> SoftWeightSharing.quantize(Pruner.weights(m), zero));
    assertTrue(e.getMessage().startsWith("fc1.weight: soft weight-sharing pruned every weight (all 320"), e.getMessage());
  }

  @Test
  void runRetrainsQuantisesAndTheArchiveScoresTheSame() {
    Dataset train = Runs.data(1, 512), test = Runs.data(2, 256);
    Module model = trained(train, test);
    double base = ClassificationTask.evaluate(model, test, 1000).get("accuracy");
    // a small task needs a faster prior (few steps) and a smaller zero proportion than the paper's 0.999
    var prior = new MixturePrior.Config(9, 0.9, 0.25, new MixturePrior.Gamma(5000, 2), new MixturePrior.Gamma(250, 0.1));
    var cfg = new SoftWeightSharing.Config(prior, 0.05, 6, 2e-3, 0.05, 3e-3, 0.005, 32, 1);
    List<String> log = new ArrayList<>();
    SoftWeightSharing.Result r = SoftWeightSharing.run(model, train, test, cfg, log::add);
    assertEquals(7, log.size(), log.toString()); // six epochs and the quantisation
    assertEquals(6, r.history().size());
    assertEquals(320 + 96, r.total());
    assertTrue(r.kept() > 0 && r.kept() < r.total(), "kept " + r.kept());
    assertTrue(r.accuracyQuantized() > base - 0.1, base + " -> " + r.accuracyQuantized());
    assertEquals(r.accuracyQuantized(), ClassificationTask.evaluate(model, test, 1000).get("accuracy"));
    assertEquals(r.total(), r.weightsBefore().length);
    assertEquals(r.total(), r.weightsAfter().length);
    assertTrue(r.merged().size() <= r.learned().size());

    // the archive path of `compress`: encode, decode into a fresh model, identical weights and score
    FfzModel ffz = DeepCompression.archive(model, SPEC, Map.of(), r.shared());
    FfzArchive.Encoded enc = DeepCompression.smallest(ffz, FfzArchive.Options.defaults());
    FfzModel back = FfzArchive.decode(enc.bytes().clone(), "test.ffz").model();
    Module fresh = Models.create(SPEC, 0);
    DeepCompression.load(back, fresh, "test.ffz");
    for (var e : model.stateDict().entrySet()) assertArrayEquals(e.getValue().data(), fresh.stateDict().get(e.getKey()).data(), e.getKey());
    assertEquals(ClassificationTask.evaluate(model, test, 1000), ClassificationTask.evaluate(fresh, test, 1000));

    // same seed, same numbers
    Module again = trained(train, test);
    SoftWeightSharing.Result r2 = SoftWeightSharing.run(again, train, test, cfg, line -> {});
    assertArrayEquals(r.weightsAfter(), r2.weightsAfter());
    assertArrayEquals(r.learned().means(), r2.learned().means());
    assertEquals(r.accuracyQuantized(), r2.accuracyQuantized());
  }

  @Test
  void configRejectsBadValuesNamingThem() {
    var p = MixturePrior.Config.paper();
    var e = assertThrows(IllegalArgumentException.class, () -> new SoftWeightSharing.Config(p, 0, 1, 5e-4, 3e-3, 1e-4, 0, 32, 1));
    assertEquals("tau (0.0) must be > 0", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new SoftWeightSharing.Config(p, -0.5, 1, 5e-4, 3e-3, 1e-4, 0, 32, 1));
    assertEquals("tau (-0.5) must be > 0", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new SoftWeightSharing.Config(p, 0.005, -1, 5e-4, 3e-3, 1e-4, 0, 32, 1));
    assertEquals("epochs (-1.0) must be >= 0", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new SoftWeightSharing.Config(p, 0.005, 1, 5e-4, Double.NaN, 1e-4, 0, 32, 1));
    assertEquals("learning rate (NaN) must be > 0", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new SoftWeightSharing.Config(p, 0.005, 1, 5e-4, 3e-3, 1e-4, -0.1, 32, 1));
    assertEquals("merge tolerance (-0.1) must be >= 0", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new SoftWeightSharing.Config(p, 0.005, 1, 5e-4, 3e-3, 1e-4, 0, 0, 1));
    assertEquals("batch (0) must be >= 1", e.getMessage());
  }
}
