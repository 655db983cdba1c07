package dev.fivefold.compress.mdl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.compress.DeepCompression;
import dev.fivefold.compress.Pruner;
import dev.fivefold.compress.QuantizedTensor;
import dev.fivefold.compress.SharedWeights;
import dev.fivefold.compress.archive.FfzArchive;
import dev.fivefold.compress.archive.FfzModel;
import dev.fivefold.control.Runs;
import dev.fivefold.data.Dataset;
import dev.fivefold.io.BadInputException;
import dev.fivefold.nn.Module;
import dev.fivefold.train.ClassificationTask;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two methods' archives of one small MLP: eval's accuracy, ratio, bits per kept weight, code length, labels; the Pareto front; bad input. */
class MethodComparisonTest {
  @TempDir Path tmp;

  /** Writes {@code shared} of {@code model} as an archive with {@code meta}; returns its path. */
  private Path write(String name, Module model, List<SharedWeights> shared, Map<String, String> meta) throws IOException {
    FfzModel ffz = DeepCompression.archive(model, SoftWeightSharingTest.SPEC, meta, shared);
    Path p = tmp.resolve(name);
    Files.write(p, DeepCompression.smallest(ffz, FfzArchive.Options.defaults()).bytes());
    return p;
  }

  @Test
  void rowsMatchEvalAndTheirMeasuresAreComputedFromTheFile() throws IOException {
    Dataset train = Runs.data(1, 512), test = Runs.data(2, 256);
    Module deep = SoftWeightSharingTest.trained(train, test);
    var dc = new DeepCompression.Config(DeepCompression.Prune.SPARSITY, 0, new double[] {0.8}, 1, 0.5, 3, 3, 0, 1e-3, 32, 1);
    Path a = write("deep.ffz", deep, DeepCompression.run(deep, train, test, dc, line -> {}).shared(),
        Map.of("pipeline", "prune=sparsity bits=3", MethodComparison.SECONDS, "12"));
    Module sws = SoftWeightSharingTest.trained(train, test);
    Path b = write("sws.ffz", sws, SoftWeightSharing.quantize(Pruner.weights(sws), SoftWeightSharingTest.mixture()), Map.of("pipeline", "sws components=4"));

    MethodComparison.Result r = MethodComparison.run(new MethodComparison.Config(List.of(a, b)), test);
    assertEquals(2, r.rows().size());
    assertEquals(List.of("deep", "sws"), r.rows().stream().map(MethodComparison.Row::method).toList());
    assertEquals(12.0, r.rows().get(0).seconds());
    assertTrue(Double.isNaN(r.rows().get(1).seconds()));
    for (MethodComparison.Row w : r.rows()) {
      Module fresh = DeepCompression.loadArchive(w.file()).model(); // what eval scores
      assertEquals(ClassificationTask.evaluate(fresh, test, 1000).get("accuracy"), w.accuracy(), w.method());
      long bytes = Files.size(w.file());
      assertEquals(bytes, w.bytes());
      assertEquals("mlp", w.family());
      assertEquals(4L * (10 * 32 + 32 + 32 * 3 + 3), w.denseBytes());
      assertEquals(w.denseBytes() / (double) bytes, w.ratio());
      long nonzero = 0, all = 0;
      for (QuantizedTensor q : FfzArchive.read(w.file()).model().quantized()) {
        for (float v : q.dense()) if (v != 0) nonzero++;
        all += q.size();
      }
      assertEquals(nonzero, w.kept(), w.method()); // no shared value is 0, so kept = nonzero
      assertEquals(all, w.weights());
      assertEquals(8.0 * bytes / nonzero, w.bitsPerKeptWeight());
      assertEquals(8 * bytes, w.code().modelBits());
      assertEquals(DescriptionLength.dataBits(fresh, test, 1000), w.code().dataBits());
      assertEquals(256, w.code().samples());
    }
    assertTrue(r.rows().get(0).kept() < r.rows().get(0).weights());
    assertEquals(MethodComparison.PAPERS, r.papers());
    // the front of two points: the smaller one always, the larger one unless it is no more accurate
    MethodComparison.Row small = r.rows().get(0).bytes() <= r.rows().get(1).bytes() ? r.rows().get(0) : r.rows().get(1);
    MethodComparison.Row large = small == r.rows().get(0) ? r.rows().get(1) : r.rows().get(0);
    assertEquals(small, r.front().getFirst());
    assertEquals(large.accuracy() > small.accuracy() && large.bytes() > small.bytes(), r.front().contains(large));
  }

  @Test
  void theParetoFrontOfHandMadePoints() {
    long[] bytes = {100, 200, 150, 300, 50, 200, 400};
    double[] acc = {0.80, 0.90, 0.85, 0.88, 0.70, 0.90, 0.95};
    // 3 (300 B, 0.88) is beaten by 1 (200 B, 0.90); 1 and 5 are identical, both kept
    assertEquals(List.of(4, 0, 2, 1, 5, 6), MethodComparison.front(bytes, acc));
    assertEquals(List.of(0), MethodComparison.front(new long[] {10, 10}, new double[] {0.5, 0.4}));
    assertEquals(List.of(1), MethodComparison.front(new long[] {10, 9}, new double[] {0.5, 0.5}));
    assertEquals(List.of(), MethodComparison.front(new long[0], new double[0]));
    assertThrows(IllegalArgumentException.class, () -> MethodComparison.front(new long[1], new double[2]));
  }

  @Test
  void methodAndDatasetFromMetadata() {
    assertEquals("svd", MethodComparison.method(Map.of("pipeline", "method=svd epochs=30.0 kl-weight=1.0")));
    assertEquals("bc", MethodComparison.method(Map.of("pipeline", "method=bc epochs=1")));
    assertEquals("sws", MethodComparison.method(Map.of("pipeline", "sws components=17 tau=0.005")));
    assertEquals("deep", MethodComparison.method(Map.of("pipeline", "prune=sparsity quality=1.0")));
    assertEquals("mine", MethodComparison.method(Map.of("method", "mine", "pipeline", "prune=q")));
    assertEquals("ffz", MethodComparison.method(Map.of()));
    assertEquals("fashion-mnist", MethodComparison.dataset(Map.of()));
    assertEquals("fashion-mnist @ " + Path.of("/d/idx"), MethodComparison.dataset(Map.of("data-dir", "/d/x/../idx")));
  }

  @Test
  void badInputNamesTheFile() throws IOException {
    var e = assertThrows(IllegalArgumentException.class, () -> new MethodComparison.Config(List.of()));
    assertEquals("archives: at least one .ffz file is needed", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new MethodComparison.Config(List.of(Path.of("m.safetensors"))));
    assertEquals("m.safetensors: not an .ffz archive", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new MethodComparison.Config(List.of(Path.of("a.ffz"), Path.of("./a.ffz"))));
    assertEquals("./a.ffz: named twice", e.getMessage());
    Dataset test = Runs.data(2, 16);
    Path missing = tmp.resolve("missing.ffz");
    var n = assertThrows(NoSuchFileException.class, () -> MethodComparison.run(new MethodComparison.Config(List.of(missing)), test));
    assertEquals(missing.toString(), n.getFile());
    Path corrupt = Files.writeString(tmp.resolve("corrupt.ffz"), "not an archive at all");
    var b = assertThrows(BadInputException.class, () -> MethodComparison.run(new MethodComparison.Config(List.of(corrupt)), test));
    assertTrue(b.getMessage().contains("corrupt.ffz"), b.getMessage());
  }
}
