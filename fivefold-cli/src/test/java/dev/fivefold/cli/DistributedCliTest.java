package dev.fivefold.cli;

import static dev.fivefold.cli.CliTest.assertOneLineExit2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.cli.CliTest.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** distributed end to end on tiny generated data: rounds, table, CSV, checkpoint and resume, --compare; bad flags are one line, exit 2. */
class DistributedCliTest {
  @TempDir static Path tmp;
  static Path idx;

  @BeforeAll
  static void tinyIdx() throws IOException {
    idx = TinyFashion.standard(tmp);
  }

  private static Result run(String out, String... args) {
    List<String> a = new ArrayList<>(List.of("distributed", "--model", "mlp:784-16-10", "--workers", "2", "--batch", "16", "--data-dir", idx.toString(),
        "--threads", "1", "--out", tmp.resolve(out).toString()));
    a.addAll(List.of(args));
    return CliTest.run(a.toArray(String[]::new));
  }

  /** The last table row (the result) without its timing columns. */
  private static String result(String out) {
    List<String> lines = out.lines().filter(l -> l.startsWith("dgc(")).toList();
    String[] cells = lines.getLast().trim().split("\\s{2,}");
    return String.join(" ", List.of(cells).subList(0, 6)); // run, accuracy, delta, loss, bytes, ratio: not the times
  }

  @Test
  void runsWritesTheRoundsAndResumesBitIdentically() throws IOException {
    Result r = run("straight", "--compressor", "dgc", "--ratio", "0.1", "--steps", "8", "--print-every", "1", "--warmup", "2");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("step      8  loss "), r.out());
    assertTrue(r.out().contains("/worker  ratio "), r.out());
    List<String> csv = Files.readAllLines(tmp.resolve("straight/rounds.csv"));
    assertEquals("step,loss,bytes_per_worker,ratio,compute_ms,comm_ms", csv.getFirst());
    assertEquals(9, csv.size());
    assertTrue(Files.size(tmp.resolve("straight/checkpoint.safetensors")) > 4 * 784 * 16);

    Result half = run("half", "--compressor", "dgc", "--ratio", "0.1", "--steps", "4", "--warmup", "2");
    assertEquals(0, half.code(), half.err());
    Result resumed = run("resumed", "--compressor", "dgc", "--ratio", "0.1", "--steps", "8", "--warmup", "2", "--resume",
        tmp.resolve("half/checkpoint.safetensors").toString());
    assertEquals(0, resumed.code(), resumed.err());
    assertTrue(resumed.err().contains("resumed"), resumed.err());
    assertEquals(result(r.out()), result(resumed.out()));
    List<String> rest = Files.readAllLines(tmp.resolve("resumed/rounds.csv"));
    for (int i = 1; i <= 4; i++) assertEquals(csv.get(4 + i).split(",", 4)[2], rest.get(i).split(",", 4)[2], "bytes of step " + (4 + i));

