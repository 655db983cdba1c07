package dev.fivefold.cli;

import static dev.fivefold.cli.CliTest.assertOneLineExit2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.cli.CliTest.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** optimizers, trajectories and landscape end to end on tiny settings; bad flags are one line, exit 2. */
class ExperimentsCliTest {
  @TempDir static Path tmp;
  static Path idx;

  /** A tiny Fashion-MNIST-format directory: 128 training and 32 test images whose class is a bright band. */
  @BeforeAll
  static void tinyIdx() throws IOException {
    System.setProperty("java.awt.headless", "true");
    idx = TinyFashion.write(tmp.resolve("idx"), 128, 32);
  }


  private static void assertFiles(Path dir, String... names) throws IOException {
    for (String f : names) assertTrue(Files.size(dir.resolve(f)) > 0, f);
    try (var s = Files.list(dir)) {
      List<String> tmps = s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".") || n.endsWith(".tmp")).toList();
      assertTrue(tmps.isEmpty(), "temporary files left: " + tmps);
    }
  }

  @Test
  void optimizersComparesOnTheSameBatches() throws IOException {
    Path dir = tmp.resolve("opt");
    Result r = CliTest.run("optimizers", "--only", "sgd,adam,lars", "--data-dir", idx.toString(), "--batch", "32", "--target", "2.2",
        "--out", dir.toString(), "--threads", "1");
    assertEquals(0, r.code(), r.err());
    assertFiles(dir, "loss.png", "optimizers.csv", "steps.csv");
    assertTrue(r.out().contains("optimizer") && r.out().contains("test_accuracy") && r.out().contains("adam") && r.out().contains("lars"), r.out());
    List<String> csv = Files.readAllLines(dir.resolve("optimizers.csv"));
    assertEquals(4, csv.size(), csv.toString());
    assertTrue(csv.get(1).startsWith("sgd,0.1,"), csv.get(1));
    assertEquals("step,sgd,adam,lars", Files.readAllLines(dir.resolve("steps.csv")).getFirst());
    // the first step sees the same batch and weights: the same loss for every optimizer
    String[] first = Files.readAllLines(dir.resolve("steps.csv")).get(1).split(",");
    assertEquals(first[1], first[2]);
    assertEquals(first[1], first[3]);
  }

  @Test
  void optimizersBadFlags() {
    assertOneLineExit2(CliTest.run("optimizers", "--only", "sgd,bogus"), "optimizer (bogus) must be one of sgd");
    assertOneLineExit2(CliTest.run("optimizers", "--target", "0"), "--target (0.0) must be > 0");
    assertOneLineExit2(CliTest.run("optimizers", "--epochs", "0"), "--epochs (0) must be >= 1");
  }

  @Test
  void trajectoriesDrawEveryFunction() throws IOException {
    Path dir = tmp.resolve("traj");
    Result r = CliTest.run("trajectories", "--steps", "40", "--only", "sgd,adam", "--out", dir.toString());
    assertEquals(0, r.code(), r.err());
    assertFiles(dir, "rosenbrock.png", "beale.png", "saddle.png", "trajectories.csv", "points.csv");
    assertEquals(7, Files.readAllLines(dir.resolve("trajectories.csv")).size());
    assertTrue(r.out().contains("rosenbrock") && r.out().contains("saddle") && r.out().contains("final_f"), r.out());
    Result one = CliTest.run("trajectories", "--function", "beale", "--only", "all", "--steps", "5", "--start", "-1,1",
        "--out", tmp.resolve("traj1").toString());
    assertEquals(0, one.code(), one.err());
    assertTrue(one.out().contains("swats") && !one.out().contains("rosenbrock"), one.out());
  }

  @Test
  void trajectoriesBadFlags() {
    assertOneLineExit2(CliTest.run("trajectories", "--function", "himmelblau"), "function (himmelblau) must be one of rosenbrock");
    assertOneLineExit2(CliTest.run("trajectories", "--start", "1"), "--start (1) must be two finite numbers X,Y");
    assertOneLineExit2(CliTest.run("trajectories", "--steps", "-1"), "--steps (-1) must be >= 0");
    assertOneLineExit2(CliTest.run("trajectories", "--only", "adamm"), "optimizer (adamm)");
  }

  @Test
  void landscapeAroundATrainedMlp() throws IOException {
    Path run = tmp.resolve("train");
    Result t = CliTest.run("train", "--model", "mlp:784-16-10", "--data-dir", idx.toString(), "--epochs", "1", "--batch", "32",
        "--out", run.toString(), "--threads", "1");
    assertEquals(0, t.code(), t.err());
    Path ckpt = run.resolve("checkpoint.safetensors");
    Path dir = tmp.resolve("land");
    Result r = CliTest.run("landscape", ckpt.toString(), "--grid", "5", "--samples", "16", "--span", "0.5", "--out", dir.toString());
    assertEquals(0, r.code(), r.err());
    assertFiles(dir, "landscape.png", "landscape.csv");
    assertEquals(26, Files.readAllLines(dir.resolve("landscape.csv")).size());
    assertTrue(r.out().contains("loss(α,0)") && r.out().contains("+0.000") && r.out().contains("centre"), r.out());
    // the centre is the trained model: eval on the same 16 images would give this loss; here check against the csv
    String centre = Files.readAllLines(dir.resolve("landscape.csv")).get(13);
    assertTrue(centre.startsWith("0.0,0.0,"), centre);

    assertOneLineExit2(CliTest.run("landscape", ckpt.toString(), "--grid", "1"), "--grid (1) must be >= 2");
    assertOneLineExit2(CliTest.run("landscape", ckpt.toString(), "--span", "-1"), "--span (-1.0) must be > 0");
    assertOneLineExit2(CliTest.run("landscape", tmp.resolve("nope.safetensors").toString()), "nope.safetensors");
  }
}
