package dev.fivefold.compress.sensing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.compress.DeepCompression;
import dev.fivefold.compress.archive.FfzArchive;
import dev.fivefold.compress.archive.FfzModel;
import dev.fivefold.data.Dataset;
import dev.fivefold.nn.Module;
import dev.fivefold.perception.Models;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
import dev.fivefold.train.ClassificationTask;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The experiment on a small MLP: exact recovery keeps the target's accuracy, bytes match, the archive scores the same. */
class SensingExperimentTest {
  static Dataset data(int n) {
    Rng rng = new Rng(5);
    Tensor x = Tensor.normal(rng, 0, 1, n, 64);
    int[] y = new int[n];
    for (int i = 0; i < n; i++) y[i] = x.data()[i * 64] > 0 ? (x.data()[i * 64 + 1] > 0 ? 1 : 2) : 0;
    return new Dataset(x, y, 10);
  }

  @Test
  void exactRecoveryAtHalfTheMeasurementsAndTheArchiveScoresTheSame() {
    Module model = Models.create("mlp:64-48-10", 3);
    Dataset test = data(300);
    List<String> log = new ArrayList<>();
    SensingExperiment.Config cfg = SensingExperiment.Config.defaults(0.5, 0.1).withPhase(
        PhaseTransition.Config.grid(40, 4, 2, "gaussian", "omp", 1e-3, 100, 1e-9, 1));
    SensingExperiment.Result r = SensingExperiment.run(model, test, cfg, log::add);
    assertEquals(64 * 48 + 48 * 10, r.weights());
    SensingExperiment.Row half = r.rows().getFirst();
    assertTrue(half.error() < 1e-5, "ratio 0.5, rho 0.1: exact recovery, error " + half.error());
    assertEquals(half.accuracyTarget(), half.accuracySensed());
    long bytes = 0;
    for (var s : half.sensed()) bytes += s.payload().length;
    assertEquals(bytes, half.bytes());
    assertEquals(4 * half.measurements(), half.bytes());
    assertTrue(half.keptMagnitude() > half.kept(), "positions cost less than the measurements' log factor: " + half.keptMagnitude() + " vs " + half.kept());
    assertEquals(4, log.size()); // the trained model, two ratios, the phase transition
    assertEquals(4, r.phase().success().length);
    // the archive decodes to the recovered weights: same accuracy
    FfzModel m = SensingExperiment.archive(model, "mlp:64-48-10", Map.of(), half.sensed());
    FfzModel back = FfzArchive.decode(FfzArchive.encode(m, FfzArchive.Options.defaults()).bytes(), "x.ffz").model();
    Module fresh = Models.create("mlp:64-48-10", 99);
    DeepCompression.load(back, fresh, "x.ffz");
    assertEquals(half.accuracySensed(), ClassificationTask.evaluate(fresh, test, 1000).get("accuracy"));
    assertArrayEquals(LayerSensing.decode(half.sensed().getFirst()), fresh.namedParameters().get(half.sensed().getFirst().name()).value().data());
    // the model itself is untouched
    assertEquals(r.accuracyDense(), ClassificationTask.evaluate(model, test, 1000).get("accuracy"));
  }

  @Test
  void badConfigsNameTheValue() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> SensingExperiment.Config.defaults(0.2, 1.5)).getMessage().contains("ratio (1.5)"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> SensingExperiment.Config.defaults(0)).getMessage().contains("ratio (0.0)"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> new SensingExperiment.Config(new double[] {0.5}, "gaussian", Basis.IDENTITY, "lasso", 256, 0.2, 32, 1e-3, 10, 0, 1, null))
        .getMessage().contains("recovery (lasso)"));
  }
}
