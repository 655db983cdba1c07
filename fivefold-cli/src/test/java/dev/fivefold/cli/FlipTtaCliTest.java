package dev.fivefold.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.cli.CliTest.Result;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --tta flip} on {@code train} and {@code eval}: both print the flip test-time augmentation
 * accuracy beside the plain one, the same figure for the same checkpoint, and the run's eval.csv
 * gains its columns; a bad mode, or flip on a language model, is a one-line error with exit code 2.
 */
class FlipTtaCliTest {
  @TempDir static Path tmp;
  static Path idx;

  @BeforeAll
  static void data() throws Exception {
    idx = TinyFashion.standard(tmp);
  }

  @Test
  void trainAndEvalPrintTheSameFlipAccuracy() throws Exception {
    Path run = tmp.resolve("run");
    Result t = CliTest.run("train", "--data-dir", idx.toString(), "--max-steps", "3", "--threads", "1", "--tta", "flip", "--out", run.toString());
    assertEquals(0, t.code(), t.err());
    String trained = CliTest.group(t.out(), "with flip TTA (\\d\\.\\d{4})");
    String header = java.nio.file.Files.readAllLines(run.resolve("eval.csv")).get(0);
    assertTrue(header.contains("tta_accuracy") && header.contains("tta_loss"), header);
    Result e = CliTest.run("eval", run.resolve("checkpoint.safetensors").toString(), "--data-dir", idx.toString(), "--tta", "flip", "--threads", "1");
    assertEquals(0, e.code(), e.err());
    assertEquals(trained, CliTest.group(e.out(), "with flip TTA: accuracy (\\d\\.\\d{4})"), e.out());
    Result plain = CliTest.run("eval", run.resolve("checkpoint.safetensors").toString(), "--data-dir", idx.toString(), "--threads", "1");
    assertTrue(!plain.out().contains("TTA"), plain.out());
  }

  @Test
  void badModesAreOneLineErrors() {
    CliTest.assertOneLineExit2(CliTest.run("train", "--data-dir", idx.toString(), "--max-steps", "1", "--tta", "rotate"), "--tta (rotate)");
    CliTest.assertOneLineExit2(CliTest.run("train", "--model", "gpt", "--max-steps", "1", "--tta", "flip"), "--tta (flip)");
    CliTest.assertOneLineExit2(CliTest.run("eval", tmp.resolve("missing.safetensors").toString(), "--tta", "sideways"), "--tta (sideways)");
  }
}
