package dev.fivefold.cli;

import static dev.fivefold.cli.CliTest.concat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.cli.CliTest.Result;
import dev.fivefold.io.RunLock;
import dev.fivefold.io.SafeTensors;
import dev.fivefold.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 20 end to end: resources checked before they are taken, and no data lost. */
class ReliabilityCliTest {
  @TempDir static Path tmp;
  static Path idx, text;

  @BeforeAll
  static void data() throws IOException {
    idx = TinyFashion.standard(tmp);
    text = tmp.resolve("tiny.txt");
    Files.writeString(text, "In the beginning God created the heaven and the earth. ".repeat(40));
  }

  static void oneLine(Result r, String contains) {
    assertEquals(2, r.code(), r.err());
    assertTrue(r.errLines().getFirst().startsWith("fivefold: ") && r.errLines().getFirst().contains(contains), r.err());
    assertFalse(r.err().contains("\tat "), r.err());
  }

  @Test
  void threadsAreBounded() {
    oneLine(CliTest.run("bench", "--threads", "100000"), "--threads (100000) must be <= ");
    oneLine(CliTest.run("train", "--threads", "2147483647"), "must be <= ");
  }

  @Test
  void errorsAreOneLineExit2() {
    for (Throwable t : List.of(new OutOfMemoryError("Java heap space"), new StackOverflowError(), new NegativeArraySizeException("-2147483648"))) {
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int rc = Main.handle(t, false, new PrintStream(err, true, StandardCharsets.UTF_8));
      String e = err.toString(StandardCharsets.UTF_8);
      assertEquals(2, rc, e);
      assertEquals(1, e.lines().count(), e);
      assertTrue(e.startsWith("fivefold: "), e);
    }
  }

  @Test
  void modelsTooLargeForTheHeapAreRefusedBeforeBuilding() {
    String d = text.toString();
    oneLine(CliTest.run("train", "--model", "gpt", "--data", d, "--layers", "100000", "--max-steps", "1"), "Java heap");
    oneLine(CliTest.run("train", "--model", "gpt", "--data", d, "--context", "100000000", "--max-steps", "1"), "Java heap");
    oneLine(CliTest.run("train", "--model", "gpt", "--data", d, "--width", "1000000", "--heads", "1", "--max-steps", "1"), "Java heap");
    oneLine(CliTest.run("train", "--model", "mlp:784-100000-100000-10", "--data-dir", idx.toString(), "--max-steps", "1"), "Java heap");
    oneLine(CliTest.run("train", "--data-dir", idx.toString(), "--batch", "2147483647", "--max-steps", "1"), "--batch (2147483647)");
    oneLine(CliTest.run("train", "--model", "gpt", "--data", d, "--batch", "2147483647", "--max-steps", "1"), "--batch (2147483647)");
  }

  @Test
  void aRunFolderInUseIsRefusedAndAStaleLockTakenOver() throws IOException {
    Path dir = tmp.resolve("locked");
    try (RunLock held = RunLock.acquire(dir)) {
      Result r = CliTest.run("train", "--data-dir", idx.toString(), "--max-steps", "1", "--out", dir.toString(), "--threads", "1");
      oneLine(r, "run folder " + dir + " is in use by process " + ProcessHandle.current().pid());
    }
    Path stale = tmp.resolve("stale");
    Files.createDirectories(stale);
    Files.writeString(stale.resolve(RunLock.FILE), "999999999\n"); // a killed run's lock
    try (RunLock l = RunLock.acquire(stale)) {
      assertEquals(999999999L, l.previousOwner());
    }
    Result ok = CliTest.run("train", "--data-dir", idx.toString(), "--max-steps", "1", "--out", stale.toString(), "--threads", "1");
    assertEquals(0, ok.code(), ok.err());
    assertFalse(Files.exists(stale.resolve(RunLock.FILE)), "the lock is released at the end");
    Path file = tmp.resolve("afile");
    Files.writeString(file, "x");
    oneLine(CliTest.run("train", "--data-dir", idx.toString(), "--max-steps", "1", "--out", file.toString()), "is not a directory");
  }

