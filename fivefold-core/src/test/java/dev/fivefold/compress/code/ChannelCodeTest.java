package dev.fivefold.compress.code;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.tensor.Rng;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The channel codes against their promises: exact repair within capacity, detection just beyond. */
class ChannelCodeTest {
  private static byte[] random(Rng rng, int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) b[i] = (byte) rng.nextInt(256);
    return b;
  }

  /** data || parity. */
  private static byte[] encode(ChannelCode c, byte[] data) {
    byte[] p = c.parity(data, 0, data.length);
    assertEquals(c.parityLength(data.length), p.length);
    byte[] all = Arrays.copyOf(data, data.length + p.length);
    System.arraycopy(p, 0, all, data.length, p.length);
    return all;
  }

  @Test
  void cleanDataNeedsNoCorrection() {
    Rng rng = new Rng(1);
    for (ChannelCode c : new ChannelCode[] {ChannelCode.hamming(), ChannelCode.reedSolomon()}) {
      for (int n : new int[] {0, 1, 7, 8, 9, 222, 223, 224, 1000}) {
        byte[] data = random(rng, n);
        byte[] enc = encode(c, data);
        assertEquals(new ChannelCode.Correction(0, 0), c.correct(enc, 0, n, n), c.name() + " n=" + n);
        assertArrayEquals(data, Arrays.copyOf(enc, n));
      }
    }
  }

  @Test
  void hammingCorrectsEverySingleBitAndDetectsEveryDouble() {
    ChannelCode c = ChannelCode.hamming();
    Rng rng = new Rng(2);
    byte[] data = random(rng, 13); // two words, the second padded
    byte[] enc = encode(c, data);
    for (int bit = 0; bit < 8 * enc.length; bit++) {
      byte[] bad = enc.clone();
      bad[bit / 8] ^= (byte) (1 << (bit % 8));
      assertEquals(new ChannelCode.Correction(1, 0), c.correct(bad, 0, 13, 13), "bit " + bit);
      assertArrayEquals(enc, bad, "bit " + bit);
    }
    for (int t = 0; t < 500; t++) {
      int w = rng.nextInt(2);
      int span = w == 0 ? 64 : 40; // data bits of word w present in the 13 bytes
      int a = rng.nextInt(span);
      int b = (a + 1 + rng.nextInt(span - 1)) % span;
      byte[] bad = enc.clone();
      for (int bit : new int[] {a, b}) bad[8 * w + bit / 8] ^= (byte) (1 << (bit % 8));
      assertEquals(new ChannelCode.Correction(0, 1), c.correct(bad, 0, 13, 13), "bits " + a + "," + b);
    }
  }

  @Test
  void reedSolomonCorrectsUpToSixteenBytesPerWord() {
    ReedSolomon rs = (ReedSolomon) ChannelCode.reedSolomon();
    Rng rng = new Rng(3);
    for (int n : new int[] {255, 100, 33}) {
      for (int errors = 0; errors <= 17; errors++) {
        int[] word = new int[n];
        byte[] data = random(rng, n - 32);
        byte[] enc = encode(rs, data);
        for (int i = 0; i < n; i++) word[i] = enc[i] & 0xff;
        int[] bad = word.clone();
        int[] pos = new int[n];
        for (int i = 0; i < n; i++) pos[i] = i;
        rng.shuffle(pos);
        for (int e = 0; e < errors; e++) bad[pos[e]] ^= 1 + rng.nextInt(255);
        int fixed = rs.correctWord(bad, n);
        if (errors <= 16) {
          assertEquals(errors, fixed, "n=" + n + " errors=" + errors);
          assertArrayEquals(word, bad);
        } else {
          assertTrue(fixed < 0, "17 errors must not be 'corrected', got " + fixed);
        }
      }
    }
  }

  @Test
  void reedSolomonInterleavingCorrectsABurst() {
    ChannelCode c = ChannelCode.reedSolomon();
    Rng rng = new Rng(4);
    int n = 5000; // 23 words, so a burst of 16 * 23 bytes is within capacity
    byte[] data = random(rng, n);
    byte[] enc = encode(c, data);
    byte[] bad = enc.clone();
    for (int i = 1000; i < 1000 + 16 * 23; i++) bad[i] ^= (byte) 0xff;
    ChannelCode.Correction r = c.correct(bad, 0, n, n);
    assertEquals(new ChannelCode.Correction(16 * 23, 0), r);
    assertArrayEquals(enc, bad);
  }
}
