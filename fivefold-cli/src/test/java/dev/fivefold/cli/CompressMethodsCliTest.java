package dev.fivefold.cli;

import static dev.fivefold.cli.CliTest.group;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.cli.CliTest.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code compress --method svd|bc}: the same archive, eval and bad-input behaviour as deep, plus the description length and the log-alpha picture. */
class CompressMethodsCliTest {
  @TempDir static Path tmp;
  static Path idx, ckpt;

  @BeforeAll
  static void tinyIdxAndModel() throws IOException {
    TinyCheckpoint t = TinyCheckpoint.mlp(tmp);
    idx = t.idx();
    ckpt = t.ckpt();
  }

  private static Result compress(Path out, String... extra) {
    String[] base = {"compress", ckpt.toString(), "--data-dir", idx.toString(), "--kl-warmup", "0.5", "--lr", "0.001",
        "--batch", "32", "--threads", "1", "--out", out.toString()};
    String[] all = java.util.Arrays.copyOf(base, base.length + extra.length);
    System.arraycopy(extra, 0, all, base.length, extra.length);
    return CliTest.run(all);
  }

  @Test
  void svdAndBcArchivesEvaluateExactlyAsCompressed() {
    for (String method : new String[] {"svd", "bc"}) {
      Path ffz = tmp.resolve("m-" + method + ".ffz");
      Result r = method.equals("svd") ? compress(ffz, "--method", method, "--epochs", "1", "--finetune", "0.5", "--retrain", "0.5", "--raw-bits", "16")
          : compress(ffz, "--method", method, "--epochs", "1", "--finetune", "0.5", "--json-header");
      assertEquals(0, r.code(), r.err());
      byte[] head = readHead(ffz);
      assertEquals(method.equals("svd") ? 5 : 3, head[4], method + ": format version (svd: compact header and float16 biases, bc: plain JSON)");
      if (method.equals("svd")) assertTrue(r.out().contains("retrained ") && r.out().contains("(raw float16)") && r.err().contains("retrained with the masks held"), r.out());
      assertTrue(r.out().contains("fc1.weight") && r.out().contains("archive bits per kept weight"), r.out());
      String after = group(r.out(), "decoded archive (\\d\\.\\d{4})");
      Result e = CliTest.run("eval", ffz.toString(), "--threads", "1");
      assertEquals(0, e.code(), e.err());
      assertEquals(after, group(e.out(), "accuracy (\\d\\.\\d{4})"), e.out());
      long bytes = Long.parseLong(group(r.out(), ffz + ": ([\\d,]+) B").replace(",", ""));
      long modelBits = Long.parseLong(group(r.out(), "description length: model ([\\d,]+) bits").replace(",", ""));
      assertEquals(8 * bytes, modelBits, r.out());
      assertTrue(Files.exists(tmp.resolve("m-" + method + "-log-alpha.png")), r.out());
      if (method.equals("bc")) assertTrue(r.err().contains("grid points"), r.err());
    }
  }

  private static byte[] readHead(Path ffz) {
    try {
      return java.util.Arrays.copyOf(Files.readAllBytes(ffz), 8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void badInputIsOneLineExit2AndLeavesNoArchive() {
    String[][] cases = {
        {"--method", "sgd"}, {"--method", "svd", "--kl-weight", "0"}, {"--method", "svd", "--log-alpha", "11"},
        {"--method", "bc", "--epochs", "0"}, {"--method", "bc", "--step", "max"}, {"--method", "bc", "--max-bits", "17"},
        {"--method", "svd", "--lr", "0"}, {"--method", "svd", "--epochs", "0.2", "--log-alpha", "-10"}, {"--method", "svd", "--raw-bits", "8"},
        {"--method", "svd", "--retrain", "-1"}};
    String[] expected = {"--method (sgd) must be one of deep, svd, bc", "--kl-weight (0.0) must be in (0, 100]", "--log-alpha (11.0) must be in [-10, 10]",
        "--epochs (0.0) must be > 0", "--step (max) must be mean or min", "--max-bits (17) must be in 1..16", "--lr", "every weight",
        "--raw-bits (8) must be 16 or 32", "--retrain (-1.0)"};
    for (int i = 0; i < cases.length; i++) {
      Path ffz = tmp.resolve("bad" + i + ".ffz");
      Result r = compress(ffz, cases[i]);
      assertEquals(2, r.code(), String.join(" ", cases[i]) + ": " + r.err());
      String first = r.errLines().stream().filter(l -> l.startsWith("fivefold: ")).reduce((a, b) -> b).orElse(""); // a refused run logged its training first
      assertTrue(first.startsWith("fivefold: ") && first.contains(expected[i]), r.err());
      assertFalse(Files.exists(ffz), String.join(" ", cases[i]));
    }
  }

  @Test
  void deepPrintsTheDescriptionLengthToo() {
    Path ffz = tmp.resolve("deep.ffz");
    Result r = CliTest.run("compress", ckpt.toString(), "--data-dir", idx.toString(), "--retrain", "0.5", "--finetune", "0.5", "--batch", "32",
        "--threads", "1", "--sparsity", "0.8,0.7,0.5", "--out", ffz.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("description length: model "), r.out());
  }
}
