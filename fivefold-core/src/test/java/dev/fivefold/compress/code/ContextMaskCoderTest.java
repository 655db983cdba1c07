package dev.fivefold.compress.code;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.fivefold.io.BadInputException;
import dev.fivefold.tensor.Rng;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Exact round trips of the context-coded mask, its bound on generated data, and its bad input. */
class ContextMaskCoderTest {
  /** Every template, a few bucket counts, widths 1, 3 and cols. */
  static List<MaskContext> contexts(int cols) {
    List<MaskContext> l = new ArrayList<>();
    for (int cb : new int[] {1, 3, 64}) {
      for (int rb : new int[] {1, 5}) {
        for (int n = 0; n <= 3; n++) {
          for (int w : new int[] {1, 3, Math.max(1, cols)}) if (w <= Math.max(1, cols)) l.add(new MaskContext(cb, rb, n, w));
        }
      }
    }
    return l;
  }

  /** Each cell kept with probability {@code density}. */
  static int[] random(Rng rng, int rows, int cols, double density) {
    int[] p = new int[rows * cols];
    int n = 0;
    for (int i = 0; i < rows * cols; i++) if (rng.nextDouble() < density) p[n++] = i;
    return Arrays.copyOf(p, n);
  }

  /**
   * A pruned-layer-like mask: rows are units, columns the pixels of a {@code side x side} image;
   * each pixel has its own keep rate (zero on a border of dead pixels), and each unit keeps
   * compact blobs, so column, row and neighbours all carry information.
   */
  static int[] structured(Rng rng, int rows, int side) {
    int cols = side * side;
    double[] rate = new double[cols];
    for (int y = 0; y < side; y++) {
      for (int x = 0; x < side; x++) {
        double dx = (x - side / 2.0) / side, dy = (y - side / 2.0) / side;
        rate[y * side + x] = x < 2 || y < 2 || x >= side - 2 ? 0 : Math.max(0, 0.25 - dx * dx - dy * dy);
      }
    }
    List<Integer> kept = new ArrayList<>();
    for (int r = 0; r < rows; r++) {
      boolean[] row = new boolean[cols];
      for (int j = 0; j < cols; j++) {
        boolean left = j % side > 0 && row[j - 1], up = j >= side && row[j - side];
        double p = rate[j] * (left || up ? 3 : 0.4);
        row[j] = rng.nextDouble() < Math.min(0.95, p);
        if (row[j]) kept.add(r * cols + j);
      }
    }
    return kept.stream().mapToInt(Integer::intValue).toArray();
  }

  private static void assertRoundTrip(int[] pos, int rows, int cols, byte[] stream, String what) {
    assertArrayEquals(pos, ContextMaskCoder.decode(stream, rows, cols, pos.length), what);
    assertArrayEquals(pos, ContextMaskCoder.decode(stream, rows, cols, Integer.MAX_VALUE), what);
    StreamLayout l = ContextMaskCoder.layout(stream);
    assertEquals(8L * stream.length, l.totalBits(), what);
  }

  @Test
  void roundTripsEdgeCases() {
    int[][] dims = {{0, 0}, {0, 5}, {5, 0}, {1, 1}, {1, 7}, {7, 1}, {3, 4}};
    for (int[] d : dims) {
      int rows = d[0], cols = d[1];
      int[] all = new int[rows * cols];
      for (int i = 0; i < all.length; i++) all[i] = i;
      for (int[] pos : List.of(new int[0], all, rows * cols > 0 ? new int[] {rows * cols - 1} : new int[0])) {
        for (MaskContext m : contexts(cols)) {
          if (m.width() > Math.max(1, cols)) continue;
          assertRoundTrip(pos, rows, cols, ContextMaskCoder.encode(pos, rows, cols, m), rows + "x" + cols + " " + m);
        }
        assertRoundTrip(pos, rows, cols, ContextMaskCoder.encode(pos, rows, cols, List.of(2)), rows + "x" + cols + " shortest");
      }
    }
    assertEquals(2, ContextMaskCoder.encode(new int[0], 0, 5, List.of()).length, "magic and two gammas");
    assertEquals(null, ContextMaskCoder.context(ContextMaskCoder.encode(new int[0], 5, 0, List.of())));
  }

  @Test
  void roundTripsRandomSkewedUniformAndStructuredMasks() {
    Rng rng = new Rng(41);
    for (int k = 0; k < 150; k++) {
      int rows = 1 + rng.nextInt(40), cols = 1 + rng.nextInt(60);
      double density = switch (k % 5) {
        case 0 -> 0.5; // uniform
        case 1 -> 0.01; // skewed to pruned
        case 2 -> 0.99; // skewed to kept
        default -> rng.nextDouble();
      };
      int[] pos = random(rng, rows, cols, density);
      MaskContext m = new MaskContext(1 + rng.nextInt(64), 1 + rng.nextInt(64), rng.nextInt(4), 1 + rng.nextInt(cols));
      String what = "seed loop " + k + ": " + rows + "x" + cols + " density " + density + " " + m;
      assertRoundTrip(pos, rows, cols, ContextMaskCoder.encode(pos, rows, cols, m), what);
      assertRoundTrip(pos, rows, cols, ContextMaskCoder.encode(pos, rows, cols, List.of(1 + rng.nextInt(cols))), what + " shortest");
    }
    for (int k = 0; k < 5; k++) {
      int[] pos = structured(new Rng(100 + k), 50, 12);
      assertRoundTrip(pos, 50, 144, ContextMaskCoder.encode(pos, 50, 144, List.of(12)), "structured " + k);
    }
  }

