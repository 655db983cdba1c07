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

/** {@code fivefold fixations} on a tiny Fashion-MNIST: the table, the files, and one-line exit-2 refusals that write nothing. */
class FixationsCliTest {
  @TempDir Path tmp;

  @Test
  void fixationsRunsAndWritesItsFiles() throws Exception {
    String d = TinyFashion.standard(tmp).toString();
    Path out = tmp.resolve("fixations");
    Result r = CliTest.run("fixations", "--data-dir", d, "--steps", "10", "--batch", "32", "--fixations", "1,3", "--glimpses", "4", "--hidden", "8",
        "--train-samples", "128", "--test-samples", "64", "--pictured", "3", "--threads", "2", "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("acc@1") && r.out().contains("acc@3") && r.out().contains("saliency") && r.out().contains("centre")
        && r.out().contains("full image"), r.out());
    for (String f : List.of("fixations.csv", "accuracy.png", "paths.png", "saliency.png")) assertTrue(Files.size(out.resolve(f)) > 0, f);
    assertEquals(1 + 3 * 2 + 1, Files.readAllLines(out.resolve("fixations.csv")).size(), "header, 3 paths x 2 read-outs, full image");
  }

  @Test
  void badFlagsAreOneLineExitTwoAndWriteNothing() throws Exception {
    String d = TinyFashion.standard(tmp).toString();
    Path run = tmp.resolve("run");
    refused("--fixations (0) must be >= 1", "fixations", "--fixations", "0", "--data-dir", d, "--out", run.toString());
    refused("fixations [4, 2] must be strictly increasing", "fixations", "--fixations", "4,2", "--data-dir", d, "--out", run.toString());
    refused("glimpse (32) must be <= the image side (28)", "fixations", "--glimpses", "32", "--data-dir", d, "--out", run.toString());
    refused("scales (0) must be in [1, 4]", "fixations", "--scales", "0", "--data-dir", d, "--out", run.toString());
    refused("scales (7) must be in [1, 4]", "fixations", "--scales", "7", "--data-dir", d, "--out", run.toString());
    refused("path (eye) must be saliency, random or centre", "fixations", "--paths", "eye", "--data-dir", d, "--out", run.toString());
    refused("saliency (itti-koch) must be centre-surround or spectral-residual", "fixations", "--saliency", "itti-koch", "--data-dir", d, "--out", run.toString());
    refused("trainSamples (60000) must be in [batch (64), training images (256)]", "fixations", "--data-dir", d, "--out", run.toString());
    assertFalse(Files.exists(run), "nothing written");
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
