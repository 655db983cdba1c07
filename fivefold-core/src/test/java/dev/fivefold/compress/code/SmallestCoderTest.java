package dev.fivefold.compress.code;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.io.BadInputException;
import dev.fivefold.tensor.Rng;
import org.junit.jupiter.api.Test;

class SmallestCoderTest {
  @Test
  void picksTheShortestStreamAndItsBytesAreThatCodersStream() {
    SmallestCoder s = SmallestCoder.defaults();
    Rng rng = new Rng(5);
    int[][] cases = {Distributions.uniform(rng, 300, 16), Distributions.skewed(rng, 50_000, 256, 0.9),
        Distributions.laplaceQuantized(rng, 20_000, 4, 2.0, 8.0), new int[0]};
    int[] alphabets = {16, 256, 16, 4};
    for (int k = 0; k < cases.length; k++) {
      byte[] enc = s.encode(cases[k], alphabets[k]);
      for (EntropyCoder c : s.candidates()) {
        byte[] other = c.encode(cases[k], alphabets[k]);
        assertTrue(enc.length <= other.length, "case " + k + ": " + enc.length + " > " + c + " " + other.length);
      }
      EntropyCoder chosen = s.coderOf(enc);
      boolean someCandidateWroteIt = false;
      for (EntropyCoder c : s.candidates()) someCandidateWroteIt |= java.util.Arrays.equals(c.encode(cases[k], alphabets[k]), enc);
      assertTrue(someCandidateWroteIt, "case " + k);
      assertArrayEquals(cases[k], s.decode(enc));
      assertArrayEquals(cases[k], chosen.decode(enc));
    }
  }

  @Test
  void smallStreamsAvoidTheTableAndUnknownMagicIsRejected() {
    SmallestCoder s = SmallestCoder.defaults();
    int[] few = Distributions.uniform(new Rng(2), 260, 16);
    assertTrue(s.encode(few, 16).length < EntropyCoder.rans().encode(few, 16).length);
    assertEquals("smallest", s.name());
    assertThrows(BadInputException.class, () -> s.decode(new byte[] {'Z', 0, 0}));
    assertThrows(BadInputException.class, () -> s.decode(new byte[0]));
    assertThrows(IllegalArgumentException.class, () -> new SmallestCoder(java.util.List.of()));
  }
}
