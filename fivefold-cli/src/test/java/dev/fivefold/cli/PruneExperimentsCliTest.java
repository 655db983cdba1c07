package dev.fivefold.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** sparse and lottery end to end on a tiny generated Fashion-MNIST-format directory; bad flags are one-line errors. */
class PruneExperimentsCliTest {
  @TempDir static Path tmp;
  static Path idx;

  @BeforeAll
  static void tinyIdx() throws IOException {
    idx = TinyFashion.standard(tmp);
  }

  @Test
  void sparseMeasuresEveryVariant() throws IOException {
    Path dir = tmp.resolve("sparse");
    CliTest.Result r = CliTest.run("sparse", "--epochs", "1", "--sparsities", "0.9", "--keep", "0.5", "--retrain", "1",
        "--batches", "1,8", "--repeat-seconds", "0.001", "--data-dir", idx.toString(), "--out", dir.toString(), "--threads", "1");
    assertEquals(0, r.code(), r.err());
    List<String> csv = Files.readAllLines(dir.resolve("sparse.csv"));
    assertEquals("kind,setting,weights,mult_adds,removed,accuracy,us_b1,speedup_b1,us_b8,speedup_b8", csv.getFirst());
    assertEquals(4, csv.size(), csv.toString());
    assertTrue(csv.get(1).startsWith("dense,-,266200,266200,0.000,"), csv.get(1));
    assertTrue(csv.get(1).contains(",1.00,") && csv.get(1).endsWith(",1.00"), "the dense row is the reference: " + csv.get(1));
    assertTrue(csv.get(2).startsWith("unstructured (CSR),90% global,26620,26620,0.900,"), csv.get(2));
    assertTrue(csv.get(3).startsWith("structured (dense),784-150-50-10,125600,"), csv.get(3));
    assertTrue(Files.size(dir.resolve("speedup.png")) > 0 && Files.size(dir.resolve("accuracy.png")) > 0);
  }

  @Test
  void sparsePrunesLeNet5FiltersIntoASmallerLeNet5() throws IOException {
    Path dir = tmp.resolve("sparse-cnn");
    CliTest.Result r = CliTest.run("sparse", "--model", "lenet5", "--epochs", "1", "--sparsities", "0.9", "--keep", "0.5", "--retrain", "1",
        "--batches", "2", "--repeat-seconds", "0.001", "--data-dir", idx.toString(), "--out", dir.toString(), "--threads", "1");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains("LeNet-5: epoch 1/1"), "progress per epoch: " + r.err());
    List<String> csv = Files.readAllLines(dir.resolve("sparse.csv"));
    assertEquals("kind,setting,weights,mult_adds,removed,accuracy,us_b2,speedup_b2", csv.getFirst());
    assertEquals(4, csv.size(), csv.toString());
    // 20·25 + 50·20·25 + 500·800 + 10·500 weights; conv1 at 24×24, conv2 at 8×8 positions
    assertTrue(csv.get(1).startsWith("dense,lenet5:20-50-500,430500,2293000,0.000,"), csv.get(1));
    assertTrue(csv.get(2).startsWith("unstructured (CSR),90% global,43050,"), csv.get(2));
    long madds = Long.parseLong(csv.get(2).split(",")[3]);
    assertTrue(madds > 43050 && madds < 2293000, "CSR multiply-adds count each conv non-zero per position: " + madds);
    assertTrue(csv.get(3).startsWith("structured (dense),lenet5:10-25-250,109000," + (10 * 25 * 576 + 25 * 10 * 25 * 64 + 250 * 400 + 2500) + ",0.747,"), csv.get(3));
    // the trained model it wrote is read back as a LeNet-5 and pruned the same way
    Path again = tmp.resolve("sparse-cnn-2");
    r = CliTest.run("sparse", "--model-file", dir.resolve("model.safetensors").toString(), "--sparsities", "0.5", "--keep", "0.25", "--retrain", "0",
        "--batches", "1", "--repeat-seconds", "0.001", "--data-dir", idx.toString(), "--out", again.toString(), "--threads", "1");
    assertEquals(0, r.code(), r.err());
    csv = Files.readAllLines(again.resolve("sparse.csv"));
    assertEquals(csv.get(1).split(",")[5], Files.readAllLines(dir.resolve("sparse.csv")).get(1).split(",")[5], "the dense model read back scores the same");
    assertTrue(csv.get(3).startsWith("structured (dense),lenet5:5-13-125,"), csv.get(3));
  }

  @Test
  void lotteryRunsTicketsAndControls() throws IOException {
    Path dir = tmp.resolve("lottery");
    CliTest.Result r = CliTest.run("lottery", "--rounds", "2", "--rate", "0.5", "--epochs", "1", "--batch", "64",
        "--data-dir", idx.toString(), "--out", dir.toString(), "--threads", "1");
    assertEquals(0, r.code(), r.err());
    List<String> csv = Files.readAllLines(dir.resolve("lottery.csv"));
    assertEquals("round,weights_remaining,ticket_accuracy,random_reinit_accuracy", csv.getFirst());
    assertEquals(4, csv.size(), csv.toString());
    String[] dense = csv.get(1).split(",");
    assertEquals("1.0000", dense[1]);
    assertEquals(dense[2], dense[3], "round 0 is the dense network for both");
    assertEquals("0.5000", csv.get(2).split(",")[1]);
    assertEquals("0.2500", csv.get(3).split(",")[1]);
    assertTrue(Files.size(dir.resolve("lottery.png")) > 0);
  }

  @Test
  void badFlagsAreOneLine() {
    assertEquals("fivefold: --sparsities (1.0) must be in (0, 1)", CliTest.run("sparse", "--sparsities", "0.5,1").errLines().getFirst());
    assertEquals("fivefold: --scope (all) must be global or layer", CliTest.run("sparse", "--scope", "all").errLines().getFirst());
    assertEquals("fivefold: --model (gpt) must be mlp or lenet5", CliTest.run("sparse", "--model", "gpt").errLines().getFirst());
    assertEquals("fivefold: --rate (0.0) must be in (0, 1)", CliTest.run("lottery", "--rate", "0").errLines().getFirst());
    assertEquals("fivefold: --rounds (0) must be >= 1", CliTest.run("lottery", "--rounds", "0").errLines().getFirst());
    CliTest.Result r = CliTest.run("sparse", "--model-file", tmp.resolve("missing.safetensors").toString(), "--data-dir", idx.toString());
    assertEquals(2, r.code());
    assertEquals(1, r.errLines().size(), r.err());
  }
}
