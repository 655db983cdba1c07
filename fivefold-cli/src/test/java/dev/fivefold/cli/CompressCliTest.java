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
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** compress, eval of the archive and fault end to end on tiny generated data; bad flags are one line, exit 2. */
class CompressCliTest {
  @TempDir static Path tmp;
  static Path idx, ckpt;

  @BeforeAll
  static void tinyIdxAndModel() throws IOException {
    TinyCheckpoint t = TinyCheckpoint.mlp(tmp);
    idx = t.idx();
    ckpt = t.ckpt();
  }


  private static Result compress(Path out, String... extra) {
    String[] base = {"compress", ckpt.toString(), "--data-dir", idx.toString(), "--retrain", "0.5", "--finetune", "0.5", "--batch", "32",
        "--threads", "1", "--sparsity", "0.8,0.7,0.5", "--out", out.toString()};
    String[] all = java.util.Arrays.copyOf(base, base.length + extra.length);
    System.arraycopy(extra, 0, all, base.length, extra.length);
    return CliTest.run(all);
  }

  @Test
  void archiveEvaluatesExactlyAsTheCompressedModel() throws IOException {
    for (String codec : new String[] {"huffman", "rans"}) {
      Path ffz = tmp.resolve("m-" + codec + ".ffz");
      Result r = compress(ffz, "--codec", codec, "--bits", "4");
      assertEquals(0, r.code(), r.err());
      assertTrue(r.out().contains("fc1.weight") && r.out().contains("codec " + codec) && r.out().contains("x; weights kept"), r.out());
      String after = group(r.out(), "decoded archive (\\d\\.\\d{4})");
      assertEquals(after, group(r.out(), "fine-tuned (\\d\\.\\d{4})"));
      Result e = CliTest.run("eval", ffz.toString(), "--threads", "1");
      assertEquals(0, e.code(), e.err());
      assertEquals(after, group(e.out(), "accuracy (\\d\\.\\d{4})"), e.out());
      // re-encoding with another codec keeps the weights: same accuracy, no data needed
      Path again = tmp.resolve("again-" + codec + ".ffz");
      Result re = CliTest.run("compress", "--from", ffz.toString(), "--codec", "smallest", "--out", again.toString(), "--threads", "1");
      assertEquals(0, re.code(), re.err());
      assertTrue(re.out().contains("weights bit-identical (checked)") && re.out().contains("total (6)") && re.out().contains("codec smallest"), re.out());
      Result e2 = CliTest.run("eval", again.toString(), "--threads", "1");
      assertEquals(after, group(e2.out(), "accuracy (\\d\\.\\d{4})"), e2.out());
      // --order0: relative indices and codes by the codec only, no context models
      Path plain = tmp.resolve("plain-" + codec + ".ffz");
      Result o0 = CliTest.run("compress", "--from", again.toString(), "--codec", codec, "--order0", "--out", plain.toString(), "--threads", "1");
      assertEquals(0, o0.code(), o0.err());
      assertTrue(o0.out().contains("weights bit-identical (checked)") && !o0.out().contains("ctx-"), o0.out());
      assertEquals(after, group(CliTest.run("eval", plain.toString(), "--threads", "1").out(), "accuracy (\\d\\.\\d{4})"));
    }
    assertOneLineExit2(CliTest.run("compress", "--from", tmp.resolve("m-rans.ffz").toString(), ckpt.toString()), "exclude each other");
    assertOneLineExit2(CliTest.run("compress"), "MODEL (a checkpoint) or --from (an archive) is required");
    assertOneLineExit2(CliTest.run("compress", "--from", tmp.resolve("nothing.ffz").toString()), "nothing.ffz");
  }