  static List<String> rows(Path csv) throws IOException {
    return Files.readAllLines(csv).stream().skip(1).toList();
  }

  @Test
  void aResumedRunContinuesItsLogs() throws IOException {
    Path r = tmp.resolve("resumed");
    String[] base = {"train", "--data-dir", idx.toString(), "--batch", "16", "--epochs", "1", "--threads", "1", "--out", r.toString()};
    Result first = CliTest.run(concat(base, "--max-steps", "6", "--eval-every", "3"));
    assertEquals(0, first.code(), first.err());
    List<String> steps6 = rows(r.resolve("steps.csv")), evals6 = rows(r.resolve("eval.csv"));
    assertEquals(6, steps6.size());
    // a killed run may have logged steps after its last checkpoint: they are dropped on resume
    Files.writeString(r.resolve("steps.csv"), "7,0,9.9,0.001,1.000\n8,0,9.9,0.001,1.000\n", java.nio.file.StandardOpenOption.APPEND);
    String ckpt = r.resolve("checkpoint.safetensors").toString();
    Result second = CliTest.run(concat(base, "--max-steps", "10", "--eval-every", "3", "--resume", ckpt));
    assertEquals(0, second.code(), second.err());
    List<String> steps10 = rows(r.resolve("steps.csv"));
    assertEquals(10, steps10.size(), steps10.toString());
    assertEquals(steps6, steps10.subList(0, 6), "steps 1-6 of the first run are kept");
    for (int k = 0; k < 10; k++) assertTrue(steps10.get(k).startsWith((k + 1) + ","), steps10.toString());
    assertFalse(String.join("\n", steps10).contains("9.9,"), "rows after the checkpoint are dropped");
    List<String> evals10 = rows(r.resolve("eval.csv"));
    assertEquals(evals6, evals10.subList(0, evals6.size()));
    // resuming a finished run leaves its logs as they were
    Result third = CliTest.run(concat(base, "--max-steps", "10", "--eval-every", "3", "--resume", ckpt));
    assertEquals(0, third.code(), third.err());
    assertEquals(steps10, rows(r.resolve("steps.csv")));
    assertEquals(evals10.size(), rows(r.resolve("eval.csv")).size());
  }

  @Test
  void nonFiniteWeightsAreRefusedUnlessAllowed() throws IOException {
    Path r = tmp.resolve("finite");
    assertEquals(0, CliTest.run("train", "--data-dir", idx.toString(), "--max-steps", "1", "--threads", "1", "--out", r.toString()).code());
    SafeTensors.Contents c = SafeTensors.read(r.resolve("checkpoint.safetensors"));
    Map<String, Tensor> t = new LinkedHashMap<>(c.tensors());
    String name = t.keySet().stream().filter(k -> k.startsWith("model.") || !k.contains("opt")).findFirst().orElseThrow();
    Tensor bad = t.get(name).copy();
    bad.data()[3] = Float.NaN;
    t.put(name, bad);
    Path nan = tmp.resolve("nan.safetensors");
    SafeTensors.write(nan, t, c.metadata());
    Result refused = CliTest.run("eval", nan.toString(), "--data-dir", idx.toString());
    oneLine(refused, "has NaN at index 3");
    assertTrue(refused.err().contains("--allow-nonfinite"), refused.err());
    Result allowed = CliTest.run("eval", nan.toString(), "--data-dir", idx.toString(), "--allow-nonfinite");
    assertEquals(0, allowed.code(), allowed.err());
    assertTrue(allowed.err().contains("WARNING") && allowed.err().contains("NaN"), allowed.err());
  }

  @Test
  void theWatchdogSeesTheLauncher() throws Exception {
    long parent = ProcessHandle.current().parent().orElseThrow().pid();
    assertTrue(Lifecycle.launcherAlive(parent));
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    assertFalse(Lifecycle.launcherAlive(p.pid()), "a dead launcher");
    assertFalse(Lifecycle.launcherAlive(ProcessHandle.current().pid()), "alive but not our parent");
  }
}
