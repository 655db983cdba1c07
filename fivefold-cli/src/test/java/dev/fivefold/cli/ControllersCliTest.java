package dev.fivefold.cli;

import static dev.fivefold.cli.CliTest.assertOneLineExit2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.cli.CliTest.Result;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** controllers, guard and swats end to end on tiny settings; bad flags are one line, exit 2. */
class ControllersCliTest {
  @TempDir static Path tmp;
  static Path idx, text;

  @BeforeAll
  static void tinyData() throws IOException {
    System.setProperty("java.awt.headless", "true");
    idx = TinyFashion.write(tmp.resolve("idx"), 128, 32);
    text = tmp.resolve("tiny.txt");
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 200; i++) sb.append("in the beginning was the word and the word was ").append(i % 7).append(".\n");
    Files.writeString(text, sb.toString(), StandardCharsets.UTF_8);
  }


  private static void assertFiles(Path dir, String... names) throws IOException {
    for (String f : names) assertTrue(Files.size(dir.resolve(f)) > 0, f);
  }

  @Test
  void controllersOnBothTinyTasks() throws IOException {
    Path dir = tmp.resolve("ctl");
    Result r = CliTest.run("controllers", "--data-dir", idx.toString(), "--batch", "32", "--epochs", "3", "--mlp-target", "2.2",
        "--mlp-lrs", "1e-3,1e-2", "--data", text.toString(), "--layers", "1", "--heads", "2", "--width", "16", "--context", "8",
        "--gpt-batch", "4", "--max-steps", "12", "--gpt-lrs", "3e-3", "--eval-tokens", "64", "--out", dir.toString(), "--threads", "1");
    assertEquals(0, r.code(), r.err());
    assertFiles(dir, "controllers.csv", "mlp-loss.png", "mlp-lr.png", "mlp-curves.csv", "gpt-loss.png", "gpt-lr.png", "gpt-curves.csv",
        "mlp-range-test.csv", "mlp-range-test.png", "gpt-range-test.csv", "gpt-range-test.png");
    List<String> csv = Files.readAllLines(dir.resolve("controllers.csv"));
    // header + (4 schedules × 2 rates + 11 controllers) + (4 × 1 + 11)
    assertEquals(1 + 19 + 15, csv.size(), csv.toString());
    assertTrue(csv.stream().anyMatch(l -> l.startsWith("mlp,rt+plateau+cosine,controller,")), csv.toString());
    assertTrue(r.out().contains("mlp: rt+plateau: range test ended at step"), r.out());
    assertTrue(csv.getFirst().contains("steps_to_target") && csv.getFirst().contains("ratio_to_best_schedule"), csv.getFirst());
    assertTrue(r.out().contains("pid-ratio") && r.out().contains("stability-cap") && r.out().contains("warmup-cosine"), r.out());
    assertTrue(r.out().contains("mlp: best schedule") && r.out().contains("gpt: best schedule"), r.out());
    // auto target: the best schedule's loss at 80% of the budget, so some schedule reaches it by then
    assertTrue(csv.stream().anyMatch(l -> l.startsWith("gpt,") && l.contains(",schedule,") && l.contains(",1.000,")), csv.toString());
    assertEquals(13, Files.readAllLines(dir.resolve("gpt-curves.csv")).size());
    // the same first batch and weights: every mlp run starts from the same loss
    String[] first = Files.readAllLines(dir.resolve("mlp-curves.csv")).get(1).split(",");
    for (int i = 3; i < first.length; i += 2) assertEquals(first[1], first[i]);
  }

  @Test
  void controllersRunsOnlyTheSelectedSchedulesAndControllers() throws IOException {
    Path dir = tmp.resolve("ctl-selected");
    Result r = CliTest.run("controllers", "--task", "gpt", "--data", text.toString(), "--layers", "1", "--heads", "2", "--width", "16",
        "--context", "8", "--gpt-batch", "4", "--max-steps", "40", "--gpt-lrs", "3e-3", "--eval-tokens", "64", "--schedules", "constant",
        "--controllers", "rt+plateau", "--out", dir.toString(), "--threads", "1");
    assertEquals(0, r.code(), r.err());
    List<String> csv = Files.readAllLines(dir.resolve("controllers.csv"));
    assertEquals(3, csv.size(), csv.toString());
    assertTrue(csv.get(1).startsWith("gpt,constant,schedule,") && csv.get(2).startsWith("gpt,rt+plateau,controller,"), csv.toString());
    // the range test (20 steps at least) undid its sweep past the chosen rate, and wrote the sweep it measured
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("range test ended at step (\\d+), restored the state of step (\\d+)").matcher(r.out());
    assertTrue(m.find(), r.out());
    assertTrue(Long.parseLong(m.group(2)) < Long.parseLong(m.group(1)), r.out());
    List<String> sweep = Files.readAllLines(dir.resolve("gpt-range-test.csv"));
    assertEquals("controller,sweep_step,lr,smoothed_loss", sweep.getFirst());
    assertTrue(sweep.size() > 4 && sweep.get(1).startsWith("rt+plateau,0,1.0E-4,"), sweep.toString());
  }

  @Test
  void guardAndSwatsOnTinyData() throws IOException {
    Path dir = tmp.resolve("guard");
    Result r = CliTest.run("guard", "--data-dir", idx.toString(), "--batch", "16", "--epochs", "1", "--out", dir.toString(), "--threads", "1");
    assertEquals(0, r.code(), r.err());
    assertFiles(dir, "guard.csv", "loss.png");
    List<String> csv = Files.readAllLines(dir.resolve("guard.csv"));
    assertEquals(4, csv.size(), csv.toString());
    assertTrue(csv.get(1).startsWith("normal,0.05,") && csv.get(3).startsWith("\"high, guard\",0.5,"), csv.toString());
    assertTrue(r.out().contains("without the guard"), r.out());

    Path sw = tmp.resolve("swats");
    r = CliTest.run("swats", "--data-dir", idx.toString(), "--batch", "32", "--epochs", "2", "--seeds", "2", "--switch-epoch", "1",
        "--swats-min-step", "3", "--swats-tol", "1e9", "--out", sw.toString(), "--threads", "1");
    assertEquals(0, r.code(), r.err());
    assertFiles(sw, "swats.csv", "epochs.csv", "accuracy.png", "loss.png");
    List<String> rows = Files.readAllLines(sw.resolve("swats.csv"));
    assertEquals(1 + 2 * 4 + 4, rows.size(), rows.toString()); // 2 seeds x 4 runs, 4 means
    assertTrue(rows.stream().anyMatch(l -> l.startsWith("1,swats,3,")), "a tolerance of 1e9 switches at the min step: " + rows);
    assertTrue(rows.stream().anyMatch(l -> l.startsWith("2,adam->sgd@1,4,")), "forced switch after epoch 1 (4 steps): " + rows);
    assertTrue(r.out().contains("swats - adam =") && r.out().contains("swats - adam+anneal =") && r.out().contains("adam->sgd@1 - adam ="), r.out());
  }

  @Test
  void badFlags() {
    assertOneLineExit2(CliTest.run("controllers", "--task", "cnn"), "--task (cnn) must be one of mlp, gpt, both");
    assertOneLineExit2(CliTest.run("controllers", "--gpt-target", "low"), "--gpt-target (low) must be a loss or auto");
    assertOneLineExit2(CliTest.run("controllers", "--mlp-lrs", "1e-3,-1"), "--mlp-lrs (-1.0) must be > 0");
    assertOneLineExit2(CliTest.run("controllers", "--max-steps", "1"), "--max-steps (1) must be >= 2");
    // the GPT's flags are refused even when only the MLP task runs (they were silently ignored)
    assertOneLineExit2(CliTest.run("controllers", "--task", "mlp", "--layers", "-2147483648"), "--layers (-2147483648) must be >= 1");
    assertOneLineExit2(CliTest.run("controllers", "--task", "mlp", "--context", "0"), "--context (0) must be >= 1");
    assertOneLineExit2(CliTest.run("controllers", "--task", "mlp", "--eval-tokens", "-9223372036854775808"), "--eval-tokens (-9223372036854775808) must be >= 1");
    assertOneLineExit2(CliTest.run("controllers", "--controllers", "plateau,bold-driver"), "--controllers (bold-driver) must be among");
    assertOneLineExit2(CliTest.run("controllers", "--schedules", "linear"), "--schedules (linear) must be among");
    assertOneLineExit2(CliTest.run("guard", "--factor", "0"), "--factor (0.0) must be > 0");
    assertOneLineExit2(CliTest.run("guard", "--optimizer", "bogus"), "--optimizer (bogus) must be one of");
    assertOneLineExit2(CliTest.run("swats", "--epochs", "0"), "--epochs (0) must be >= 1");
    assertOneLineExit2(CliTest.run("swats", "--sgd-rate", "paper"), "--sgd-rate (paper) must be one of matched, swats");
    assertOneLineExit2(CliTest.run("swats", "--anneal", "step"), "--anneal (step) must be one of cosine, none");
    assertOneLineExit2(CliTest.run("swats", "--switch-epoch", "5"), "--switch-epoch (5) must be < --epochs (5)");
  }
}
