package dev.fivefold.compress.code;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
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

/** Exact round trips of the context-coded codes, their bound on generated data, and bad input. */
class ContextCodesCoderTest {
  /** Positions and codes of a generated tensor. */
  record Tensor(int rows, int cols, int[] positions, int[] codes, float[] codebook) {}

  static Tensor random(Rng rng, int rows, int cols, double density, int k, boolean skewed) {
    List<Integer> pos = new ArrayList<>();
    for (int i = 0; i < rows * cols; i++) if (rng.nextDouble() < density) pos.add(i);
    int[] p = pos.stream().mapToInt(Integer::intValue).toArray();
    int[] c = new int[p.length];
    for (int i = 0; i < c.length; i++) c[i] = skewed ? Math.min(k - 1, (int) Math.abs(rng.nextGaussian() * k / 6)) : rng.nextInt(k);
    float[] cb = new float[k];
    for (int i = 0; i < k; i++) cb[i] = (float) rng.nextGaussian();
    if (k > 3) {
      cb[1] = cb[0]; // ties
      cb[2] = Float.NaN;
      cb[3] = -0.0f;
    }
    return new Tensor(rows, cols, p, c, cb);
  }

  /**
   * Rows are {@code side x side} images of smooth fields (a random plane wave each) quantized to a
   * sorted codebook of {@code k} values, kept on a random half of the pixels, so a weight's
   * neighbours predict it.
   */
  static Tensor smooth(Rng rng, int rows, int side, int k) {
    int cols = side * side;
    List<Integer> pos = new ArrayList<>();
    List<Integer> codes = new ArrayList<>();
    for (int r = 0; r < rows; r++) {
      double fx = rng.nextGaussian() * 0.3, fy = rng.nextGaussian() * 0.3, ph = rng.nextDouble() * 6.28;
      for (int j = 0; j < cols; j++) {
        if (rng.nextDouble() < 0.5) continue;
        double v = Math.sin(fx * (j % side) + fy * (j / side) + ph) + 0.15 * rng.nextGaussian();
        pos.add(r * cols + j);
        codes.add(Math.max(0, Math.min(k - 1, (int) Math.floor((v + 1.2) / 2.4 * k))));
      }
    }
    float[] cb = new float[k];
    for (int i = 0; i < k; i++) cb[i] = -1 + 2f * i / k;
    return new Tensor(rows, cols, pos.stream().mapToInt(Integer::intValue).toArray(), codes.stream().mapToInt(Integer::intValue).toArray(), cb);
  }

  private static void assertRoundTrip(Tensor t, byte[] stream, String what) {
    assertArrayEquals(t.codes, ContextCodesCoder.decode(stream, t.positions, t.cols, t.codebook), what);
    assertEquals(8L * stream.length, ContextCodesCoder.layout(stream).totalBits(), what);
  }

  @Test
  void roundTripsEdgeCases() {
    float[] one = {0.5f};
    Tensor empty = new Tensor(3, 4, new int[0], new int[0], one);
    byte[] e = ContextCodesCoder.encode(empty.positions, empty.codes, 4, one, List.of(2));
    assertRoundTrip(empty, e, "empty");
    assertNull(ContextCodesCoder.context(e));
    Tensor single = new Tensor(1, 1, new int[] {0}, new int[] {0}, one);
    assertRoundTrip(single, ContextCodesCoder.encode(single.positions, single.codes, 1, one, List.of()), "one symbol, alphabet 1");
    int[] all = new int[12], same = new int[12], mixed = new int[12];
    for (int i = 0; i < 12; i++) {
      all[i] = i;
      same[i] = 2;
      mixed[i] = i % 3;
    }
    float[] cb = {3, -1, 0.5f};
    for (int[] codes : List.of(same, mixed)) {
      Tensor t = new Tensor(3, 4, all, codes, cb);
      for (int bins : new int[] {1, 2, 64}) {
        for (int n = 1; n <= 3; n++) {
          for (int w : new int[] {1, 2, 4}) {
            CodeContext m = new CodeContext(bins, n, w);
            assertRoundTrip(t, ContextCodesCoder.encode(all, codes, 4, cb, m), m.toString());
          }
        }
      }
    }
  }

