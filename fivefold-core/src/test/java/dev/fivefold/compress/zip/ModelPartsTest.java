package dev.fivefold.compress.zip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The parts of the context-mixing predictor: state tables, state maps, APM interpolation, and round trips without the network. */
class ModelPartsTest {
  @TempDir Path dir;

  private static int stateOf(int n0, int n1) {
    for (int s = 0; s < BitHistory.STATES; s++) if (BitHistory.n0(s) == n0 && BitHistory.n1(s) == n1) return s;
    throw new AssertionError("no state (" + n0 + ", " + n1 + ")");
  }

  @Test
  void bitHistoryStatesAreTheBoundedPairsAndTransitionsFollowTheRule() {
    assertEquals(166, BitHistory.STATES);
    assertEquals(0, BitHistory.n0(0));
    assertEquals(0, BitHistory.n1(0));
    for (int s = 0; s < BitHistory.STATES; s++) {
      int n0 = BitHistory.n0(s), n1 = BitHistory.n1(s);
      assertTrue(BitHistory.allowed(n0, n1), "state " + s);
      for (int y = 0; y < 2; y++) {
        int t = BitHistory.next(s, y);
        assertTrue(t < BitHistory.STATES, "next(" + s + ", " + y + ") = " + t);
        int a = y == 1 ? n1 : n0, b = y == 1 ? n0 : n1; // counts of y and of the other bit
        int ta = y == 1 ? BitHistory.n1(t) : BitHistory.n0(t), tb = y == 1 ? BitHistory.n0(t) : BitHistory.n1(t);
        int wantB = b > 2 ? b / 2 + 1 : b;
        if (BitHistory.allowed(y == 1 ? wantB : a + 1, y == 1 ? a + 1 : wantB)) {
          assertEquals(a + 1, ta, "the count of y grows in state " + s);
          assertEquals(wantB, tb, "the other count is discounted in state " + s);
        } else {
          assertTrue(ta <= a + 1 && tb <= wantB, "a bounded transition only shrinks: " + s + " " + y);
        }
      }
    }
    // worked examples: (10, 0) then a one -> (6, 1); a run of ones saturates at (0, 40)
    assertEquals(stateOf(6, 1), BitHistory.next(stateOf(10, 0), 1));
    int s = 0;
    for (int i = 0; i < 100; i++) s = BitHistory.next(s, 1);
    assertEquals(0, BitHistory.n0(s));
    assertEquals(40, BitHistory.n1(s));
    // (1, 24) then a one: 25 ones need n0 = 0
    assertEquals(stateOf(0, 25), BitHistory.next(stateOf(1, 24), 1));
  }

  @Test
  void stateMapStartsFromTheCountsAndLearns() {
    StateMap m = new StateMap(2, 1023);
    assertEquals(2048, m.p(0, 0));
    assertEquals(3584, m.p(1, stateOf(0, 3)), 1); // (2·3 + 1)/(2·3 + 2) = 7/8
    int s = stateOf(2, 1);
    int before = m.p(0, s);
    for (int i = 0; i < 200; i++) {
      m.p(0, s);
      m.update(1);
    }
    assertTrue(m.p(0, s) > 4000, "learned P(1) " + m.p(0, s) + " from " + before);
    assertEquals(before, m.p(1, s), "another context is untouched");
  }

  @Test
  void apmStartsAtTheIdentityAndInterpolatesBetweenBuckets() {
    Apm a = new Apm(4, 7);
    for (int p = 1; p < 4096; p += 7) assertEquals(p, a.refine(p, 2), 40, "untrained APM at " + p);
    // train context 3 toward 1 at one probability; context 2 keeps the identity
    int p0 = Logistic.squash(0); // 2048, exactly on bucket 16
    for (int i = 0; i < 500; i++) {
      a.refine(p0, 3);
      a.update(1);
    }
    int trained = a.refine(p0, 3);
    assertTrue(trained > 3500, "trained " + trained);
    assertEquals(p0, a.refine(p0, 2), 2);
    // halfway between bucket 16 (trained) and 17 (untouched): the mean of the two
    int mid = Logistic.squash(64);
    int hi = Logistic.squash(128);
    int want = (trained + hi) / 2;
    assertEquals(want, a.refine(mid, 3), 16, "interpolated");
  }

  private void roundTrip(byte[] data, ZipSettings s, String name) throws IOException {
    Path in = dir.resolve(name), arc = dir.resolve(name + ".ffx"), out = dir.resolve(name + ".out");
    Files.write(in, data);
    Zip.compress(new Zip.Config(in, arc, s, null), ZipListener.NONE);
    Unzip.decompress(new Unzip.Config(arc, out, null), ZipListener.NONE);
    assertArrayEquals(data, Files.readAllBytes(out), name);
  }

  @Test
  void contextModelsAloneRoundTripEmptyOneByteRandomBinaryAndText() throws IOException {
    ZipSettings s = ZipTest.tiny().withNetwork(false).withSegments(1);
    roundTrip(new byte[0], s, "empty");
    roundTrip(new byte[] {-1}, s, "one");
    byte[] r = new byte[20000];
    new Random(9).nextBytes(r);
    roundTrip(r, s, "random");
    byte[] bin = new byte[30000];
    for (int i = 0; i < bin.length; i++) bin[i] = (byte) (i % 7 == 0 ? 0 : (i * i) >> 3);
    roundTrip(bin, s, "binary");
    // table bits 12: 16 KiB per model, so the buckets are replaced all the time
    roundTrip(ZipTest.text(60000), s.withTableBits(12), "collisions");
    roundTrip(ZipTest.text(60000), s.withSegments(5), "segments");
  }
}
