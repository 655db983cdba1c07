package dev.fivefold.cli;

import static dev.fivefold.cli.CliTest.assertOneLineExit2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.cli.CliTest.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** sensing end to end on tiny data: table, charts, an archive that eval scores the same; bad input is one line, exit 2, nothing written. */
class SensingCliTest {
  @TempDir static Path tmp;
  static Path idx, ckpt;

  @BeforeAll
  static void tinyIdxAndModel() throws IOException {
    idx = TinyFashion.standard(tmp);
    Path run = tmp.resolve("run");
    Result r = CliTest.run("train", "--model", "mlp:784-32-16-10", "--data-dir", idx.toString(), "--epochs", "2", "--batch", "32",
        "--out", run.toString(), "--threads", "1");
    assertEquals(0, r.code(), r.err());
    ckpt = run.resolve("checkpoint.safetensors");
  }

  @Test
  void tableChartsAndAnArchiveThatEvalScoresTheSame() throws IOException {
    Path out = tmp.resolve("cs"), ffz = tmp.resolve("cs.ffz");
    Result r = CliTest.run("sensing", ckpt.toString(), "--ratio", "0.5,0.2", "--data-dir", idx.toString(), "--phase-n", "20", "--phase-grid", "4",
        "--phase-trials", "2", "--out", out.toString(), "--archive", ffz.toString(), "--threads", "1");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("acc CS") && r.out().contains("acc prune") && r.out().contains("fc1.weight") && r.out().contains("Donoho-Tanner rho"), r.out());
    for (String f : new String[] {"sensing.csv", "sensing-layers.csv", "phase.csv", "sensing-accuracy.png", "phase-transition.png"}) {
      assertTrue(Files.size(out.resolve(f)) > 0, f);
    }
    Matcher m = Pattern.compile("decoded archive accuracy (\\d\\.\\d{4})").matcher(r.out());
    assertTrue(m.find(), r.out());
    assertTrue(r.out().contains("(sensed: "), r.out());
    Result e = CliTest.run("eval", ffz.toString(), "--threads", "1");
    assertEquals(0, e.code(), e.err());
    Matcher em = Pattern.compile("accuracy (\\d\\.\\d{4})").matcher(e.out());
    assertTrue(em.find(), e.out());
    assertEquals(m.group(1), em.group(1));
    // the first ratio's row prints the same accuracy
    String row = r.out().lines().filter(s -> s.startsWith("0.500")).findFirst().orElseThrow();
    assertTrue(row.contains(m.group(1)), row);
  }

  @Test
  void badInputIsOneLineExitTwoAndWritesNothing() throws IOException {
    Path out = tmp.resolve("bad"), ffz = tmp.resolve("bad.ffz");
    String[] base = {"sensing", ckpt.toString(), "--data-dir", idx.toString(), "--out", out.toString(), "--archive", ffz.toString(), "--threads", "1"};
    assertOneLineExit2(CliTest.run(cat(base, "--ratio", "0.2,1.5")), "--ratio (1.5) must be in (0, 1]");
    assertOneLineExit2(CliTest.run(cat(base, "--ratio", "0")), "--ratio (0.0) must be in (0, 1]");
    assertOneLineExit2(CliTest.run(cat(base, "--basis", "wavelet")), "--basis (wavelet) must be identity or dct");
    assertOneLineExit2(CliTest.run(cat(base, "--recovery", "lasso")), "--recovery (lasso) must be omp or fista");
    assertOneLineExit2(CliTest.run(cat(base, "--bits", "16")), "--bits (16) must be 32 or 8");
    assertOneLineExit2(CliTest.run(cat(base, "--rho", "0")), "--rho (0.0) must be in (0, 1]");
    Path gpt = tmp.resolve("gpt.safetensors");
    String spec = "gpt:vocab=10,layers=1,heads=1,width=8,context=8";
    dev.fivefold.train.Checkpoint.saveWeights(gpt, dev.fivefold.perception.Models.create(spec, 0), java.util.Map.of("model", spec));
    assertOneLineExit2(CliTest.run("sensing", gpt.toString(), "--out", out.toString(), "--archive", ffz.toString()), "sensing takes mlp or lenet5");
    assertFalse(Files.exists(out));
    assertFalse(Files.exists(ffz));
  }

  private static String[] cat(String[] a, String... b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