  @Test
  void flippedBitsAreRefusedWithoutEccAndCorrectedWithIt() throws IOException {
    Path plain = tmp.resolve("plain.ffz"), rs = tmp.resolve("rs.ffz"), ham = tmp.resolve("ham.ffz");
    assertEquals(0, compress(plain).code());
    Result refused = CliTest.run("fault", plain.toString(), "--flip", "3", "--seed", "5", "--data-dir", idx.toString(), "--out", tmp.resolve("f1").toString());
    assertOneLineExit2(refused, "corrupt archive");
    assertTrue(Files.readString(tmp.resolve("f1/metrics.json")).contains("\"outcome\": \"refused\""), "the refusal is recorded");
    Result reenc = CliTest.run("fault", plain.toString(), "--ecc", "hamming", "--flip", "2", "--seed", "5", "--data-dir", idx.toString(), "--out",
        tmp.resolve("f2").toString());
    assertEquals(0, reenc.code(), reenc.err());
    assertTrue(reenc.out().contains("ecc hamming") && reenc.out().contains("2 bits corrected"), reenc.out());
    Result hr = compress(ham, "--ecc", "hamming");
    assertEquals(0, hr.code(), hr.err());
    Result fixed = CliTest.run("fault", ham.toString(), "--flip", "1", "--seed", "5", "--data-dir", idx.toString(), "--out", tmp.resolve("f3").toString());
    assertEquals(0, fixed.code(), fixed.err());
    assertTrue(fixed.out().contains("1 bits corrected") && fixed.out().contains("bit-identical"), fixed.out());
    Result rr = compress(rs, "--ecc", "rs");
    assertEquals(0, rr.code(), rr.err());
    Result rfixed = CliTest.run("fault", rs.toString(), "--flip", "8", "--seed", "2", "--data-dir", idx.toString(), "--out", tmp.resolve("f4").toString());
    assertEquals(0, rfixed.code(), rfixed.err());
    assertTrue(rfixed.out().contains("bit-identical"), rfixed.out());
    assertEquals(group(rfixed.out(), "intact (\\d\\.\\d{4})"), group(rfixed.out(), "flips (\\d\\.\\d{4})"));
    assertTrue(Files.size(rs) > Files.size(plain));
    // the run folder: the trial as CSV and its outcome as JSON, as serve reads them
    String csv = Files.readString(tmp.resolve("f4/fault.csv"));
    assertTrue(csv.startsWith("archive,spec,file_bytes,ecc,") && csv.contains(",rs,") && csv.contains(",corrected,"), csv);
    Object meta = dev.fivefold.io.Json.parse(Files.readString(tmp.resolve("f4/metrics.json")));
    Map<?, ?> m = (Map<?, ?>) meta;
    assertEquals("fault", m.get("command"));
    assertEquals("corrected", m.get("outcome"));
    assertEquals(8.0, ((Number) ((Map<?, ?>) m.get("final")).get("flipped_bits")).doubleValue());
    Map<String, Object> summary = new dev.fivefold.cli.serve.RunFolders(tmp).summary("f4", tmp.resolve("f4"));
    assertEquals("fault", summary.get("command"));
    assertEquals("finished", summary.get("status"));
  }

  @Test
  void badInputIsOneLineAndLeavesNoArchive() throws IOException {
    Path out = tmp.resolve("bad.ffz");
    assertOneLineExit2(compress(out, "--bits", "17"), "--bits (17) must be in 1..16");
    assertOneLineExit2(compress(out, "--bits", "0"), "--bits (0) must be in 1..16");
    assertOneLineExit2(compress(out, "--sparsity", "1.0"), "--sparsity (1.0) must be in [0, 1)");
    assertOneLineExit2(compress(out, "--sparsity", "-0.1"), "--sparsity (-0.1) must be in [0, 1)");
    assertOneLineExit2(compress(out, "--prune", "random"), "--prune (random) must be q or sparsity");
    assertOneLineExit2(compress(out, "--codec", "lz4"), "--codec (lz4)");
    assertOneLineExit2(compress(out, "--ecc", "crc"), "--ecc (crc)");
    assertOneLineExit2(CliTest.run("compress", tmp.resolve("missing.safetensors").toString()), "missing.safetensors");
    Path untrained = tmp.resolve("untrained.safetensors");
    dev.fivefold.train.Checkpoint.saveWeights(untrained, dev.fivefold.perception.Models.create("mlp:784-8-10", 0),
        java.util.Map.of("model", "mlp:784-8-10"));
    assertOneLineExit2(CliTest.run("compress", untrained.toString(), "--data-dir", idx.toString()), "not a trained checkpoint");
    assertFalse(Files.exists(out));
    assertOneLineExit2(CliTest.run("eval", tmp.resolve("none.ffz").toString()), "none.ffz");
  }
}
