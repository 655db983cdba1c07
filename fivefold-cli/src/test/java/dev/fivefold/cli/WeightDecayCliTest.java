package dev.fivefold.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.io.SafeTensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --weight-decay}: the λ reaches the optimizer (a different λ gives different weights), is saved in the
 * checkpoint and reused by {@code --resume} (bit-identical to an uninterrupted run), and bad values are one line, exit 2.
 */
class WeightDecayCliTest {
  @TempDir static Path tmp;
  static Path idx;

  @BeforeAll
  static void tinyIdx() throws IOException {
    idx = TinyFashion.standard(tmp);
  }

  static CliTest.Result train(String out, String... extra) {
    String[] base = {"train", "--model", "mlp:784-16-10:relu", "--data-dir", idx.toString(), "--epochs", "2", "--batch", "32",
        "--optimizer", "adamw", "--lr", "0.01", "--out", tmp.resolve(out).toString(), "--threads", "2"};
    String[] args = Arrays.copyOf(base, base.length + extra.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    return CliTest.run(args);
  }

  @Test
  void weightDecayIsUsedSavedAndResumed() throws IOException {
    CliTest.Result whole = train("whole", "--weight-decay", "0.5");
    assertEquals(0, whole.code(), whole.err());
    CliTest.Result half = train("half", "--weight-decay", "0.5", "--max-steps", "7");
    assertEquals(0, half.code(), half.err());
    assertEquals("0.5", SafeTensors.read(tmp.resolve("half/checkpoint.safetensors")).metadata().get("weight-decay"));
    CliTest.Result rest = train("rest", "--resume", tmp.resolve("half/checkpoint.safetensors").toString());
    assertEquals(0, rest.code(), rest.err());
    var a = SafeTensors.read(tmp.resolve("whole/checkpoint.safetensors"));
    var b = SafeTensors.read(tmp.resolve("rest/checkpoint.safetensors"));
    for (String k : a.tensors().keySet()) assertArrayEquals(a.tensors().get(k).data(), b.tensors().get(k).data(), k);
    assertTrue(Files.readString(tmp.resolve("whole/metrics.json")).contains("\"weight_decay\": 0.5"), "metrics.json names λ");

    CliTest.Result dflt = train("default");
    assertEquals(0, dflt.code(), dflt.err());
    var c = SafeTensors.read(tmp.resolve("default/checkpoint.safetensors"));
    assertEquals("0.01", c.metadata().get("weight-decay"));
    boolean differs = a.tensors().keySet().stream().filter(k -> k.startsWith("model."))
        .anyMatch(k -> !Arrays.equals(a.tensors().get(k).data(), c.tensors().get(k).data()));
    assertTrue(differs, "λ 0.5 and the default 0.01 trained the same weights");
  }

  @Test
  void badWeightDecayIsOneLineExit2() {
    for (String v : new String[] {"-1", "NaN", "1e9"}) {
      CliTest.Result r = train("bad", "--weight-decay", v);
      assertEquals(2, r.code(), r.err());
      assertTrue(r.errLines().getFirst().startsWith("fivefold: --weight-decay (" ), r.err());
      assertFalse(Files.exists(tmp.resolve("bad/checkpoint.safetensors")));
    }
  }
}
