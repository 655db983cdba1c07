package dev.fivefold.compress.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.compress.code.ChannelCode;
import dev.fivefold.compress.code.EntropyCoder;
import dev.fivefold.io.BadInputException;
import dev.fivefold.tensor.Rng;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Flipped bits: refused without ECC, repaired with it (within capacity), never silently wrong. */
class ArchiveFaultTest {
  private static final int P = FfzArchive.PREAMBLE_BYTES;
  private static final FfzModel MODEL = Models.small(11, 0.2, 5);

  private static byte[] archive(Ecc ecc) {
    return FfzArchive.encode(MODEL, FfzArchive.Options.defaults().withCoder(EntropyCoder.rans()).withEcc(ecc)).bytes();
  }

  @Test
  void withoutEccAnyFlippedBitIsRefused() {
    byte[] clean = archive(Ecc.NONE);
    for (int n : new int[] {1, 8, 64}) {
      for (long seed = 0; seed < 40; seed++) {
        byte[] b = clean.clone();
        Fault.flipBits(b, 4, b.length, n, seed); // past the magic: that is a foreign file, not a corrupt one
        BadInputException e = assertThrows(BadInputException.class, () -> FfzArchive.decode(b, "m.ffz"), n + " bits, seed " + seed);
        assertTrue(e.getMessage().startsWith("corrupt archive: m.ffz: section "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
      }
    }
    // every single bit past the magic, one at a time, of a tiny archive
    Rng rng = new Rng(12);
    FfzModel tiny = new FfzModel("s", java.util.Map.of("k", "v"), java.util.List.of(Models.tensor(rng, "w", new int[] {6, 7}, 0.3, 3)),
        java.util.List.of(Models.raw(rng, "b", 3)));
    byte[] small = FfzArchive.encode(tiny, FfzArchive.Options.defaults()).bytes();
    for (int bit = 32; bit < 8 * small.length; bit++) {
      byte[] b = small.clone();
      b[bit >>> 3] ^= (byte) (1 << (bit & 7));
      assertTrue(assertThrows(BadInputException.class, () -> FfzArchive.decode(b, "m.ffz")).getMessage().startsWith("corrupt archive: "));
    }
  }

  @Test
  void aFlipInADataSectionNamesTheSection() {
    byte[] b = archive(Ecc.NONE);
    b[b.length - 10] ^= 1; // inside the last raw tensor
    assertEquals("corrupt archive: m.ffz: section fc2.bias/data CRC32C mismatch",
        assertThrows(BadInputException.class, () -> FfzArchive.decode(b, "m.ffz")).getMessage());
  }

  @Test
  void hammingCorrectsOneBitPerWord() {
    byte[] clean = archive(Ecc.HAMMING);
    int body = (int) bodyLength(clean);
    int words = (body + 7) / 8;
    for (int n : new int[] {1, 8, 64}) {
      for (long seed = 0; seed < 10; seed++) {
        byte[] b = clean.clone();
        Rng rng = new Rng(seed);
        int[] w = new int[words];
        for (int i = 0; i < words; i++) w[i] = i;
        rng.shuffle(w);
        for (int i = 0; i < n; i++) { // one of the word's 72 bits: 64 data bits (if present) or 8 check bits
          int bit = rng.nextInt(72);
          int at = bit < 64 ? P + 8 * w[i] + bit / 8 : P + body + w[i];
          if (bit < 64 && 8 * w[i] + bit / 8 >= body) at = P + body + w[i]; // padding of the last word
          b[at] ^= (byte) (1 << (bit % 8));
        }
        FfzArchive.Decoded d = FfzArchive.decode(b, "m.ffz");
        FfzArchiveTest.assertSameModel(MODEL, d.model());
        assertEquals(new ChannelCode.Correction(n, 0), d.correction(), n + " bits, seed " + seed);
      }
    }
  }

  @Test
  void thePreambleIsNotCoveredByTheChannelCodeButByItsCrc() {
    for (Ecc ecc : Ecc.values()) {
      byte[] b = archive(ecc);
      b[9] ^= 2; // body length
      assertEquals("corrupt archive: m.ffz: section preamble CRC32C mismatch", assertThrows(BadInputException.class, () -> FfzArchive.decode(b, "m.ffz")).getMessage());
    }
  }

  @Test
  void hammingRefusesTwoBitsInOneWord() {
    byte[] b = archive(Ecc.HAMMING);
    b[P + 40] ^= 0x11;
    BadInputException e = assertThrows(BadInputException.class, () -> FfzArchive.decode(b, "m.ffz"));
    assertTrue(e.getMessage().startsWith("corrupt archive: m.ffz: section ") && e.getMessage().endsWith("(ecc hamming: 1 uncorrectable code words)"), e.getMessage());
  }

  @Test
  void reedSolomonCorrectsRandomBitsAndBursts() {
    byte[] clean = archive(Ecc.RS);
    int body = (int) bodyLength(clean);
    for (int n : new int[] {1, 8, 64}) {
      for (long seed = 0; seed < 10; seed++) {
        byte[] b = clean.clone();
        long[] bits = Fault.flipBits(b, P, b.length, n, seed);
        FfzArchive.Decoded d = FfzArchive.decode(b, "m.ffz");
        FfzArchiveTest.assertSameModel(MODEL, d.model());
        assertEquals(new ChannelCode.Correction(Fault.bytesTouched(bits), 0), d.correction(), n + " bits, seed " + seed);
      }
    }
    int words = (body + 222) / 223;
    byte[] b = clean.clone();
    for (int i = 0; i < 16 * words; i++) b[P + 100 + i] = (byte) ~b[P + 100 + i]; // a burst of 16 N bytes
    FfzArchive.Decoded d = FfzArchive.decode(b, "m.ffz");
    FfzArchiveTest.assertSameModel(MODEL, d.model());
    assertEquals(16L * words, d.correction().corrected());
    byte[] c = clean.clone(); // decode corrected b in place
    for (int i = 0; i <= 16 * words; i++) c[P + 100 + i] = (byte) ~c[P + 100 + i]; // one byte past capacity
    assertTrue(assertThrows(BadInputException.class, () -> FfzArchive.decode(c, "m.ffz")).getMessage().startsWith("corrupt archive: "));
  }

  @Test
  void faultFlipsDistinctBitsOfAFileReproducibly(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("m.ffz");
    FfzArchive.write(f, MODEL, FfzArchive.Options.defaults().withEcc(Ecc.RS));
    long[] a = Fault.flipBits(f, P, 64, 42);
    assertEquals(64, a.length);
    for (int i = 1; i < a.length; i++) assertTrue(a[i] > a[i - 1] && a[i] >= 8 * P);
    FfzArchive.Decoded d = FfzArchive.read(f);
    FfzArchiveTest.assertSameModel(MODEL, d.model());
    assertEquals(Fault.bytesTouched(a), d.correction().corrected());
    byte[] x = new byte[100];
    assertEquals(java.util.Arrays.toString(Fault.flipBits(x.clone(), 0, 100, 9, 3)), java.util.Arrays.toString(Fault.flipBits(x.clone(), 0, 100, 9, 3)));
    assertThrows(IllegalArgumentException.class, () -> Fault.flipBits(new byte[1], 0, 1, 9, 0));
  }

  private static long bodyLength(byte[] archive) {
    return java.nio.ByteBuffer.wrap(archive, 8, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt();
  }
}
