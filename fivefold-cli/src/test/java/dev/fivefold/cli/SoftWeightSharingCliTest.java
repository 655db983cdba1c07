package dev.fivefold.cli;

import static dev.fivefold.cli.CliTest.assertOneLineExit2;
import static dev.fivefold.cli.CliTest.group;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.cli.CliTest.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** compress --method sws end to end on tiny generated data: archive, eval reproduces it, pictures; bad flags one line, exit 2, no archive. */
class SoftWeightSharingCliTest {
  @TempDir static Path tmp;
  static Path idx, ckpt;

  @BeforeAll
  static void tinyIdxAndModel() throws IOException {
    TinyCheckpoint t = TinyCheckpoint.mlp(tmp);
    idx = t.idx();
    ckpt = t.ckpt();
  }

  private static Result sws(Path out, String... extra) {
    String[] base = {"compress", ckpt.toString(), "--method", "sws", "--data-dir", idx.toString(), "--batch", "32",
        "--threads", "1", "--out", out.toString()};
    String[] all = java.util.Arrays.copyOf(base, base.length + extra.length);
    System.arraycopy(extra, 0, all, base.length, extra.length);
    return CliTest.run(all);
  }

  @Test
  void archiveEvaluatesExactlyAsTheQuantisedModelAndThePicturesAreWritten() throws IOException {
    Path ffz = tmp.resolve("sws.ffz");
    Result r = sws(ffz, "--epochs", "10", "--zero-mix", "0.5", "--prior-lr", "0.1");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains("sws epoch 10.00") && r.err().contains("sws quantised"), r.err());
    assertTrue(r.err().contains("recovery: retrained with the masks held") && r.out().contains("| recovery: retrained "), r.out()); // on by default
    assertTrue(r.out().contains("fc1.weight") && r.out().contains("bits per kept weight") && r.out().contains("two-part code length: model "), r.out());
    String after = group(r.out(), "decoded archive (\\d\\.\\d{4})");
    assertEquals(after, group(r.out(), "quantised (\\d\\.\\d{4})"));
    long bytes = Long.parseLong(group(r.out(), "sws.ffz: ([\\d,]+) B").replace(",", ""));
    assertEquals(Files.size(ffz), bytes);
    assertEquals(8 * bytes, Long.parseLong(group(r.out(), "model ([\\d,]+) bits").replace(",", "")));
    Result e = CliTest.run("eval", ffz.toString(), "--threads", "1");
    assertEquals(0, e.code(), e.err());
    assertEquals(after, group(e.out(), "accuracy (\\d\\.\\d{4})"), e.out());
    for (String png : new String[] {"sws-prior.png", "sws-movement.png"}) {
      Path p = tmp.resolve(png);
      assertTrue(Files.size(p) > 1000 && r.out().contains("chart: " + p), r.out());
    }
  }

  @Test
  void badInputIsOneLineAndLeavesNoArchive() {
    Path out = tmp.resolve("bad.ffz");
    assertOneLineExit2(sws(out, "--components", "1"), "--components (1) must be in 2..256");
    assertOneLineExit2(sws(out, "--components", "257"), "--components (257) must be in 2..256");
    assertOneLineExit2(sws(out, "--tau", "0"), "--tau (0.0) must be > 0");
    assertOneLineExit2(sws(out, "--tau", "-1"), "--tau (-1.0) must be > 0");
    assertOneLineExit2(sws(out, "--epochs", "-1"), "--epochs (-1.0) must be >= 0");
    assertOneLineExit2(sws(out, "--zero-mix", "1"), "--zero-mix (1.0) must be in (0, 1)");
    assertOneLineExit2(sws(out, "--prior-lr", "0"), "--prior-lr (0.0) must be > 0");
    assertOneLineExit2(sws(out, "--merge", "-0.1"), "--merge (-0.1) must be >= 0");
    assertOneLineExit2(CliTest.run("compress", ckpt.toString(), "--method", "bogus", "--data-dir", idx.toString(), "--out", out.toString()),
        "--method (bogus) must be");
    // the prior untrained (0 epochs) and the dominant zero component (0.999): every weight of fc1 goes to zero
    Result pruned = sws(out, "--epochs", "0");
    assertEquals(2, pruned.code(), pruned.err());
    assertTrue(pruned.errLines().getLast().startsWith("fivefold: fc1.weight: soft weight-sharing pruned every weight"), pruned.err());
    assertFalse(Files.exists(out));
  }
}
