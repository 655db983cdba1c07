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

/** infoprune end to end on a tiny generated Fashion-MNIST-format directory; bad flags are one-line errors. */
class InfoPruneCommandTest {
  @TempDir static Path tmp;
  static Path idx;

  /** As {@link InfoCommandsTest}: the class is a bright band of rows. */
  @BeforeAll
  static void tinyIdx() throws IOException {
    idx = TinyFashion.standard(tmp);
  }

  @Test
  void trainsPrunesAndReloads() throws IOException {
    Path dir = tmp.resolve("prune");
    CliTest.Result r = CliTest.run("infoprune", "--epochs", "1", "--fractions", "0,0.5,0.9", "--samples", "100", "--bins", "10",
        "--data-dir", idx.toString(), "--out", dir.toString(), "--threads", "1");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("magnitude") && r.out().contains("150-50"), r.out());
    List<String> csv = Files.readAllLines(dir.resolve("infoprune.csv"));
    assertEquals("fraction,units kept,mi,entropy,magnitude,random", csv.getFirst());
    assertEquals(4, csv.size());
    assertTrue(csv.get(3).startsWith("0.90,30-10,"), csv.get(3));
    String[] none = csv.get(1).split(",");
    for (int c = 3; c < 6; c++) assertEquals(none[2], none[c], "no pruning: every criterion has the trained accuracy");
    assertEquals(1 + 300 + 100, Files.readAllLines(dir.resolve("scores.csv")).size());
    assertTrue(Files.size(dir.resolve("infoprune.png")) > 0);

    Path again = tmp.resolve("again");
    r = CliTest.run("infoprune", "--model-file", dir.resolve("model.safetensors").toString(), "--fractions", "0", "--samples", "100",
        "--data-dir", idx.toString(), "--out", again.toString(), "--threads", "1");
    assertEquals(0, r.code(), r.err());
    assertEquals(csv.get(1), Files.readAllLines(again.resolve("infoprune.csv")).get(1), "the saved model scores the same");
  }

  @Test
  void badFlagsAreOneLine() {
    assertEquals("fivefold: --fractions (1.0) must be in [0, 1)", CliTest.run("infoprune", "--fractions", "0,1").errLines().getFirst());
    assertEquals("fivefold: --bins (1) must be >= 2", CliTest.run("infoprune", "--bins", "1").errLines().getFirst());
    CliTest.Result r = CliTest.run("infoprune", "--model-file", tmp.resolve("missing.safetensors").toString(), "--data-dir", idx.toString());
    assertEquals(2, r.code());
    assertEquals(1, r.errLines().size(), r.err());
  }
}
