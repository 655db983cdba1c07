package dev.fivefold.cli;

import static dev.fivefold.cli.CliTest.assertOneLineExit2;
import static dev.fivefold.cli.CliTest.group;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.cli.CliTest.Result;
import dev.fivefold.compress.archive.FfzArchive;
import dev.fivefold.compress.archive.FfzModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code compress --compare}: the table of two methods' archives (accuracy as eval prints it), the chart and CSV; bad input one line, exit 2. */
class CompareCliTest {
  @TempDir static Path tmp;
  static Path idx, deep, svd;

  @BeforeAll
  static void twoArchives() throws IOException {
    TinyCheckpoint t = TinyCheckpoint.mlp(tmp);
    idx = t.idx();
    Path ckpt = t.ckpt();
    deep = tmp.resolve("deep.ffz");
    Result r = CliTest.run("compress", ckpt.toString(), "--data-dir", idx.toString(), "--retrain", "0.5", "--finetune", "0", "--batch", "32",
        "--threads", "1", "--out", deep.toString());
    assertEquals(0, r.code(), r.err());
    svd = tmp.resolve("svd.ffz");
    r = CliTest.run("compress", ckpt.toString(), "--method", "svd", "--data-dir", idx.toString(), "--epochs", "1", "--kl-warmup", "0.5",
        "--lr", "0.001", "--finetune", "0.5", "--batch", "32", "--threads", "1", "--out", svd.toString());
    assertEquals(0, r.code(), r.err());
  }

  @Test
  void tableChartAndCsvOfTwoMethods() throws IOException {
    Path png = tmp.resolve("pareto.png"), csv = tmp.resolve("table.csv");
    Result r = CliTest.run("compress", "--compare", deep.toString(), svd.toString(), "--chart", png.toString(), "--csv", csv.toString(), "--threads", "1");
    assertEquals(0, r.code(), r.err());
    for (Path p : List.of(deep, svd)) {
      String method = p == deep ? "deep" : "svd";
      Result e = CliTest.run("eval", p.toString(), "--threads", "1");
      assertEquals(0, e.code(), e.err());
      String acc = group(e.out(), "accuracy (\\d\\.\\d{4})");
      String row = group(r.out(), "(?m)^(mlp\\s+" + method + "\\s+" + p.getFileName() + ".*)$");
      assertTrue(row.contains(acc), row + " vs eval " + acc);
      assertTrue(row.contains(String.format(java.util.Locale.ROOT, "%,d", Files.size(p))), row);
    }
    assertTrue(r.out().contains("paper, MNIST") && r.out().contains("162x") && r.out().contains("40x"), r.out());
    assertTrue(r.out().contains("chart: " + png) && Files.size(png) > 1000, r.out());
    List<String> lines = Files.readAllLines(csv);
    assertTrue(lines.getFirst().startsWith("model,method,archive,bytes,ratio"), lines.getFirst());
    assertEquals(1 + 2 + 8, lines.size(), lines.toString());
    assertTrue(r.out().lines().anyMatch(l -> l.endsWith("*")), "a Pareto row is marked: " + r.out());
  }

  @Test
  void badInputIsOneLineExit2() throws IOException {
    Path missing = tmp.resolve("missing.ffz");
    assertOneLineExit2(CliTest.run("compress", "--compare", deep.toString(), missing.toString()), missing + ": no such file");
    Path notFfz = Files.writeString(tmp.resolve("m.safetensors"), "x");
    assertOneLineExit2(CliTest.run("compress", "--compare", deep.toString(), notFfz.toString()), notFfz + ": not an .ffz archive");
    Path corrupt = Files.writeString(tmp.resolve("corrupt.ffz"), "not an archive");
    Result c = CliTest.run("compress", "--compare", deep.toString(), corrupt.toString());
    assertOneLineExit2(c, "corrupt.ffz");
    // the same weights, said to be trained on another dataset
    FfzModel m = FfzArchive.read(svd).model();
    Map<String, String> meta = new LinkedHashMap<>(m.metadata());
    meta.put("data-dir", tmp.resolve("other").toString());
    Path other = tmp.resolve("other.ffz");
    FfzArchive.write(other, new FfzModel(m.spec(), meta, m.quantized(), m.raw()), FfzArchive.Options.defaults());
    assertOneLineExit2(CliTest.run("compress", "--compare", deep.toString(), other.toString()), other + ": trained on ");
    assertOneLineExit2(CliTest.run("compress", "--chart", "x.png"), "--chart and --csv go with --compare");
    assertFalse(Files.exists(Path.of("x.png")));
  }
}
