package dev.fivefold.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.cli.CliTest.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** quantize → eval / sample end to end on a tiny GPT, and the one-line refusals of bad input. */
class QuantizeCliTest {
  @TempDir static Path tmp;
  static Path ckpt, dir;

  @BeforeAll
  static void train() throws IOException {
    Path text = tmp.resolve("tiny.txt");
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 300; i++) sb.append("In the beginning God created the heaven and the earth. ");
    Files.writeString(text, sb);
    dir = tmp.resolve("run-gpt");
    Result t = CliTest.run("train", "--model", "gpt", "--data", text.toString(), "--layers", "1", "--heads", "2", "--width", "32",
        "--context", "16", "--batch", "4", "--max-steps", "3", "--out", dir.toString(), "--eval-tokens", "128");
    assertEquals(0, t.code(), t.err());
    ckpt = dir.resolve("checkpoint.safetensors");
  }

  static List<String> files() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void quantizeThenEvalAndSample() throws IOException {
    Path q8 = tmp.resolve("q8.safetensors");
    Result r = CliTest.run("quantize", ckpt.toString(), "--bits", "8", "--out", q8.toString(), "--eval", "--eval-tokens", "128");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("h.0.mlp.c_fc.weight") && r.out().contains("held-out bits/char: float32"), r.out());
    Result e = CliTest.run("eval", q8.toString(), "--eval-tokens", "128");
    assertEquals(0, e.code(), e.err());
    assertTrue(e.out().contains("quantized bits=8"), e.out());
    Result s = CliTest.run("sample", q8.toString(), "--prompt", "In the", "--length", "40", "--kv-bits", "4");
    assertEquals(0, s.code(), s.err());
    assertTrue(s.out().startsWith("In the") && s.err().contains("tokens/s"), s.out() + s.err());
    Path q4 = tmp.resolve("q4.safetensors");
    Result g = CliTest.run("quantize", ckpt.toString(), "--bits", "4", "--granularity", "group", "--group", "16", "--method", "gptq",
        "--calibration", "4", "--include-head", "--include-embeddings", "--out", q4.toString());
    assertEquals(0, g.code(), g.err());
    assertTrue(g.out().contains("lm_head.weight") && g.out().contains("wte.weight") && g.out().contains("4 calibration sequences"), g.out());
    assertTrue(Files.size(q4) < Files.size(q8), Files.size(q4) + " vs " + Files.size(q8));
    assertEquals(0, CliTest.run("sample", q4.toString(), "--length", "20").code());
    // the float checkpoint: the KV cache and the recomputing sampler give the same text with --keep context-1
    Result a = CliTest.run("sample", ckpt.toString(), "--length", "40", "--keep", "15", "--seed", "4");
    Result b = CliTest.run("sample", ckpt.toString(), "--length", "40", "--recompute", "--seed", "4");
    assertEquals(b.out(), a.out());
  }

  @Test
  void badInputIsOneLineExit2AndWritesNothing() throws IOException {
    List<String> before = files();
    String[][] cases = {
        {"(3)", "--bits", "3"},
        {"(6)", "--granularity", "group", "--group", "12"},
        {"(7)", "--granularity", "group", "--group", "7"},
        {"empty", "--method", "gptq", "--calibration", "0"},
        {"(pca)", "--method", "pca"},
    };
    for (String[] c : cases) {
      String[] args = new String[c.length + 1];
      args[0] = "quantize";
      args[1] = ckpt.toString();
      System.arraycopy(c, 1, args, 2, c.length - 1);
      Result r = CliTest.run(args);
      assertEquals(2, r.code(), String.join(" ", args) + ": " + r.err());
      assertEquals(1, r.errLines().size(), r.err());
      if (!c[0].equals("(6)")) assertTrue(r.err().contains(c[0]), r.err());
      else assertTrue(r.err().contains("(12)") && r.err().contains("does not divide") && r.err().contains("32"), r.err());
    }
    assertEquals(before, files());
    Path q = tmp.resolve("already.safetensors");
    assertEquals(0, CliTest.run("quantize", ckpt.toString(), "--out", q.toString()).code());
    Result again = CliTest.run("quantize", q.toString());
    assertEquals(2, again.code());
    assertTrue(again.err().contains("already quantized") && again.errLines().size() == 1, again.err());
    Result kv = CliTest.run("sample", ckpt.toString(), "--kv-bits", "5");
    assertEquals(2, kv.code());
    assertTrue(kv.err().contains("(5)"), kv.err());
  }

  @Test
  void compareTableMatchesTheSingleRuns() {
    Result c = CliTest.run("quantize", ckpt.toString(), "--compare", "--compare-groups", "16,32", "--calibration", "2", "--eval-tokens", "128");
    assertEquals(0, c.code(), c.err());
    for (String row : new String[] {"float32", "int8 weights, per channel, RTN", "int4 weights, group 16, RTN", "int4 weights, group 16, GPTQ",
        "int4 weights, group 32, GPTQ", "int8 KV cache", "int8 activations, per token", "int8 activations, per tensor"}) {
      assertTrue(c.out().contains(row), row + " missing: " + c.out());
    }
    // oracles: the float32 row is eval's figure, the int8 row is quantize --eval's
    Result q = CliTest.run("quantize", ckpt.toString(), "--bits", "8", "--out", tmp.resolve("cmp8.safetensors").toString(), "--eval", "--eval-tokens", "128");
    assertEquals(0, q.code(), q.err());
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("float32 ([0-9.]+) \\| quantized ([0-9.]+)").matcher(q.out());
    assertTrue(m.find(), q.out());
    assertTrue(c.out().matches("(?s).*\\bfloat32\\s+" + java.util.regex.Pattern.quote(m.group(1)) + "\\s.*"), m.group(1) + " vs " + c.out());
    assertTrue(c.out().matches("(?s).*int8 weights, per channel, RTN\\s+" + java.util.regex.Pattern.quote(m.group(2)) + "\\s.*"), m.group(2) + " vs " + c.out());
  }

  @Test
  void compareBadInputIsOneLineExit2() throws IOException {
    List<String> before = files();
    String[][] cases = {
        {"(64)", "--compare-groups", "64"},
        {"(12)", "--compare-groups", "12"},
        {"(7)", "--compare-groups", "7"},
        {"(x)", "--compare-groups", "x"},
        {"empty", "--calibration", "0"},
    };
    for (String[] c : cases) {
      String[] args = new String[c.length + 2];
      args[0] = "quantize";
      args[1] = ckpt.toString();
      args[2] = "--compare";
      System.arraycopy(c, 1, args, 3, c.length - 1);
      Result r = CliTest.run(args);
      assertEquals(2, r.code(), String.join(" ", args) + ": " + r.err());
      assertEquals(1, r.errLines().size(), r.err());
      assertTrue(r.err().contains(c[0]), r.err());
    }
    assertEquals(before, files());
  }

  @Test
  void rateDistortionTablesAndCharts() throws IOException {
    Path out = tmp.resolve("rd");
    Result r = CliTest.run("ratedistortion", ckpt.toString(), "--bits", "2,4", "--eval-tokens", "64", "--layer-bits", "2", "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("uniform") && r.out().contains("k-means") && r.out().contains("ecsq") && r.out().contains("held-out bits/char"), r.out());
    assertTrue(r.out().contains("h.0.mlp.c_fc.weight") && r.out().contains("alone"), r.out());
    for (String f : new String[] {"rd.csv", "rd-layers.csv", "rd-weights.png", "rd-metric.png", "rd-layers.png"}) assertTrue(Files.size(out.resolve(f)) > 0, f);
    List<String> csv = Files.readAllLines(out.resolve("rd.csv"));
    assertEquals(1 + 3 * 2 * 7 + 3 * 2, csv.size(), String.join("\n", csv)); // header, 7 matrices (1 layer) × 3 methods × 2 widths, 6 settings
  }

  @Test
  void rateDistortionBadInputIsOneLineExit2AndWritesNothing() throws IOException {
    Path out = tmp.resolve("rd-bad");
    Path q = tmp.resolve("rd-already.safetensors");
    assertEquals(0, CliTest.run("quantize", ckpt.toString(), "--out", q.toString()).code());
    String[][] cases = {
        {"(9)", ckpt.toString(), "--bits", "9"},
        {"(0)", ckpt.toString(), "--bits", "0-3"},
        {"(pca)", ckpt.toString(), "--methods", "kmeans,pca"},
        {"(11)", ckpt.toString(), "--layer-bits", "11"},
        {"already quantized", q.toString()},
    };
    for (String[] c : cases) {
      String[] args = new String[c.length + 2];
      args[0] = "ratedistortion";
      System.arraycopy(c, 1, args, 1, c.length - 1);
      args[c.length] = "--out";
      args[c.length + 1] = out.toString();
      Result r = CliTest.run(args);
      assertEquals(2, r.code(), String.join(" ", args) + ": " + r.err());
      assertEquals(1, r.errLines().size(), r.err());
      assertTrue(r.err().contains(c[0]), r.err());
      assertTrue(!Files.exists(out), "wrote " + out);
    }
  }
}
