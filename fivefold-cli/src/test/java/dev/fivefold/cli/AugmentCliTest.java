package dev.fivefold.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.io.SafeTensors;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train --augment}: a run, its resume (the checkpoint's augmentation by default, bit-identical), and bad specs (one line, exit 2). */
class AugmentCliTest {
  @TempDir static Path tmp;
  static Path idx;

  @BeforeAll
  static void tinyIdx() throws IOException {
    idx = TinyFashion.standard(tmp);
  }

  static CliTest.Result train(String out, String... extra) {
    String[] base = {"train", "--model", "mlp:784-16-10:relu", "--data-dir", idx.toString(), "--epochs", "2", "--batch", "32",
        "--out", tmp.resolve(out).toString(), "--threads", "2"};
    String[] args = java.util.Arrays.copyOf(base, base.length + extra.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    return CliTest.run(args);
  }

  @Test
  void augmentedRunResumesBitIdentically() throws IOException {
    CliTest.Result whole = train("whole", "--augment", "crop:2,flip,erase:0.5,mixup:0.4");
    assertEquals(0, whole.code(), whole.err());
    assertTrue(whole.err().contains("augmented crop:2,flip,erase:0.5,mixup:0.4"), whole.err());
    CliTest.Result half = train("half", "--augment", "crop:2,flip,erase:0.5,mixup:0.4", "--max-steps", "11");
    assertEquals(0, half.code(), half.err());
    CliTest.Result rest = train("rest", "--resume", tmp.resolve("half/checkpoint.safetensors").toString());
    assertEquals(0, rest.code(), rest.err());
    var a = SafeTensors.read(tmp.resolve("whole/checkpoint.safetensors"));
    var b = SafeTensors.read(tmp.resolve("rest/checkpoint.safetensors"));
    assertEquals("crop:2,flip,erase:0.5,mixup:0.4", b.metadata().get("task.augment"));
    assertEquals(a.metadata().get("task.augment.batches"), b.metadata().get("task.augment.batches"));
    for (String k : a.tensors().keySet()) assertArrayEquals(a.tensors().get(k).data(), b.tensors().get(k).data(), k);
    String acc = whole.out().replaceAll("(?s).*test accuracy (\\S+).*", "$1");
    assertTrue(rest.out().contains("test accuracy " + acc), whole.out() + " vs " + rest.out());

    CliTest.Result other = train("other", "--resume", tmp.resolve("half/checkpoint.safetensors").toString(), "--augment", "flip");
    assertEquals(2, other.code());
    assertTrue(other.errLines().getFirst().endsWith("the checkpoint was trained with augmentation 'crop:2,flip,erase:0.5,mixup:0.4', this run has 'flip'"), other.err());
  }

  @Test
  void badSpecsAreOneLineExit2() {
    String[][] cases = {
        {"blur", "fivefold: --augment (blur): unknown augmentation 'blur' (known: " + dev.fivefold.data.augment.Augmentation.NAMES + ")"},
        {"erase:1.5", "fivefold: --augment (erase:1.5): erase probability (1.5) must be in [0, 1]"},
        {"flip:2", "fivefold: --augment (flip:2): flip probability (2.0) must be in [0, 1]"},
        {"crop:28", "fivefold: --augment (crop:28): crop padding (28) must be < the image side (28)"},
    };
    for (String[] c : cases) {
      CliTest.Result r = train("bad", "--augment", c[0]);
      assertEquals(2, r.code(), r.err());
      assertEquals(c[1], r.errLines().getFirst());
    }
    CliTest.Result gpt = CliTest.run("train", "--model", "gpt", "--augment", "flip");
    assertEquals(2, gpt.code());
    assertEquals("fivefold: --augment (flip) applies to image models, not gpt", gpt.errLines().getFirst());
  }
}