  @Test
  void shortestIsNoLongerThanAnyGridContextAndPicksTheImageWidth() {
    int[] pos = structured(new Rng(7), 120, 16);
    byte[] best = ContextMaskCoder.encode(pos, 120, 256, ContextMaskCoder.widths(new int[] {120, 256}));
    for (MaskContext m : List.of(new MaskContext(1, 1, 0, 256), new MaskContext(8, 4, 1, 256), new MaskContext(8, 1, 3, 16))) {
      assertTrue(best.length <= ContextMaskCoder.encode(pos, 120, 256, m).length, m.toString());
    }
    MaskContext chosen = ContextMaskCoder.context(best);
    assertTrue(chosen.neighbours() >= 2 && chosen.width() == 16, chosen.toString());
    assertEquals(List.of(16, 2, 4, 8, 32, 64), ContextMaskCoder.widths(new int[] {120, 256}));
    assertEquals(List.of(5, 3, 15, 25), ContextMaskCoder.widths(new int[] {6, 3, 5, 5}));
    assertEquals(List.of(5, 20, 2, 4, 8, 10, 16, 25, 40, 50), ContextMaskCoder.widths(new int[] {120, 16, 5, 5}));
    assertEquals(List.of(), ContextMaskCoder.widths(new int[] {100, 1}));
    assertEquals(List.of(), ContextMaskCoder.widths(new int[] {7}));
  }

  /**
   * The shortest stream never beats the conditional empirical entropy of its own contexts, and it
   * stays within 1% of it plus the contexts' NML learning price on generated data (and within 1%
   * of the NML code length itself once there is enough data per context).
   */
  @Test
  void codedSizeSitsJustAboveTheConditionalEntropyBound() {
    for (int seed = 0; seed < 4; seed++) {
      int rows = 300, side = 28, cols = side * side;
      int[] pos = structured(new Rng(500 + seed), rows, side);
      byte[] s = ContextMaskCoder.encode(pos, rows, cols, List.of(side));
      long[] counts = ContextMaskCoder.contextCounts(pos, rows, cols, ContextMaskCoder.context(s));
      long cells = 0;
      for (long c : counts) cells += c;
      assertEquals((long) rows * cols, cells);
      double h = ContextMaskCoder.conditionalEntropyBits(counts), nml = ContextMaskCoder.nmlBits(counts);
      double order0 = Entropy.bits(new long[] {cells - pos.length, pos.length});
      double coded = 8.0 * s.length;
      String what = "seed " + seed + ": coded " + coded + " bits, H(X|C) " + h + ", NML " + nml + ", order-0 mask " + order0;
      assertTrue(coded >= h, what);
      assertTrue(nml >= h, what);
      assertTrue(coded <= 1.01 * nml, what);
      assertTrue(coded < 0.8 * order0, what); // the contexts carry real information here
    }
  }

  @Test
  void bucketIsTheExactIntegerSquareRootRule() {
    Rng rng = new Rng(3);
    for (int k = 0; k < 20000; k++) {
      int buckets = 1 + rng.nextInt(64);
      long seen = rng.nextInt(k % 2 == 0 ? 50 : 1 << 30), kept = seen == 0 ? 0 : rng.nextInt((int) Math.min(Integer.MAX_VALUE, seen + 1));
      int expected = 0;
      for (int b = 0; b < buckets; b++) if ((long) b * b * (2 * seen + 2) <= (long) buckets * buckets * (2 * kept + 1)) expected = b;
      assertEquals(expected, MaskContext.bucket(buckets, kept, seen), buckets + " buckets, " + kept + " of " + seen);
    }
  }

  @Test
  void invalidArgumentsNameTheField() {
    assertEquals("columnBuckets (0) must be in 1..64", assertThrows(IllegalArgumentException.class, () -> new MaskContext(0, 1, 0, 1)).getMessage());
    assertEquals("rowBuckets (65) must be in 1..64", assertThrows(IllegalArgumentException.class, () -> new MaskContext(1, 65, 0, 1)).getMessage());
    assertEquals("neighbours (4) must be in 0..3", assertThrows(IllegalArgumentException.class, () -> new MaskContext(1, 1, 4, 1)).getMessage());
    assertEquals("width (0) must be >= 1", assertThrows(IllegalArgumentException.class, () -> new MaskContext(1, 1, 0, 0)).getMessage());
    assertEquals("positions[1] (3) not ascending within [0, 6)",
        assertThrows(IllegalArgumentException.class, () -> ContextMaskCoder.encode(new int[] {3, 3}, 2, 3, List.of())).getMessage());
    assertEquals("width (4) exceeds cols (3)",
        assertThrows(IllegalArgumentException.class, () -> ContextMaskCoder.encode(new int[] {1}, 2, 3, new MaskContext(1, 1, 2, 4))).getMessage());
  }

