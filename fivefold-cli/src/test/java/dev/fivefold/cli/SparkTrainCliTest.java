package dev.fivefold.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code spark-train} without starting Spark: the reference engine end to end, and the bad inputs that fail before a context. */
class SparkTrainCliTest {
  @TempDir static Path tmp;
  static Path idx;

  @BeforeAll
  static void tinyIdx() throws IOException {
    idx = TinyFashion.standard(tmp);
  }

  @Test
  void theInProcessEngineTrainsPrintsRoundsAndCheckpoints() {
    Path out = tmp.resolve("run");
    CliTest.Result r = CliTest.run("spark-train", "--engine", "inprocess", "--workers", "2", "--rounds", "3", "--local-steps", "4",
        "--batch", "16", "--model", "mlp:784-32-10", "--data-dir", idx.toString(), "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("bytes/worker"), r.out());
    assertTrue(r.out().contains("101,800"), r.out()); // (784·32 + 32 + 32·10 + 10) · 4 bytes per worker and round
    assertTrue(r.out().contains("test accuracy"), r.out());
    assertTrue(Files.exists(out.resolve("localsgd.safetensors")));
    CliTest.Result t = CliTest.run("spark-train", "--engine", "inprocess", "--workers", "2", "--rounds", "2", "--local-steps", "3",
        "--batch", "16", "--model", "mlp:784-32-10", "--compressor", "topk", "--ratio", "0.01", "--data-dir", idx.toString(), "--out", tmp.resolve("topk").toString());
    assertEquals(0, t.code(), t.err());
    assertTrue(t.err().contains("topk:ratio=0.01"), t.err());
  }

  @Test
  void anUnreachableMasterIsOneLineExit2AndLeavesNoFolder() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path out = tmp.resolve("never");
    CliTest.Result r = CliTest.run("spark-train", "--master", "spark://127.0.0.1:" + port, "--connect-timeout", "2",
        "--data-dir", idx.toString(), "--out", out.toString());
    assertEquals(2, r.code(), r.err());
    assertEquals(1, r.errLines().size(), r.err());
    assertTrue(r.errLines().getFirst().startsWith("fivefold: master (spark://127.0.0.1:" + port + ") is not reachable within 2 s"), r.err());
    assertFalse(Files.exists(out));
  }

  @Test
  void badValuesNameTheFlag() {
    assertEquals("fivefold: --engine (gpu) must be spark or inprocess", CliTest.run("spark-train", "--engine", "gpu").errLines().getFirst());
    assertEquals("fivefold: --local-steps (0) must be >= 1", CliTest.run("spark-train", "--local-steps", "0").errLines().getFirst());
    assertEquals("fivefold: --local-steps (1) must be >= 2: per-step SGD on Spark is ./fivefold distributed --engine spark",
        CliTest.run("spark-train", "--local-steps", "1").errLines().getFirst());
    CliTest.Result p = CliTest.run("spark-train", "--engine", "inprocess", "--compressor", "powersgd", "--data-dir", idx.toString());
    assertEquals(2, p.code(), p.err());
    assertEquals(1, p.errLines().size(), p.err());
    assertEquals("fivefold: --compressor (powersgd) takes 2 exchanges per step, a Spark job each: spark-train does not run it; "
        + "use ./fivefold distributed --engine spark", p.errLines().getFirst());
    assertEquals("fivefold: --compressor (dgc:ratio=0.1,correction=on) corrects momentum, which local SGD does not use: use dgc with correction=off",
        CliTest.run("spark-train", "--compressor", "dgc:ratio=0.1,correction=on").errLines().getFirst());
    assertEquals("fivefold: --conf (x) must be KEY=VALUE", CliTest.run("spark-train", "--conf", "x").errLines().getFirst());
    assertEquals("fivefold: master (yarn!) must be local, local[N], local[*] or local-cluster[N,C,M]".replace("yarn!", "local[x]"),
        CliTest.run("spark-train", "--master", "local[x]").errLines().getFirst());
  }
}