  @Test
  void roundTripsRandomSkewedAndUniformCodesInASeededLoop() {
    Rng rng = new Rng(77);
    for (int k = 0; k < 150; k++) {
      int rows = 1 + rng.nextInt(30), cols = 1 + rng.nextInt(50), alphabet = 1 + rng.nextInt(k % 10 == 0 ? 300 : 20);
      Tensor t = random(rng, rows, cols, rng.nextDouble(), alphabet, k % 2 == 0);
      CodeContext m = new CodeContext(1 + rng.nextInt(64), 1 + rng.nextInt(3), 1 + rng.nextInt(cols));
      String what = "seed loop " + k + ": " + rows + "x" + cols + " K " + alphabet + " " + m;
      assertRoundTrip(t, ContextCodesCoder.encode(t.positions, t.codes, cols, t.codebook, m), what);
      assertRoundTrip(t, ContextCodesCoder.encode(t.positions, t.codes, cols, t.codebook, List.of(1 + rng.nextInt(cols))), what + " shortest");
    }
  }

  /**
   * On smooth fields the shortest stream never beats the conditional entropy of its contexts,
   * stays within 1% of the NML code length of its model, and well below the order-0 bound.
   */
  @Test
  void codedSizeSitsJustAboveTheConditionalEntropyBound() {
    for (int seed = 0; seed < 3; seed++) {
      Tensor t = smooth(new Rng(900 + seed), 300, 28, 16);
      byte[] s = ContextCodesCoder.encode(t.positions, t.codes, t.cols, t.codebook, List.of(28));
      CodeContext m = ContextCodesCoder.context(s);
      long[][] n = ContextCodesCoder.counts(t.positions, t.codes, t.cols, t.codebook, m);
      double h = ContextCodesCoder.conditionalEntropyBits(n), nml = ContextCodesCoder.nmlBits(n), order0 = Entropy.bits(t.codes, 16);
      double coded = 8.0 * s.length;
      String what = "seed " + seed + " " + m + ": coded " + coded + " bits, H(X|C) " + h + ", NML " + nml + ", order-0 " + order0;
      assertTrue(m.neighbours() >= 2 && m.width() == 28, what);
      assertTrue(coded >= h && nml >= h, what);
      assertTrue(coded <= 1.01 * nml, what);
      assertTrue(coded < 0.8 * order0, what);
    }
  }

  @Test
  void ranksOrderTheCodebookValues() {
    assertArrayEquals(new int[] {2, 0, 1}, CodeContext.ranks(new float[] {3, -1, 0.5f}));
    assertArrayEquals(new int[] {1, 2, 0, 3}, CodeContext.ranks(new float[] {0f, 0f, -0.0f, Float.NaN}));
    Rng rng = new Rng(5);
    for (int k = 0; k < 200; k++) {
      float[] cb = new float[1 + rng.nextInt(40)];
      for (int i = 0; i < cb.length; i++) cb[i] = rng.nextInt(5) - 2;
      int[] rank = CodeContext.ranks(cb);
      int[] sorted = rank.clone();
      Arrays.sort(sorted);
      for (int i = 0; i < cb.length; i++) assertEquals(i, sorted[i]);
      for (int a = 0; a < cb.length; a++) for (int b = 0; b < cb.length; b++) if (cb[a] < cb[b]) assertTrue(rank[a] < rank[b]);
    }
  }

  @Test
  void invalidArgumentsNameTheField() {
    assertEquals("bins (0) must be in 1..64", assertThrows(IllegalArgumentException.class, () -> new CodeContext(0, 1, 1)).getMessage());
    assertEquals("neighbours (0) must be in 1..3", assertThrows(IllegalArgumentException.class, () -> new CodeContext(1, 0, 1)).getMessage());
    assertEquals("width (0) must be >= 1", assertThrows(IllegalArgumentException.class, () -> new CodeContext(1, 1, 0)).getMessage());
    float[] cb = {1, 2};
    assertEquals("codes[1] (2) outside the codebook of 2",
        assertThrows(IllegalArgumentException.class, () -> ContextCodesCoder.encode(new int[] {0, 1}, new int[] {0, 2}, 4, cb, List.of())).getMessage());
    assertEquals("positions[1] (0) not ascending from 0",
        assertThrows(IllegalArgumentException.class, () -> ContextCodesCoder.encode(new int[] {0, 0}, new int[] {0, 1}, 4, cb, List.of())).getMessage());
  }

