package dev.fivefold.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.cli.CliTest.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fivefold clip} and {@code fivefold fusion} on a tiny Fashion-MNIST: tables, files, and one-line exit-2 refusals. */
class MultimodalCliTest {
  @TempDir Path tmp;

  @Test
  void clipRunsAndWritesItsFiles() throws Exception {
    String d = TinyFashion.standard(tmp).toString();
    Path out = tmp.resolve("clip");
    Result r = CliTest.run("clip", "--data-dir", d, "--epochs", "1", "--batch", "32", "--train-samples", "128", "--test-samples", "64", "--pairs", "64",
        "--pictured", "20", "--embed", "8", "--text-width", "8", "--text-layers", "1", "--threads", "2", "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("zero-shot") && r.out().contains("ceiling b") && r.out().contains("tape growth after warm-up 0 bytes"), r.out());
    for (String f : List.of("clip.csv", "clip-bound.png", "clip-space.png")) assertTrue(Files.size(out.resolve(f)) > 0, f);
  }

  @Test
  void fusionRunsAndWritesItsFiles() throws Exception {
    String d = TinyFashion.standard(tmp).toString();
    Path out = tmp.resolve("fusion");
    Result r = CliTest.run("fusion", "--data-dir", d, "--epochs", "1", "--batch", "32", "--train-samples", "128", "--test-samples", "64", "--width", "8",
        "--layers", "1", "--pictured", "2", "--permutations", "2", "--threads", "2", "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("P_visual") && r.out().contains("early/biased") && r.out().contains("late/balanced"), r.out());
    for (String f : List.of("fusion.csv", "attention-balanced.png", "attention-biased.png")) assertTrue(Files.size(out.resolve(f)) > 0, f);
  }

  @Test
  void badFlagsAreOneLineExitTwo() throws Exception {
    String d = TinyFashion.standard(tmp).toString();
    String run = tmp.resolve("run").toString();
    refused("context (20) must be >= ", "clip", "--context", "20", "--data-dir", d, "--out", run);
    refused("batch (1) must be >= 2", "clip", "--batch", "1", "--data-dir", d, "--out", run);
    refused("pairs (2000) must be in [1, testSamples (1000)]", "clip", "--test-samples", "1000", "--pairs", "2000", "--data-dir", d, "--out", run);
    refused("trainSamples (60000) must be <= training images (256)", "clip", "--data-dir", d, "--out", run);
    refused("--models (middle) must be early or late", "fusion", "--models", "middle", "--data-dir", d, "--out", run);
    refused("--splits (fair) must be balanced or biased", "fusion", "--splits", "fair", "--data-dir", d, "--out", run);
    refused("width (6) must be a positive multiple of 4", "fusion", "--width", "6", "--data-dir", d, "--out", run);
  }

  private static void refused(String names, String... args) {
    Result r = CliTest.run(args);
    String what = String.join(" ", args);
    assertEquals(2, r.code(), what + ": " + r.err());
    List<String> lines = r.errLines();
    assertTrue(lines.getFirst().startsWith("fivefold: ") && lines.getFirst().contains(names), what + ": " + r.err());
    assertFalse(r.err().contains("\tat ") || r.err().contains("Exception:"), what + ": " + r.err());
  }
}
