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
    assertEquals("fivefold: --conf (x) must be KEY=VALUE", CliTest.run("spark-train", "--conf", "x").errLines().getFirst());
    assertEquals("fivefold: master (yarn!) must be local, local[N], local[*] or local-cluster[N,C,M]".replace("yarn!", "local[x]"),
        CliTest.run("spark-train", "--master", "local[x]").errLines().getFirst());
  }
}
