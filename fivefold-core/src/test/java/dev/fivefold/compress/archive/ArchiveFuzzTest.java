package dev.fivefold.compress.archive;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.fivefold.io.BadInputException;
import dev.fivefold.tensor.Rng;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded fuzzing of {@link FfzArchive#read} from a file, for each ECC: a tiny archive truncated at
 * every length and with 200 random 1–8-bit corruptions. Every case must decode (ECC corrected it)
 * or throw {@link BadInputException} with a one-line message, with no other exception or Error and
 * within 2 s (issue 20's fuzz suite; single-bit flips and section-level faults are in
 * {@link ArchiveFaultTest} and {@link BadArchiveTest}).
 */
class ArchiveFuzzTest {
  @TempDir Path tmp;

  @Test
  void truncatedAndFlippedArchivesEndCleanly() throws IOException {
    Rng rng = new Rng(20);
    FfzModel tiny = new FfzModel("mlp:4-3", java.util.Map.of("k", "v"), List.of(Models.tensor(rng, "w", new int[] {6, 7}, 0.3, 3)),
        List.of(Models.raw(rng, "b", 3)));
    Path f = tmp.resolve("m.ffz");
    Random r = new Random(20);
    for (Ecc ecc : Ecc.values()) {
      byte[] clean = FfzArchive.encode(tiny, FfzArchive.Options.defaults().withEcc(ecc)).bytes();
      for (int len = 0; len < clean.length; len++) check(f, Arrays.copyOf(clean, len), ecc + " truncated to " + len);
      for (int i = 0; i < 200; i++) {
        byte[] b = clean.clone();
        int k = 1 + r.nextInt(8);
        for (int j = 0; j < k; j++) b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
        check(f, b, ecc + " flip " + i);
      }
    }
  }

  static void check(Path f, byte[] bytes, String what) throws IOException {
    Files.write(f, bytes);
    long t0 = System.nanoTime();
    try {
      FfzArchive.read(f);
    } catch (BadInputException e) {
      assertFalse(e.getMessage() == null || e.getMessage().contains("\n"), what + ": " + e.getMessage());
    } catch (Throwable t) {
      fail(what + ": " + t, t);
    }
    assertTrue(System.nanoTime() - t0 < 2_000_000_000L, what + " took too long");
  }
}
