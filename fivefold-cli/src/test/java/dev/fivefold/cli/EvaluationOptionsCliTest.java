package dev.fivefold.cli;

import static dev.fivefold.cli.CliTest.concat;
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
 * What {@code train} and {@code eval} report besides the run: {@code --tta flip,shift:1} prints the
 * ten-view test-time augmentation accuracy beside the plain one (the same figure from both commands for the
 * same checkpoint; eval.csv gains its columns; a bad mode, or flip on a language model, is a
 * one-line error with exit code 2), and {@code train --profile} prints and writes the per-op table
 * without changing the run.
 */
class EvaluationOptionsCliTest {
  @TempDir static Path tmp;
  static Path idx;

  @BeforeAll
  static void data() throws Exception {
    idx = TinyFashion.standard(tmp);
  }

  @Test
  void trainAndEvalPrintTheSameTtaAccuracy() throws Exception {
    Path run = tmp.resolve("run");
    Result t = CliTest.run("train", "--data-dir", idx.toString(), "--max-steps", "3", "--threads", "1", "--tta", "flip,shift:1", "--out", run.toString());
    assertEquals(0, t.code(), t.err());
    String trained = CliTest.group(t.out(), "with TTA \\(flip,shift:1\\) (\\d\\.\\d{4})");
    String header = Files.readAllLines(run.resolve("eval.csv")).get(0);
    assertTrue(header.contains("tta_accuracy") && header.contains("tta_loss"), header);
    Result e = CliTest.run("eval", run.resolve("checkpoint.safetensors").toString(), "--data-dir", idx.toString(), "--tta", "flip,shift:1", "--threads", "1");
    assertEquals(0, e.code(), e.err());
    assertEquals(trained, CliTest.group(e.out(), "with TTA \\(flip,shift:1\\): accuracy (\\d\\.\\d{4})"), e.out());
    Result plain = CliTest.run("eval", run.resolve("checkpoint.safetensors").toString(), "--data-dir", idx.toString(), "--threads", "1");
    assertTrue(!plain.out().contains("TTA"), plain.out());
  }

  @Test
  void badModesAreOneLineErrors() {
    CliTest.assertOneLineExit2(CliTest.run("train", "--data-dir", idx.toString(), "--max-steps", "1", "--tta", "rotate"), "--tta (rotate)");
    CliTest.assertOneLineExit2(CliTest.run("train", "--data-dir", idx.toString(), "--max-steps", "1", "--tta", "flip,shift:0"), "--tta (flip,shift:0)");
    CliTest.assertOneLineExit2(CliTest.run("train", "--model", "gpt", "--max-steps", "1", "--tta", "flip"), "--tta (flip)");
    CliTest.assertOneLineExit2(CliTest.run("eval", tmp.resolve("missing.safetensors").toString(), "--tta", "sideways"), "--tta (sideways)");
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
}
