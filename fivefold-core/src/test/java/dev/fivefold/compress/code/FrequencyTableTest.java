package dev.fivefold.compress.code;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.io.BadInputException;
import dev.fivefold.tensor.Rng;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The version-2 model table: exact round trips, the rounding bound, corrupt tables, and its size. */
class FrequencyTableTest {
  static long[] roundTrip(long[] counts, int precision) {
    BitWriter w = new BitWriter();
    FrequencyTable.write(w, counts, precision);
    w.writeBits(0x5A, 8); // a sentinel: the reader must stop exactly at the table's end
    BitReader r = new BitReader(w.toByteArray());
    long[] back = FrequencyTable.read(r, counts.length, "t");
    assertEquals(0x5A, r.readBits(8), "reader position after the table");
    assertEquals(FrequencyTable.bits(counts, precision) + 8, r.position());
    return back;
  }

  static List<long[]> cases() {
    Rng rng = new Rng(4);
    List<long[]> c = new ArrayList<>();
    c.add(new long[] {7}); // one symbol, alphabet 1
    long[] last = new long[1 << 16];
    last[65535] = 1; // one symbol at the end of the largest alphabet
    c.add(last);
    long[] all = new long[1 << 16]; // every symbol present
    for (int s = 0; s < all.length; s++) all[s] = 1 + rng.nextInt(1000);
    c.add(all);
    long[] skewed = new long[256];
    skewed[3] = 1L << 27;
    for (int s = 0; s < 256; s += 5) skewed[s] += 1 + rng.nextInt(3);
    c.add(skewed);
    for (int k = 0; k < 50; k++) {
      long[] r = new long[1 + rng.nextInt(300)];
      for (int s = 0; s < r.length; s++) r[s] = rng.nextInt(3) == 0 ? 0 : (long) Math.exp(rng.nextDouble() * 20);
      r[rng.nextInt(r.length)] = 1 + rng.nextInt(5);
      c.add(r);
    }
    return c;
  }

  @Test
  void roundTripsExactlyAtEveryPrecision() {
    for (long[] counts : cases()) {
      for (int p = 0; p <= FrequencyTable.MAX_PRECISION; p += counts.length > 1000 ? 8 : 1) {
        long[] rounded = FrequencyTable.round(counts, p);
        assertArrayEquals(rounded, roundTrip(counts, p), "precision " + p);
        assertArrayEquals(rounded, roundTrip(rounded, p), "rounding is idempotent, precision " + p);
        for (int s = 0; s < counts.length; s++) {
          assertEquals(counts[s] == 0, rounded[s] == 0);
          if (counts[s] < 1L << (p + 1)) assertEquals(counts[s], rounded[s], "small counts are exact");
          assertTrue(Math.abs(rounded[s] - counts[s]) <= counts[s] * Math.pow(2, -p - 1), counts[s] + " -> " + rounded[s] + " at precision " + p);
        }
      }
    }
  }

  @Test
  void emptyTableAndBadPrecisionAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> FrequencyTable.write(new BitWriter(), new long[4], 3));
    assertThrows(IllegalArgumentException.class, () -> FrequencyTable.write(new BitWriter(), new long[] {1}, 25));
  }

  static String corrupt(int alphabet, Consumer<BitWriter> table) {
    BitWriter w = new BitWriter();
    table.accept(w);
    w.writeBits(0, 32);
    return assertThrows(BadInputException.class, () -> FrequencyTable.read(new BitReader(w.toByteArray()), alphabet, "rans")).getMessage();
  }

  @Test
  void corruptTablesGiveClearErrors() {
    assertEquals("rans: table used symbols (9) exceed the alphabet (8)", corrupt(8, w -> w.writeGamma(9)));
    assertEquals("rans: table symbol (8) outside the alphabet (8)", corrupt(8, w -> {
      w.writeGamma(2);
      w.writeGamma(5);
      w.writeGamma(4);
    }));
    assertEquals("rans: table precision (30) exceeds 24", corrupt(8, w -> {
      w.writeGamma(8);
      w.writeGamma(31);
    }));
    assertEquals("rans: table count bit length (0) at symbol 0 outside 1..40", corrupt(8, w -> {
      w.writeGamma(8);
      w.writeGamma(1);
      w.writeGamma(2); // zigzag 1 = -1: from 1 to 0
    }));
    // inside a coder: the used symbols must fit in the model's slots
    BitWriter w = new BitWriter();
    new StreamHeader('A', 300, 10).write(w);
    w.writeBits(1, 5); // scaleBits 1: 2 slots
    long[] three = new long[300];
    three[0] = three[7] = three[299] = 1;
    FrequencyTable.write(w, three, 0);
    w.writeBits(0, 32);
    w.writeBits(0, 32);
    String m = assertThrows(BadInputException.class, () -> EntropyCoder.staticArithmetic().decode(w.toByteArray())).getMessage();
    assertEquals("arith-static: table has 3 used symbols, more than 2^1 slots", m);
  }

  /**
   * On 10^5 i.i.d. symbols the static coders stay within 0.5% of n·H plus their table, and the
   * version-2 table is a fraction of version 1's (Elias gamma of every normalised frequency).
   */
  @Test
  void tableIsSmallAndCodersReachTheBound() {
    int n = 100_000;
    Rng rng = new Rng(2027);
    List<int[]> sources = List.of(Distributions.laplaceQuantized(rng, n, 8, 0.05, 0.5), Distributions.geometric(rng, n, 64, 0.7),
        Distributions.uniform(rng, n, 256), Distributions.skewed(rng, n, 16, 0.95));
    int[] alphabets = {256, 64, 256, 16};
    for (int i = 0; i < sources.size(); i++) {
      int[] s = sources.get(i);
      double h = Entropy.bits(s, alphabets[i]);
      for (EntropyCoder c : List.of(EntropyCoder.rans(), EntropyCoder.staticArithmetic())) {
        byte[] enc = c.encode(s, alphabets[i]);
        StreamLayout l = c.layout(enc);
        long coded = 8L * enc.length;
        assertTrue(coded <= 1.005 * (h + l.headerBits() + l.modelBits()), c.name() + " source " + i + ": " + coded + " bits vs n·H " + h + " + table "
            + l.modelBits());
        int scale = c instanceof RansCoder r ? r.scaleBits() : 16;
        BitWriter v1 = new BitWriter();
        v1.writeBits(scale, 5);
        CountTable.write(v1, Frequencies.normalize(Frequencies.count(s, alphabets[i]), scale));
        int used = Frequencies.used(Frequencies.count(s, alphabets[i]));
        assertTrue(l.modelBits() <= 0.6 * v1.bitLength(), c.name() + " source " + i + ": table " + l.modelBits() + " bits vs version 1 " + v1.bitLength());
        assertTrue(l.modelBits() <= 12L * used + 64, c.name() + " source " + i + ": table " + l.modelBits() + " bits for " + used + " symbols");
      }
    }
  }
}
