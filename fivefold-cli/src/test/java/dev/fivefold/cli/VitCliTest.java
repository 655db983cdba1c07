package dev.fivefold.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.cli.CliTest.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad ViT input on the command line: specs whose patch does not divide 28, heads that do not divide
 * the width, rates outside [0, 1), an unknown init, a bad --label-smoothing and a bad bench group.
 * Each is one line naming the key (or flag) and the value, exit code 2, no run folder written.
 */
class VitCliTest {
  @TempDir Path tmp;

  @Test
  void badVitSpecsAndFlagsAreOneLineExitTwo() throws Exception {
    String d = TinyFashion.standard(tmp).toString();
    Map<String, String> specs = Map.of(
        "vit:patch=5", "patch (5) must divide 28",
        "vit:patch=0", "patch (0) must divide 28",
        "vit:width=30,heads=4", "heads (4) must divide width (30)",
        "vit:heads=0", "heads (0) must divide width (64)",
        "vit:mlp=0", "mlp (0) must be >= 1",
        "vit:dropout=1.5", "dropout (1.5) must be in [0, 1)",
        "vit:drop_path=-1", "drop_path (-1.0) must be in [0, 1)",
        "vit:emb_dropout=a", "emb_dropout (a) is not a number",
        "vit:init=jax", "init (jax) must be torch or timm");
    for (var e : specs.entrySet()) {
      refused(e.getKey() + "): " + e.getValue(), "train", "--model", e.getKey(), "--data-dir", d, "--max-steps", "1", "--out", tmp.resolve("run").toString());
    }
    for (String v : List.of("1", "-0.1", "NaN")) {
      refused("--label-smoothing (" + v, "train", "--model", "vit", "--label-smoothing", v, "--data-dir", d, "--max-steps", "1", "--out", tmp.resolve("run").toString());
    }
    refused("--only (vit) must be one of sgemm, mlp_train, lenet5_train, gpt_train, vit_train, cnn_train", "bench", "--only", "vit");
  }

  private void refused(String names, String... args) throws Exception {
    Result r = CliTest.run(args);
    String what = String.join(" ", args);
    assertEquals(2, r.code(), what + ": " + r.err());
    List<String> lines = r.errLines();
    assertTrue(lines.getFirst().startsWith("fivefold: ") && lines.getFirst().contains(names), what + ": " + r.err());
    assertTrue(lines.size() == 1 || lines.size() == 2 && lines.get(1).startsWith("Try '"), what + ": " + r.err());
    assertFalse(r.err().contains("\tat ") || r.err().contains("Exception:"), what + ": " + r.err());
    assertFalse(Files.exists(tmp.resolve("run")) && nonEmpty(tmp.resolve("run")), what + ": run folder written");
  }

  private static boolean nonEmpty(Path p) throws Exception {
    try (Stream<Path> s = Files.list(p)) {
      return s.findAny().isPresent();
    }
  }
}
