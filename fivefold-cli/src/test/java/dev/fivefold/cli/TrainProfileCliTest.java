package dev.fivefold.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.cli.CliTest.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --profile}: the per-op table (the convolution's row among them) on stderr and in
 * profile.txt, and the same final numbers as the run without it.
 */
class TrainProfileCliTest {
  @TempDir static Path tmp;
  static Path idx;

  @BeforeAll
  static void data() throws Exception {
    idx = TinyFashion.standard(tmp);
  }

  @Test
  void printsAndWritesTheOpTableWithoutChangingTheRun() throws Exception {
    String[] base = {"train", "--model", "lenet5", "--data-dir", idx.toString(), "--max-steps", "3", "--threads", "1"};
    Result plain = CliTest.run(concat(base, "--out", tmp.resolve("plain").toString()));
    Result prof = CliTest.run(concat(base, "--profile", "--out", tmp.resolve("prof").toString()));
    assertEquals(0, prof.code(), prof.err());
    String table = Files.readString(tmp.resolve("prof/profile.txt"));
    assertTrue(table.startsWith("op") && table.contains("CONV2D") && table.contains("%"), table);
    assertTrue(prof.err().contains("time per op") && prof.err().contains("CONV2D"), prof.err());
    assertFalse(Files.exists(tmp.resolve("plain/profile.txt")));
    assertEquals(CliTest.group(plain.out(), "test accuracy (\\S+ \\(loss \\S+\\))"), CliTest.group(prof.out(), "test accuracy (\\S+ \\(loss \\S+\\))"));
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
