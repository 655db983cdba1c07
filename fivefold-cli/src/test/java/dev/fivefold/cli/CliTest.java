package dev.fivefold.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line end to end, in-process: parsing, validation, train → eval, train → sample, bad files. */
class CliTest {
  record Result(int code, String out, String err) {
    List<String> errLines() {
      return err.lines().filter(l -> !l.isBlank()).toList();
    }
  }

  static Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
    int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** Asserts a refused run: exit 2, a first error line "fivefold: …" containing {@code expected}, at most two error lines. */
  static void assertOneLineExit2(Result r, String expected) {
    assertEquals(2, r.code(), r.err());
    assertTrue(r.errLines().getFirst().startsWith("fivefold: ") && r.errLines().getFirst().contains(expected), r.err());
    assertTrue(r.errLines().size() <= 2, r.err());
  }

  /** {@code a} followed by {@code b}: a base command line with more flags. */
  static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** The first group of {@code regex}'s first match in {@code text}; fails the test if there is none. */
  static String group(String text, String regex) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile(regex).matcher(text);
    assertTrue(m.find(), text);
    return m.group(1);
  }

  @TempDir static Path tmp;
  static Path idx;

  /** A tiny Fashion-MNIST-format directory: 256 training and 64 test images whose class is a bright band. */
  @BeforeAll
  static void tinyIdx() throws IOException {
    idx = TinyFashion.standard(tmp);
  }

  @Test
  void negativeLearningRateIsOneLineExit2() {
    Result r = run("train", "--lr", "-0.1");
    assertEquals(2, r.code());
    assertEquals("fivefold: --lr (-0.1) must be > 0", r.errLines().getFirst());
  }

  @Test
  void zeroBatchAndNonFiniteRate() {
    Result r = run("train", "--batch", "0");
    assertEquals(2, r.code());
    assertEquals("fivefold: --batch (0) must be >= 1", r.errLines().getFirst());
    assertEquals("fivefold: --lr (NaN) must be > 0", run("train", "--lr", "NaN").errLines().getFirst());
    assertEquals("fivefold: --epochs (0) must be >= 1", run("train", "--epochs", "0").errLines().getFirst());
    assertEquals("fivefold: --threads (0) must be >= 1", run("bench", "--threads", "0").errLines().getFirst());
  }

  @Test
  void unknownFlagNamesIt() {
    Result r = run("train", "--bogus", "3");
    assertEquals(2, r.code());
    assertTrue(r.errLines().getFirst().startsWith("fivefold: ") && r.errLines().getFirst().contains("--bogus"), r.err());
    assertTrue(r.errLines().size() <= 2, r.err());
  }

  @Test
  void badValueNamesTheFlag() {
    Result r = run("train", "--lr", "fast");
    assertEquals(2, r.code());
    assertTrue(r.errLines().getFirst().contains("--lr") && r.errLines().getFirst().contains("fast"), r.err());
  }

  @Test
  void helpListsExamples() {
    Result r = run("train", "--help");
    assertEquals(0, r.code());
    assertTrue(r.out().contains("Examples:") && r.out().contains("--max-minutes"), r.out());
  }

  @Test
  void trainThenEvalAnMlp() throws IOException {
    Path dir = tmp.resolve("run-mlp");
    Result t = run("train", "--model", "mlp:784-32-10", "--data-dir", idx.toString(), "--epochs", "1", "--batch", "32",
        "--out", dir.toString(), "--threads", "2");
    assertEquals(0, t.code(), t.err());
    assertTrue(t.out().contains("test accuracy"), t.out());
    for (String f : List.of("steps.csv", "eval.csv", "metrics.json", "loss.png", "accuracy.png", "checkpoint.safetensors")) {
      assertTrue(Files.size(dir.resolve(f)) > 0, f);
    }
    assertNoTempFiles(dir);
    Result e = run("eval", dir.resolve("checkpoint.safetensors").toString());
    assertEquals(0, e.code(), e.err());
    assertTrue(e.out().contains("accuracy") && e.out().contains("/64)"), e.out());
    // the accuracy eval prints is the one train printed
    String acc = t.out().replaceAll("(?s).*test accuracy (\\S+).*", "$1");
    assertTrue(e.out().contains("accuracy " + acc), t.out() + " vs " + e.out());
  }

  /** The README's first command: demo runs train with train's own defaults for every flag it does not set, and writes a run folder. */
  @Test
  void demoTrainsAndWritesARunFolder() throws IOException {
    Path dir = tmp.resolve("demo");
    Result d = run("demo", "--epochs", "1", "--data-dir", idx.toString(), "--out", dir.toString(), "--threads", "1");
    assertEquals(0, d.code(), d.err());
    assertTrue(d.out().contains("test accuracy") && d.out().contains("next:") && !d.out().contains("TTA"), d.out());
    assertTrue(Files.size(dir.resolve("checkpoint.safetensors")) > 0);
    assertTrue(Files.readString(dir.resolve("metrics.json")).contains("\"optimizer\": \"adam\""), Files.readString(dir.resolve("metrics.json")));
  }

  @Test
  void trainGptThenSample() throws IOException {
    Path text = tmp.resolve("tiny.txt");
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 300; i++) sb.append("In the beginning God created the heaven and the earth. ");
    Files.writeString(text, sb);
    Path dir = tmp.resolve("run-gpt");
    Result t = run("train", "--model", "gpt", "--data", text.toString(), "--layers", "1", "--heads", "2", "--width", "16",
        "--context", "16", "--batch", "4", "--max-steps", "5", "--out", dir.toString(), "--eval-tokens", "256");
    assertEquals(0, t.code(), t.err());
    assertTrue(t.out().contains("held-out bpc"), t.out());
    assertTrue(Files.exists(dir.resolve("bpc.png")) && Files.exists(dir.resolve("loss.png")));
    assertNoTempFiles(dir);
    Path ckpt = dir.resolve("checkpoint.safetensors");
    Result s = run("sample", ckpt.toString(), "--prompt", "In the", "--length", "20", "--seed", "3");
    assertEquals(0, s.code(), s.err());
    assertTrue(s.out().startsWith("In the") && s.out().strip().length() >= 20, s.out());
    Result bad = run("sample", ckpt.toString(), "--prompt", "In the Zoo");
    assertEquals(2, bad.code());
    assertEquals(1, bad.errLines().size(), bad.err());
    assertTrue(bad.err().contains("'Z'"), bad.err());
  }

  @Test
  void corruptCheckpointIsOneLineNamingTheFile() throws IOException {
    Path f = tmp.resolve("corrupt.safetensors");
    Files.write(f, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
    for (String cmd : List.of("eval", "sample")) {
      Result r = run(cmd, f.toString());
      assertEquals(2, r.code(), r.err());
      assertEquals(1, r.errLines().size(), r.err());
      assertTrue(r.err().startsWith("fivefold: ") && r.err().contains("corrupt.safetensors"), r.err());
    }
    Result missing = run("eval", tmp.resolve("nope.safetensors").toString());
    assertEquals(2, missing.code());
    assertEquals(1, missing.errLines().size(), missing.err());
    assertTrue(missing.err().contains("nope.safetensors"), missing.err());
  }

  private static void assertNoTempFiles(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      List<String> tmps = s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".") || n.endsWith(".tmp")).toList();
      assertTrue(tmps.isEmpty(), "temporary files left: " + tmps);
    }
  }
}
