package dev.fivefold.compress.code;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.tensor.Rng;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Exact round trips of every coder, on edge cases and ~200 seeded random cases each. */
class CoderRoundTripTest {
  static Stream<EntropyCoder> coders() {
    return Stream.of(EntropyCoder.huffman(), EntropyCoder.staticArithmetic(), EntropyCoder.adaptiveArithmetic(),
        EntropyCoder.rans(), new HuffmanCoder(1), new HuffmanCoder(24), new StaticArithmeticCoder(1),
        new AdaptiveArithmeticCoder(1, 16), new AdaptiveArithmeticCoder(65536, 1 << 20), new RansCoder(12, 1),
        new RansCoder(16, 32), new RansCoder(13, 3), SmallestCoder.defaults());
  }

  static void roundTrip(EntropyCoder c, int[] s, int alphabet) {
    byte[] enc = c.encode(s, alphabet);
    int[] dec = c.decode(enc);
    if (!Arrays.equals(s, dec)) {
      assertArrayEquals(s, dec, c + ": n=" + s.length + " alphabet=" + alphabet);
    }
  }

  @ParameterizedTest
  @MethodSource("coders")
  void edgeCases(EntropyCoder c) {
    Rng rng = new Rng(1);
    roundTrip(c, new int[0], 1);
    roundTrip(c, new int[0], 65536);
    roundTrip(c, new int[] {0}, 1);
    roundTrip(c, new int[] {65535}, 65536);
    roundTrip(c, new int[] {3, 3}, 4);
    int[] same = new int[100_000];
    Arrays.fill(same, 41);
    roundTrip(c, same, 256);
    if (!(c instanceof AdaptiveArithmeticCoder)) { // a static model sends it for free
      byte[] enc = c.encode(same, 256);
      int states = c instanceof RansCoder r ? 4 * r.streams() : 0;
      assertTrue(enc.length < 32 + states, c + ": one repeated symbol took " + enc.length + " bytes");
    }
    int[] all = new int[1 << 16];
    for (int i = 0; i < all.length; i++) all[i] = i;
    rng.shuffle(all);
    roundTrip(c, all, 1 << 16);
    int[] twice = Arrays.copyOf(all, 3 * all.length);
    for (int i = all.length; i < twice.length; i++) twice[i] = rng.nextInt(1 << 16);
    roundTrip(c, twice, 1 << 16);
    roundTrip(c, Distributions.skewed(rng, 200_000, 256, 0.999), 256);
    roundTrip(c, Distributions.skewed(rng, 50_000, 2, 0.999), 2);
    roundTrip(c, Distributions.uniform(rng, 100_000, 256), 256);
    roundTrip(c, Distributions.uniform(rng, 100_000, 2), 2);
    roundTrip(c, Distributions.geometric(rng, 100_000, 1 << 16, 0.9999), 1 << 16);
  }

  @ParameterizedTest
  @MethodSource("coders")
  void randomCases(EntropyCoder c) {
    Rng rng = new Rng(c.toString().hashCode());
    for (int k = 0; k < 200; k++) {
      int alphabet = switch (rng.nextInt(4)) {
        case 0 -> 1 + rng.nextInt(4);
        case 1 -> 1 + rng.nextInt(300);
        case 2 -> 1 + rng.nextInt(65536);
        default -> 256;
      };
      int n = switch (rng.nextInt(3)) {
        case 0 -> rng.nextInt(10);
        case 1 -> rng.nextInt(1000);
        default -> rng.nextInt(20_000);
      };
      int[] s = switch (rng.nextInt(4)) {
        case 0 -> Distributions.uniform(rng, n, alphabet);
        case 1 -> Distributions.geometric(rng, n, alphabet, rng.nextDouble());
        case 2 -> alphabet < 2 ? new int[n] : Distributions.skewed(rng, n, alphabet, 1 - Math.pow(10, -1 - 3 * rng.nextDouble()));
        default -> Distributions.laplaceQuantized(rng, n, 1 + rng.nextInt(8), 0.05, 0.3);
      };
      for (int i = 0; i < n; i++) s[i] = Math.min(s[i], alphabet - 1);
      roundTrip(c, s, alphabet);
    }
  }

  @ParameterizedTest
  @MethodSource("coders")
  void badArgumentsAreIllegal(EntropyCoder c) {
    assertThrows(IllegalArgumentException.class, () -> c.encode(new int[] {0, 4}, 4));
    assertThrows(IllegalArgumentException.class, () -> c.encode(new int[] {-1}, 4));
    assertThrows(IllegalArgumentException.class, () -> c.encode(new int[0], 0));
    assertThrows(IllegalArgumentException.class, () -> c.encode(new int[0], 65537));
  }

  @org.junit.jupiter.api.Test
  void configurationsAreValidated() {
    for (Runnable r : List.<Runnable>of(() -> new HuffmanCoder(0), () -> new HuffmanCoder(25),
        () -> new StaticArithmeticCoder(17), () -> new AdaptiveArithmeticCoder(0, 1 << 16),
        () -> new AdaptiveArithmeticCoder(1, 8), () -> new RansCoder(11, 4), () -> new RansCoder(15, 0),
        () -> new RansCoder(15, 33))) {
      assertThrows(IllegalArgumentException.class, r::run);
    }
  }
}
