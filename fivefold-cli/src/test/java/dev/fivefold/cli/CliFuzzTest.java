package dev.fivefold.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.cli.CliTest.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Every flag of every command, fuzzed in-process through {@link Main#run}: values of the wrong
 * type, hostile thread counts, out-of-range sizes, and files that are not regular files (FIFO,
 * directory, device). Each case must end with exit code 2, a one-line message naming the flag or
 * file (plus picocli's "Try ... --help" line), no stack trace, no file left in the output folder,
 * and within {@link #CASE_MS}. The cases are generated from the commands' picocli model, so a new
 * flag is fuzzed without editing this test.
 */
class CliFuzzTest {
  static final long CASE_MS = 20_000;
  @TempDir static Path tmp;
  static Path idx, fifo;
  static int cases;

  @BeforeAll
  static void setUp() throws Exception {
    idx = TinyFashion.standard(tmp);
    fifo = tmp.resolve("fifo");
    assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
  }

  @AfterAll
  static void count() {
    System.out.println("CliFuzzTest: " + cases + " cases");
  }

  static CommandLine commands() {
    return new CommandLine(new Main());
  }

  /** Runs one case and checks it as the class comment says; {@code names} must appear in the message. */
  static void refused(String names, String... args) throws IOException {
    cases++;
    Path out = Files.createTempDirectory(tmp, "out");
    List<String> a = new ArrayList<>(List.of(args));
    long t0 = System.nanoTime();
    Result r = CliTest.run(a.toArray(String[]::new));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    String what = String.join(" ", args);
    assertEquals(2, r.code(), what + ": " + r.err());
    List<String> lines = r.errLines();
    assertTrue(lines.getFirst().startsWith("fivefold: ") && lines.getFirst().contains(names), what + ": " + r.err());
    assertTrue(lines.size() == 1 || lines.size() == 2 && lines.get(1).startsWith("Try '"), what + ": " + r.err());
    assertFalse(r.err().contains("\tat ") || r.err().contains("Exception:"), what + ": " + r.err());
    assertTrue(ms <= CASE_MS, what + ": took " + ms + " ms");
    try (Stream<Path> s = Files.list(out)) {
      assertEquals(List.of(), s.toList(), what + ": files left");
    }
    Files.delete(out);
  }

  static final Set<Class<?>> INTEGRAL = Set.of(int.class, Integer.class, long.class, Long.class);
  static final Set<Class<?>> REAL = Set.of(double.class, Double.class, float.class, Float.class, double[].class);

  /** Wrong types: every numeric flag of every command. */
  @Test
  void wrongTypesForEveryNumericFlag() throws IOException {
    for (var e : commands().getSubcommands().entrySet()) {
      for (OptionSpec o : e.getValue().getCommandSpec().options()) {
        if (o.arity().max() == 0) continue;
        List<String> bad = INTEGRAL.contains(o.type()) ? List.of("1.5x", "99999999999999999999999")
            : REAL.contains(o.type()) ? List.of("abc", "1e") : List.of();
        for (String v : bad) refused(o.longestName(), e.getKey(), o.longestName(), v);
      }
    }
  }

  /** --threads out of range for every command: it used to start 100,000 threads. */
  @Test
  void hostileThreadCountsForEveryCommand() throws IOException {
    for (var e : commands().getSubcommands().entrySet()) {
      String c = e.getKey();
      if (c.equals("help")) continue;
      boolean positional = !e.getValue().getCommandSpec().positionalParameters().isEmpty();
      for (String v : List.of("0", "-1", "100000", "2147483647")) {
        if (positional) refused("--threads", c, "--threads", v, tmp.resolve("none.safetensors").toString());
        else refused("--threads", c, "--threads", v);
      }
    }
  }

  /** A FIFO, a directory or a device as an input file or directory: refused before it is opened. */
  @Test
  void nonRegularInputFiles() throws IOException {
    String d = idx.toString();
    for (String f : List.of(fifo.toString(), "/dev/zero", tmp.toString())) {
      refused(f, "eval", f, "--data-dir", d);
      refused(f, "sample", f);
      refused(f, "train", "--resume", f, "--data-dir", d);
      refused(f, "compress", "--from", f, "--data-dir", d);
      refused(f, "fault", f, "--data-dir", d);
      refused(f, "train", "--model", "gpt", "--data", f, "--max-steps", "1");
    }
    for (String dir : List.of(fifo.toString(), "/dev/zero")) {
      refused("--data-dir", "train", "--data-dir", dir, "--max-steps", "1");
      refused(dir, "train", "--data-dir", d, "--max-steps", "1", "--out", dir);
    }
  }

  /** Sizes that do not fit an int or the heap. */
  @Test
  void hostileSizes() throws IOException {
    String d = idx.toString();
    Path text = tmp.resolve("t.txt");
    Files.writeString(text, "abc def ghi ".repeat(100));
    String t = text.toString();
    refused("--batch", "train", "--data-dir", d, "--batch", "2147483647", "--max-steps", "1");
    refused("Java heap", "train", "--model", "gpt", "--data", t, "--layers", "100000", "--max-steps", "1");
    refused("Java heap", "train", "--model", "gpt", "--data", t, "--context", "100000000", "--max-steps", "1");
    refused("Java heap", "train", "--model", "gpt", "--data", t, "--width", "2147483647", "--heads", "1", "--max-steps", "1");
    refused("Java heap", "train", "--model", "gpt:vocab=2147483647,layers=1,heads=1,width=8,context=8", "--data", t, "--max-steps", "1");
    refused("Java heap", "train", "--model", "mlp:784-2147483647-10", "--data-dir", d, "--max-steps", "1");
    refused("Java heap", "train", "--model", "lenet5:100000-100000-100000", "--data-dir", d, "--max-steps", "1");
  }

  /**
   * Checkpoint metadata with each key set to hostile values: eval and train --resume end with exit
   * code 0 or a one-line exit 2, never an Error or a stack trace.
   */
  @Test
  void hostileCheckpointMetadata() throws IOException {
    String d = idx.toString();
    Path run = tmp.resolve("meta-run");
    assertEquals(0, CliTest.run("train", "--data-dir", d, "--batch", "64", "--max-steps", "2", "--threads", "1", "--out", run.toString()).code());
    var c = dev.fivefold.io.SafeTensors.read(run.resolve("checkpoint.safetensors"));
    List<String> values = List.of("abc", "-1", "gpt:vocab=10,layers=100000", "/dev/zero");
    for (String key : c.metadata().keySet()) {
      for (String v : values) {
        var meta = new java.util.LinkedHashMap<>(c.metadata());
        meta.put(key, v);
        Path f = tmp.resolve("meta.safetensors");
        dev.fivefold.io.SafeTensors.write(f, c.tensors(), meta);
        endsCleanly(key + "=" + v, "eval", f.toString(), "--data-dir", d, "--threads", "1");
        if (v.equals("-1")) {
          Path out = Files.createTempDirectory(tmp, "resume");
          endsCleanly(key + "=" + v, "train", "--resume", f.toString(), "--data-dir", d, "--max-steps", "3", "--threads", "1", "--out", out.toString());
        }
      }
    }
  }

  static void endsCleanly(String what, String... args) {
    cases++;
    long t0 = System.nanoTime();
    Result r = CliTest.run(args);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    what += ": " + String.join(" ", args) + ": " + r.err();
    assertTrue(r.code() == 0 || r.code() == 2, what);
    if (r.code() == 2) {
      assertTrue(r.errLines().getFirst().startsWith("fivefold: "), what);
      assertTrue(r.errLines().size() <= 2, what);
    }
    assertFalse(r.err().contains("\tat ") || r.err().contains("internal error"), what);
    assertTrue(ms <= CASE_MS, what + ": took " + ms + " ms");
  }

  /** Out-of-range values of the flags of commands that take a checkpoint (a valid one is given). */
  @Test
  void outOfRangeValuesWithACheckpoint() throws IOException {
    String d = idx.toString();
    Path run = tmp.resolve("range-run");
    assertEquals(0, CliTest.run("train", "--data-dir", d, "--batch", "64", "--max-steps", "1", "--threads", "1", "--out", run.toString()).code());
    String ck = run.resolve("checkpoint.safetensors").toString();
    Path text = tmp.resolve("range.txt");
    Files.writeString(text, "and it came to pass ".repeat(200));
    Path gptRun = tmp.resolve("range-gpt");
    assertEquals(0, CliTest.run("train", "--model", "gpt", "--data", text.toString(), "--layers", "1", "--width", "8", "--heads", "1",
        "--context", "8", "--batch", "2", "--max-steps", "1", "--threads", "1", "--out", gptRun.toString()).code());
    String gck = gptRun.resolve("checkpoint.safetensors").toString();
    for (String v : List.of("-2147483648", "-1")) {
      refused("--length", "sample", gck, "--length", v);
      refused("--top-k", "sample", gck, "--top-k", v);
      refused("--samples", "landscape", ck, "--samples", v, "--data-dir", d);
      refused("--grid", "landscape", ck, "--grid", v, "--data-dir", d);
      refused("--eval-tokens", "eval", ck, "--eval-tokens", v, "--data-dir", d);
      refused("--prune-steps", "compress", ck, "--prune-steps", v, "--data-dir", d);
      refused("--bits", "compress", ck, "--bits", v, "--data-dir", d);
      refused("--flip", "fault", ck, "--flip", v);
    }
    for (String v : List.of("NaN", "-1e308", "Infinity")) {
      refused("--temperature", "sample", gck, "--temperature", v);
      refused("--span", "landscape", ck, "--span", v, "--data-dir", d);
      refused("--quality", "compress", ck, "--quality", v, "--data-dir", d);
      refused("--retrain", "compress", ck, "--retrain", v, "--data-dir", d);
      refused("--finetune", "compress", ck, "--finetune", v, "--data-dir", d);
      refused("--lr", "compress", ck, "--lr", v, "--data-dir", d);
    }
  }

  /** Model specs that do not parse. */
  @Test
  void badModelSpecs() throws IOException {
    String d = idx.toString();
    for (String spec : List.of("", "mlp:", "mlp:784--10", "mlp:784-x-10", "mlp:784-10:nope", "mlp:-5", "lenet5:1-2", "lenet5:a-b-c",
        "gpt:layers=x", "gpt:layers", "resnet:width=0", "resnet:stages=9", "lenet5:norm=foo", "densenet", "vit:patch=5", "vit:width=30,heads=4", "vit:pool=max", ":", "mlp:784-0-10")) {
      refused("", "train", "--model", spec, "--data-dir", d, "--max-steps", "1");
    }
  }
}