  @Test
  void badStreamsAreRejectedWithTheField() {
    int[] pos = random(new Rng(9), 20, 30, 0.2);
    byte[] s = ContextMaskCoder.encode(pos, 20, 30, new MaskContext(4, 2, 1, 30));
    assertEquals("ctx-mask: stream is 20 x 30, the tensor 30 x 20", assertThrows(BadInputException.class, () -> ContextMaskCoder.decode(s, 30, 20, 600)).getMessage());
    assertTrue(assertThrows(BadInputException.class, () -> ContextMaskCoder.decode(s, 20, 30, pos.length - 1)).getMessage()
        .startsWith("ctx-mask: more than " + (pos.length - 1) + " kept cells at cell "));
    byte[] foreign = s.clone();
    foreign[0] = 'R' | (byte) 0x80;
    assertEquals("ctx-mask: magic (0xd2) is not 0xcd", assertThrows(BadInputException.class, () -> ContextMaskCoder.decode(foreign, 20, 30, 600)).getMessage());
    BitWriter w = new BitWriter();
    w.writeBits(ContextMaskCoder.MAGIC, 8);
    w.writeGamma(21);
    w.writeGamma(31);
    w.writeGamma(65);
    w.writeGamma(1);
    w.writeGamma(1);
    w.writeGamma(1);
    byte[] buckets = w.toByteArray();
    assertEquals("ctx-mask: columnBuckets (65) exceeds 64", assertThrows(BadInputException.class, () -> ContextMaskCoder.decode(buckets, 20, 30, 600)).getMessage());
    BitWriter big = new BitWriter();
    big.writeBits(ContextMaskCoder.MAGIC, 8);
    big.writeGamma(1L << 20);
    big.writeGamma(1L << 20);
    assertTrue(assertThrows(BadInputException.class, () -> ContextMaskCoder.context(big.toByteArray())).getMessage().contains("hold 2^31 or more cells"));
    BitWriter tiny = new BitWriter(); // 2^30 cells claimed, 8 payload bytes: refused before any cell is decoded or allocated
    tiny.writeBits(ContextMaskCoder.MAGIC, 8);
    tiny.writeGamma(2);
    tiny.writeGamma((1L << 30) + 1);
    for (int i = 0; i < 4; i++) tiny.writeGamma(1);
    tiny.alignToByte();
    tiny.writeBits(0, 32);
    tiny.writeBits(0, 32);
    assertTrue(assertThrows(BadInputException.class, () -> ContextMaskCoder.decode(tiny.toByteArray(), 1, 1 << 30, 10)).getMessage()
        .startsWith("ctx-mask: symbol count (1073741824) needs at least "));
  }

  @Test
  void truncatedFlippedAndGarbageStreamsNeverHangOrThrowAnythingElse() {
    assertTimeoutPreemptively(Duration.ofSeconds(300), () -> { // a hang detector, generous for a loaded machine
      Rng rng = new Rng(12);
      int[] pos = structured(rng, 40, 10);
      byte[] s = ContextMaskCoder.encode(pos, 40, 100, List.of(10));
      for (int len = 0; len < s.length; len++) {
        byte[] cut = Arrays.copyOf(s, len);
        assertThrows(BadInputException.class, () -> ContextMaskCoder.decode(cut, 40, 100, 4000), "cut to " + len + "/" + s.length);
      }
      for (int k = 0; k < 300; k++) {
        byte[] bad = s.clone();
        for (int f = 1 + rng.nextInt(3); f > 0; f--) {
          int bit = rng.nextInt(8 * bad.length);
          bad[bit >>> 3] ^= (byte) (0x80 >>> (bit & 7));
        }
        decodeOrReject(bad, "flipped " + k);
        byte[] garbage = new byte[rng.nextInt(100)];
        for (int i = 0; i < garbage.length; i++) garbage[i] = (byte) rng.nextInt(256);
        if (garbage.length > 0) garbage[0] = (byte) ContextMaskCoder.MAGIC;
        decodeOrReject(garbage, "garbage " + k);
      }
    });
  }

  private static void decodeOrReject(byte[] stream, String what) {
    try {
      int[] p = ContextMaskCoder.decode(stream, 40, 100, 4000);
      for (int i = 0; i < p.length; i++) assertTrue(p[i] >= 0 && p[i] < 4000 && (i == 0 || p[i] > p[i - 1]), what);
    } catch (BadInputException expected) {
      // fine
    } catch (RuntimeException | OutOfMemoryError e) {
      fail(what + ": " + e, e);
    }
  }
}