  @Test
  void badStreamsAreRejectedWithTheField() {
    Tensor t = random(new Rng(8), 20, 30, 0.3, 8, true);
    byte[] s = ContextCodesCoder.encode(t.positions, t.codes, 30, t.codebook, new CodeContext(8, 1, 30));
    int n = t.positions.length;
    assertEquals("ctx-codes: stream holds " + n + " codes over 8, the tensor " + (n - 1) + " over 8",
        assertThrows(BadInputException.class, () -> ContextCodesCoder.decode(s, Arrays.copyOf(t.positions, n - 1), 30, t.codebook)).getMessage());
    assertEquals("ctx-codes: stream holds " + n + " codes over 8, the tensor " + n + " over 9",
        assertThrows(BadInputException.class, () -> ContextCodesCoder.decode(s, t.positions, 30, Arrays.copyOf(t.codebook, 9))).getMessage());
    byte[] foreign = s.clone();
    foreign[0] = (byte) ContextMaskCoder.MAGIC;
    assertEquals("ctx-codes: magic (0xcd) is not 0xc3", assertThrows(BadInputException.class, () -> ContextCodesCoder.decode(foreign, t.positions, 30, t.codebook)).getMessage());
    BitWriter w = new BitWriter();
    w.writeBits(ContextCodesCoder.MAGIC, 8);
    w.writeGamma(n + 1);
    w.writeGamma(8);
    w.writeGamma(65);
    w.writeGamma(1);
    w.writeGamma(1);
    assertEquals("ctx-codes: bins (65) exceeds 64", assertThrows(BadInputException.class, () -> ContextCodesCoder.decode(w.toByteArray(), t.positions, 30, t.codebook)).getMessage());
  }

  @Test
  void truncatedFlippedAndGarbageStreamsNeverHangOrThrowAnythingElse() {
    assertTimeoutPreemptively(Duration.ofSeconds(300), () -> { // a hang detector, generous for a loaded machine
      Rng rng = new Rng(13);
      Tensor t = smooth(rng, 20, 10, 16);
      byte[] s = ContextCodesCoder.encode(t.positions, t.codes, t.cols, t.codebook, List.of(10));
      for (int len = 0; len < s.length; len++) {
        byte[] cut = Arrays.copyOf(s, len);
        assertThrows(BadInputException.class, () -> ContextCodesCoder.decode(cut, t.positions, t.cols, t.codebook), "cut to " + len + "/" + s.length);
      }
      for (int k = 0; k < 300; k++) {
        byte[] bad = s.clone();
        for (int f = 1 + rng.nextInt(3); f > 0; f--) {
          int bit = rng.nextInt(8 * bad.length);
          bad[bit >>> 3] ^= (byte) (0x80 >>> (bit & 7));
        }
        decodeOrReject(t, bad, "flipped " + k);
        byte[] garbage = new byte[rng.nextInt(100)];
        for (int i = 0; i < garbage.length; i++) garbage[i] = (byte) rng.nextInt(256);
        if (garbage.length > 0) garbage[0] = (byte) ContextCodesCoder.MAGIC;
        decodeOrReject(t, garbage, "garbage " + k);
      }
    });
  }

  private static void decodeOrReject(Tensor t, byte[] stream, String what) {
    try {
      int[] c = ContextCodesCoder.decode(stream, t.positions, t.cols, t.codebook);
      for (int x : c) assertTrue(x >= 0 && x < t.codebook.length, what);
    } catch (BadInputException expected) {
      // fine
    } catch (RuntimeException | OutOfMemoryError e) {
      fail(what + ": " + e, e);
    }
  }
}
