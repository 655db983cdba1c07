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

/** {@code curriculum --quick} and {@code ablation} end to end on the tiny set, and their bad input. */
class PerceptionExperimentsCliTest {
  @TempDir static Path tmp;
  static Path idx;

  @BeforeAll
  static void tinyIdx() throws IOException {
    idx = TinyFashion.write(tmp.resolve("idx"), 400, 200);
    System.setProperty("java.awt.headless", "true");
  }

  @Test
  void quickCurriculumPrintsEveryArmAndWritesChartsAndCsvs() throws IOException {
    Path out = tmp.resolve("cur");
    CliTest.Result r = CliTest.run("curriculum", "--quick", "--data-dir", idx.toString(), "--out", out.toString(), "--threads", "2");
    assertEquals(0, r.code(), r.err());
    for (String arm : List.of("vanilla", "random/exp", "transfer/linear", "anti/step", "self-paced/exp")) assertTrue(r.out().contains(arm), r.out());
    assertTrue(r.out().contains("±sd") && r.out().contains("vs random"), r.out());
    for (String f : List.of("curriculum.csv", "curriculum-curves.csv", "curriculum-exp.png", "curriculum-linear.png", "curriculum-step.png")) {
      assertTrue(Files.size(out.resolve(f)) > 0, f);
    }
    assertEquals(1 + 13 * 2, Files.readAllLines(out.resolve("curriculum.csv")).size(), "header + 13 arms × 2 seeds");
  }

  /** An ablation cell is exactly the run 'train' makes with the same model, augmentation, seed and epochs. */
  @Test
  void ablationCellEqualsTheTrainRun() throws IOException {
    Path out = tmp.resolve("abl");
    CliTest.Result r = CliTest.run("ablation", "--model", "mlp:784-16-10:relu", "--augment", "none", "--augment", "crop:2,flip,cutmix:1",
        "--epochs", "1", "--batch", "32", "--seeds", "2", "--seed", "4", "--data-dir", idx.toString(), "--out", out.toString(), "--threads", "2");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("vs none") && r.out().contains("crop:2,flip,cutmix:1"), r.out());
    List<String> rows = Files.readAllLines(out.resolve("ablation.csv"));
    assertEquals(5, rows.size(), "header + 2 augmentations × 2 seeds");
    assertEquals(3, Files.readAllLines(out.resolve("ablation-summary.csv")).size());
    String cell = rows.stream().filter(l -> l.contains("crop:2") && l.contains(",5,")).findFirst().orElseThrow();
    String acc = cell.split("\",")[1].split(",")[1];
    assertTrue(acc.matches("[01]\\.\\d{4}"), cell);
    CliTest.Result t = CliTest.run("train", "--model", "mlp:784-16-10:relu", "--augment", "crop:2,flip,cutmix:1", "--epochs", "1", "--batch", "32",
        "--seed", "5", "--data-dir", idx.toString(), "--out", tmp.resolve("abl-train").toString(), "--threads", "2");
    assertEquals(0, t.code(), t.err());
    assertTrue(t.out().contains("test accuracy " + acc), cell + " vs " + t.out());
  }

  @Test
  void badInputIsOneLineExit2() {
    String[][] cases = {
        {"fivefold: --pacing (cubic) must list exp, linear or step", "curriculum", "--pacing", "cubic"},
        {"fivefold: --ramp (0.0) must be in (0, 1]", "curriculum", "--ramp", "0"},
        {"fivefold: --start (1.5) must be in (0, 1]", "curriculum", "--start", "1.5"},
        {"fivefold: --train-size (8) must be >= --batch (64)", "curriculum", "--train-size", "8"},
        {"fivefold: --augment (erase:2): erase probability (2.0) must be in [0, 1]", "ablation", "--augment", "erase:2"},
        {"fivefold: --augment (crop:4,blur): unknown augmentation 'blur' (known: " + dev.fivefold.data.augment.Augmentation.NAMES + ")",
            "ablation", "--augment", "crop:4,blur"},
        {"fivefold: --epochs (0.0) must be > 0", "ablation", "--epochs", "0"},
    };
    for (String[] c : cases) {
      CliTest.Result r = CliTest.run(java.util.Arrays.copyOfRange(c, 1, c.length));
      assertEquals(2, r.code(), r.err());
      assertEquals(c[0], r.errLines().getFirst());
    }
    CliTest.Result m = CliTest.run("ablation", "--model", "nope");
    assertEquals(2, m.code());
    assertTrue(m.errLines().getFirst().startsWith("fivefold: --model (nope): "), m.err());
  }
}
