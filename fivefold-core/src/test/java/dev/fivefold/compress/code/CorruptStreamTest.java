package dev.fivefold.compress.code;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

import dev.fivefold.io.BadInputException;
import dev.fivefold.tensor.Rng;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Corrupt, truncated and foreign streams end in BadInputException: no hang, no OOM, no other error. */
class CorruptStreamTest {
  static java.util.stream.Stream<EntropyCoder> coders() {
    return CoderRoundTripTest.coders();
  }

  private static final int LIMIT = 1 << 22;

  /** Decoding either throws BadInputException or returns some symbols; nothing else. */
  private static void decodeOrReject(EntropyCoder c, byte[] stream, String what) {
    try {
      c.decode(stream, LIMIT);
    } catch (BadInputException expected) {
      // fine
    } catch (RuntimeException | OutOfMemoryError e) {
      fail(c + " on " + what + ": " + e, e);
    }
  }

  @ParameterizedTest
  @MethodSource("coders")
  void everyTruncationIsRejected(EntropyCoder c) {
    Rng rng = new Rng(11);
    int[] s = Distributions.laplaceQuantized(rng, 3000, 6, 0.05, 0.3);
    byte[] enc = c.encode(s, 64);
    for (int len = 0; len < enc.length; len++) {
      byte[] cut = Arrays.copyOf(enc, len);
      assertThrows(BadInputException.class, () -> c.decode(cut), c + " accepted a stream cut to " + cut.length + "/" + enc.length);
    }
  }

  @ParameterizedTest
  @MethodSource("coders")
  void flippedBitsAndGarbageNeverHang(EntropyCoder c) {
    assertTimeoutPreemptively(Duration.ofSeconds(300), () -> { // a hang detector, not a speed test: generous for a loaded machine
      Rng rng = new Rng(12);
      for (int k = 0; k < 300; k++) {
        int alphabet = 1 + rng.nextInt(k % 2 == 0 ? 300 : 65536);
        int[] s = Distributions.geometric(rng, rng.nextInt(5000), alphabet, rng.nextDouble());
        byte[] enc = c.encode(s, alphabet);
        byte[] bad = enc.clone();
        for (int f = 1 + rng.nextInt(3); f > 0; f--) {
          int bit = rng.nextInt(8 * bad.length);
          bad[bit >>> 3] ^= (byte) (0x80 >>> (bit & 7));
        }
        decodeOrReject(c, bad, "flipped stream " + k);
        byte[] garbage = new byte[rng.nextInt(200)];
        for (int i = 0; i < garbage.length; i++) garbage[i] = (byte) rng.nextInt(256);
        if (garbage.length > 0 && rng.nextInt(2) == 0) garbage[0] = enc[0]; // right magic
        decodeOrReject(c, garbage, "garbage " + k);
      }
    });
  }

  @ParameterizedTest
  @MethodSource("coders")
  void headerFieldsAreBounded(EntropyCoder c) {
    int[] s = Distributions.geometric(new Rng(3), 1000, 16, 0.5);
    byte[] enc = c.encode(s, 16);
    assertThrows(BadInputException.class, () -> c.decode(enc, 999));
    // another coder's stream (the smallest-of coder reads all of its candidates' streams by design)
    byte[] other = (c instanceof RansCoder ? EntropyCoder.huffman() : EntropyCoder.rans()).encode(s, 16);
    if (!(c instanceof SmallestCoder)) assertThrows(BadInputException.class, () -> c.decode(other));
    // a header claiming 2^27 - 1 symbols with a tiny payload
    BitWriter w = new BitWriter();
    new StreamHeader(enc[0] & 0xFF, 16, (1 << 27) - 1).write(w);
    byte[] tail = Arrays.copyOfRange(enc, 4, enc.length);
    byte[] head = w.toByteArray();
    byte[] lying = Arrays.copyOf(head, head.length + tail.length);
    System.arraycopy(tail, 0, lying, head.length, tail.length);
    assertTimeoutPreemptively(Duration.ofSeconds(120), () -> decodeOrReject(c, lying, "lying count"));
    assertThrows(BadInputException.class, () -> c.decode(new byte[0]));
  }
}
