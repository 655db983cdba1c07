package dev.fivefold.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Test;

/** infoplane, vib and mdl end to end on tiny settings; bad flags are one-line errors. */
class InfoCommandsTest {
  @TempDir static Path tmp;
  static Path idx;

  /** A tiny Fashion-MNIST-format directory (as {@link CliTest}): the class is a bright band. */
  @BeforeAll
  static void tinyIdx() throws IOException {
    idx = TinyFashion.standard(tmp);
  }

  @Test
  void infoplaneWritesChartAndCsv() throws IOException {
    Path dir = tmp.resolve("plane");
    CliTest.Result r = CliTest.run("infoplane", "--epochs", "3", "--points", "3", "--batch", "1024", "--out", dir.toString(), "--threads", "1");
    assertEquals(0, r.code(), r.err());
    assertTrue(Files.size(dir.resolve("infoplane.png")) > 0);
    List<String> csv = Files.readAllLines(dir.resolve("infoplane.csv"));
    assertEquals("seed,epoch,layer,ixt_bits,ity_bits", csv.getFirst());
    assertEquals(1 + 4 * 6, csv.size()); // epochs 0, 1, 2, 3 (log-spaced over 3) × 6 layers
  }

  @Test
  void vibAndMdlRunOnATinyDataset() throws IOException {
    Path v = tmp.resolve("vib");
    CliTest.Result r = CliTest.run("vib", "--betas", "1e-3,1e-1", "--epochs", "1", "--hidden", "16", "--k", "4", "--train-samples", "128",
        "--data-dir", idx.toString(), "--out", v.toString(), "--threads", "1");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("no bottleneck") && r.out().contains("1e-01"), r.out());
    assertEquals(4, Files.readAllLines(v.resolve("vib.csv")).size());
    assertTrue(Files.size(v.resolve("vib-error.png")) > 0 && Files.size(v.resolve("vib-rate.png")) > 0);
    Path m = tmp.resolve("mdl");
    r = CliTest.run("mdl", "--models", "mlp:784-16-10", "--samples", "200", "--first", "50", "--epochs", "1",
        "--data-dir", idx.toString(), "--out", m.toString(), "--threads", "1");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("prequential") && r.out().contains("mlp:784-16-10"), r.out());
    assertTrue(Files.size(m.resolve("mdl.png")) > 0 && Files.readAllLines(m.resolve("mdl.csv")).size() == 2);
  }

  @Test
  void badFlagsAreOneLine() {
    assertEquals(List.of("fivefold: --activation (sigmoid) must be tanh or relu", "Try 'fivefold infoplane --help' for usage."),
        CliTest.run("infoplane", "--activation", "sigmoid").errLines());
    assertEquals("fivefold: --estimator (ksg) must be bin or kde", CliTest.run("infoplane", "--estimator", "ksg").errLines().getFirst());
    assertEquals("fivefold: --betas (-1.0) must be > 0", CliTest.run("vib", "--betas", "1e-3,-1").errLines().getFirst());
    assertEquals("fivefold: --samples (0) must be >= 1", CliTest.run("mdl", "--samples", "0").errLines().getFirst());
    CliTest.Result r = CliTest.run("mdl", "--models", "densenet"); // resnet is a family since issue 14
    assertEquals(2, r.code());
    assertEquals(1, r.errLines().size(), r.err());
  }
}