    Result other = run("other", "--compressor", "topk", "--ratio", "0.1", "--steps", "8", "--resume", tmp.resolve("half/checkpoint.safetensors").toString());
    assertOneLineExit2(other, "field 'dist.compressor'");
    assertFalse(java.nio.file.Files.exists(tmp.resolve("other")), "a checkpoint of another run is refused before the run folder is made");
  }

  @Test
  void dgcFlagsReachTheSpec() {
    Result r = run("flags", "--compressor", "dgc", "--ratio", "0.1", "--values", "fp16", "--selection", "global", "--masking", "off", "--warmup", "0",
        "--steps", "3");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains("dgc:ratio=0.1,momentum=0.9,correction=on,clip=0.0,masking=off,warmup=0,values=fp16,selection=global"), r.err());
    assertTrue(r.out().contains("dgc(0.1,fp16,global)"), r.out());
    Result step = run("step", "--compressor", "dgc", "--ratio", "0.1", "--masking", "off", "--residual", "step", "--schedule", "cosine", "--steps", "3");
    assertEquals(0, step.code(), step.err());
    assertTrue(step.err().contains("masking=off,warmup=0,residual=step"), step.err());
    assertTrue(step.out().contains("dgc(0.1,step)"), step.out());
    Result nesterov = run("nesterov", "--compressor", "dgc", "--ratio", "0.1", "--masking", "off", "--nesterov", "--steps", "3");
    assertEquals(0, nesterov.code(), nesterov.err());
    assertTrue(nesterov.err().contains("masking=off,warmup=0,nesterov=on"), nesterov.err());
    assertTrue(nesterov.out().contains("dgc(0.1,nesterov)"), nesterov.out());
    Result shared = run("shared", "--compressor", "sharedk", "--ratio", "0.1", "--clip", "2", "--selection", "global", "--steps", "3");
    assertEquals(0, shared.code(), shared.err());
    assertTrue(shared.err().contains("sharedk:ratio=0.1,momentum=0.9,clip=1.414213562373095,values=fp32,selection=global"), shared.err());
  }

  @Test
  void comparesTheTableAndTheAblation() throws IOException {
    Result r = run("compare", "--compare", "--steps", "4", "--ratio", "0.1", "--rank", "1", "--local-steps", "2");
    assertEquals(0, r.code(), r.err());
    for (String row : List.of("dense", "1-bit EF", "top-k", "DGC", "PowerSGD r=1", "local SGD H=2", "DGC ablation", "- momentum correction",
        "- local clipping", "- factor masking", "- warm-up", "top-k (none)", "global, - masking, - warm-up", "global, - masking, - warm-up, step residual")) {
      assertTrue(r.out().contains(row), row + " missing in\n" + r.out());
    }
    assertEquals(1 + 6 + 7, Files.readAllLines(tmp.resolve("compare/compare.csv")).size());
  }

  /** {@code --model gpt --engine spark} on local[2]: the simulator's held-out bits per character, loss and bytes, printed the same. */
  @Test
  void theGptOnSparkPrintsTheSimulatorsResult() throws IOException {
    Path text = tmp.resolve("tiny.txt");
    Files.writeString(text, "In the beginning God created the heaven and the earth. And the earth was without form. ".repeat(12));
    List<String> args = List.of("distributed", "--model", "gpt", "--data", text.toString(), "--layers", "1", "--heads", "2", "--width", "16",
        "--context", "16", "--workers", "2", "--batch", "8", "--steps", "4", "--compressor", "powersgd", "--rank", "2", "--threads", "1");
    String[] rows = new String[2];
    for (String engine : new String[] {"sim", "spark"}) {
      List<String> a = new ArrayList<>(args);
      a.addAll(List.of("--engine", engine, "--out", tmp.resolve("gpt-" + engine).toString()));
      Result r = CliTest.run(a.toArray(String[]::new));
      assertEquals(0, r.code(), r.err());
      String row = r.out().lines().filter(l -> l.startsWith("powersgd")).toList().getLast();
      String[] cells = row.trim().split("\\s{2,}");
      rows[engine.equals("sim") ? 0 : 1] = String.join(" ", List.of(cells).subList(0, 6)); // run, bpc, delta, loss, bytes, ratio
      assertTrue(r.out().contains("bpc"), r.out());
    }
    assertEquals(rows[0], rows[1]);
  }

  @Test
  void badInputIsOneLineExit2() {
    assertOneLineExit2(run("b1", "--ratio", "1.5", "--compressor", "topk"), "--ratio (1.5) must be in (0, 1]");
    assertOneLineExit2(run("b2", "--ratio", "0"), "--ratio (0.0) must be in (0, 1]");
    assertOneLineExit2(CliTest.run("distributed", "--workers", "0", "--data-dir", idx.toString(), "--out", tmp.resolve("b3").toString()),
        "--workers (0) must be >= 1");
    assertOneLineExit2(run("b4", "--engine", "mpi"), "--engine (mpi) must be sim or spark");
    assertOneLineExit2(run("b5", "--compressor", "powersgd", "--rank", "20", "--steps", "1"), "rank (20) is larger than layer fc1.weight (16 × 784): at most 16");
    assertOneLineExit2(CliTest.run("distributed", "--workers", "2", "--batch", "15", "--data-dir", idx.toString(), "--out", tmp.resolve("b6").toString()),
        "--batch (15) must be a multiple of --workers × --accumulation (2)");
    assertOneLineExit2(run("b7", "--compressor", "gzip"), "--compressor (gzip) must be one of");
    assertOneLineExit2(run("b8", "--compressor", "topk:ratio=7"), "compressor (topk:ratio=7): ratio (7.0) must be in (0, 1]");
    assertOneLineExit2(run("b9", "--compressor", "dgc", "--local-steps", "4"), "corrects momentum");
    assertOneLineExit2(CliTest.run("distributed", "--workers", "2,4", "--data-dir", idx.toString(), "--out", tmp.resolve("b10").toString()),
        "--workers ([2, 4]) takes a list only with --compare");
    assertOneLineExit2(run("b11", "--engine", "spark", "--compare"), "--compare runs on the simulator");
    assertOneLineExit2(run("b12", "--master", "local[2]"), "--master and --standalone need --engine spark");
    assertOneLineExit2(run("b13", "--compressor", "dgc", "--values", "int4"), "--values (int4) must be fp32, fp16 or sign");
    assertOneLineExit2(run("b14", "--compressor", "dgc", "--selection", "row"), "--selection (row) must be layer or global");
    assertOneLineExit2(run("b15", "--compressor", "dgc", "--masking", "maybe"), "--masking (maybe) must be on or off");
    assertOneLineExit2(run("b16", "--compressor", "dgc", "--residual", "velocity"), "--residual (velocity) must be grad or step");
    assertOneLineExit2(run("b17", "--nesterov", "--compare"), "--nesterov is for one run; --compare runs its table with heavy-ball momentum");
    assertOneLineExit2(run("b18", "--nesterov", "--momentum", "0"), "--nesterov needs --momentum > 0 (momentum 0.0)");
    assertOneLineExit2(run("b19", "--nesterov", "--compressor", "onebit"), "carries heavy-ball momentum, not the Nesterov momentum of this run");
    assertOneLineExit2(run("b20", "--nesterov", "--compressor", "dgc:ratio=0.1"), "carries heavy-ball momentum, not the Nesterov momentum of this run");
  }

  @Test
  void theSparkEngineRefusesAnUnreachableMasterAndTooFewSlotsBeforeAnythingRuns() throws IOException {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Result r = run("never", "--engine", "spark", "--master", "spark://127.0.0.1:" + port, "--connect-timeout", "2");
    assertOneLineExit2(r, "master (spark://127.0.0.1:" + port + ") is not reachable within 2 s");
    assertTrue(!Files.exists(tmp.resolve("never")), "no run folder");
    Result slots = run("slots", "--engine", "spark", "--master", "local[1]");
    assertOneLineExit2(slots, "workers (2) exceed the task slots of master local[1] (1)");
    assertOneLineExit2(run("rank", "--engine", "spark", "--compressor", "powersgd", "--rank", "20"), "rank (20) is larger than layer fc1.weight");
    assertTrue(!Files.exists(tmp.resolve("rank")), "no run folder");
  }
}
