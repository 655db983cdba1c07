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
}
