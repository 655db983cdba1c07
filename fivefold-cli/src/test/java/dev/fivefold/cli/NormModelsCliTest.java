package dev.fivefold.cli;

import static dev.fivefold.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.cli.CliTest.Result;
import java.io.IOException;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train → eval → resume for the batch-norm models (the running statistics travel in the checkpoint), and bad specs exit 2 naming the key and value. */
class NormModelsCliTest {
  @TempDir static Path tmp;
  static Path idx;

  @BeforeAll
  static void tinyIdx() throws IOException {
    idx = TinyFashion.standard(tmp);
  }

  static String accuracy(String s) {
    Matcher m = Pattern.compile("accuracy (0\\.\\d+)").matcher(s);
    assertTrue(m.find(), s);
    return m.group(1);
  }

  @Test
  void trainEvalAndResumeAResNetAndLeNet5WithBatchNorm() {
    for (String spec : new String[] {"resnet:width=4,blocks=1,stages=2", "lenet5:3-4-8,norm=bn", "lenet5:3-4-8,norm=lrn"}) {
      Path dir = tmp.resolve(spec.replaceAll("[:,=]", "_"));
      Result t = run("train", "--model", spec, "--data-dir", idx.toString(), "--epochs", "1", "--batch", "32", "--out", dir.toString(), "--threads", "2");
      assertEquals(0, t.code(), t.err());
      String trained = accuracy(t.out());
      Path ckpt = dir.resolve("checkpoint.safetensors");
      Result e = run("eval", ckpt.toString(), "--data-dir", idx.toString());
      assertEquals(0, e.code(), e.err());
      assertEquals(trained, accuracy(e.out()), spec + ": eval of the checkpoint gives the training run's accuracy (running statistics saved)");
      assertTrue(e.out().contains(spec), e.out());
      Result r = run("train", "--resume", ckpt.toString(), "--data-dir", idx.toString(), "--epochs", "2", "--out", tmp.resolve("resumed-" + dir.getFileName()).toString());
      assertEquals(0, r.code(), r.err());
    }
  }

  @Test
  void badSpecsExit2NamingKeyAndValue() {
    for (String[] c : new String[][] {
        {"lenet5:norm=foo", "fivefold: model spec (lenet5:norm=foo): norm (foo) must be one of none, lrn, bn"},
        {"resnet:width=0", "fivefold: model spec (resnet:width=0): width (0) must be >= 1"},
        {"resnet:blocks=-1", "fivefold: model spec (resnet:blocks=-1): blocks (-1) must be >= 1"},
        {"resnet:stages=9", "fivefold: model spec (resnet:stages=9): stages (9) must be in [1, 4]"}}) {
      Result r = run("train", "--model", c[0], "--data-dir", idx.toString(), "--max-steps", "1");
      assertEquals(2, r.code(), c[0] + ": " + r.err());
      assertEquals(c[1], r.errLines().getFirst());
      assertEquals(1, r.errLines().size(), r.err());
    }
  }
}
