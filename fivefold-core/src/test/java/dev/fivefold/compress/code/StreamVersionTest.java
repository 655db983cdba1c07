package dev.fivefold.compress.code;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.tensor.Rng;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Stream layouts: encoders write version 2 (magic byte with the high bit set), decoders still read
 * version-1 streams written by the previous release (the hex below was written by it, commit
 * c71b3bf), and {@link EntropyCoder#layout} accounts for every bit.
 */
class StreamVersionTest {
  /** The 300 symbols over 8 the version-1 streams below hold (a fixed LCG, skewed to 0). */
  static int[] symbols() {
    return Distributions.fixedSkewed300();
  }

  static final String V1_HUFFMAN = "4800070096a6429ce6ec6b72a120169cbf745e852a57b39c820b37cc0c4172da3ad4325262b73a4ba78486da9f2d3a3e" +
      "d3dd19bf4ee0931ba63e614eba5364840bae3ab14acc35ae8a8b2b2da3446a089380";
  static final String V1_RANS = "5200070096bc001e15000258d00085280096400db00db00db6303e418e0190efd12909adf3048c21b47cf750e82628fb" +
      "3b55de8f3cfe766ca41512e15436cb8db29ea2ae203d59fc3dac1fe629bdc007673eb42f7725978e11288abf0ff7dbbc" +
      "34f9329c5335c9a0dc411d9d09fae4";
  static final String V1_RANS_12_1 = "5200070096b000f0c004b30042a012d0701c0718006dcbec04dd8d89652bd966eebc48d829a2705af41f262395295588" +
      "a9edb84bf25ca3395e56a9eb7185be634f1381326998e2bd27405fcc3dc9e0562535d172bcf3b20025abf5f2e77dc00b";
  static final String V1_ARITH_STATIC = "4100070096c0000f0a40004b1900042920012c7006d601b6006d7800b37aa377ea93096f8351ae49ba0c6025f24dbf24" +
      "5bf67840683afe2068e6987ec7bf85e00dab574f17c5b0901563abc42639061585720b1ecbb4e69c0253672ee5a62e33" +
      "4a91fedebea500";
  static final String V1_ARITH_ADAPTIVE = "6100070096860000200000003a0136381e031a2daeed8e247e041a58fdbcb3899915a45b7a194dcc443215f496f2a0f2" +
      "0cf1978faaedb5aa5c96b5a20f609f817a71d06626665b43f9d0222f0b2f2679949baeff9c6d1c9e2d5000";

  @Test
  void versionOneStreamsStillDecode() {
    int[] s = symbols();
    HexFormat hx = HexFormat.of();
    List<EntropyCoder> coders = List.of(EntropyCoder.huffman(), EntropyCoder.rans(), new RansCoder(12, 1), EntropyCoder.staticArithmetic(),
        EntropyCoder.adaptiveArithmetic());
    List<String> streams = List.of(V1_HUFFMAN, V1_RANS, V1_RANS_12_1, V1_ARITH_STATIC, V1_ARITH_ADAPTIVE);
    for (int i = 0; i < streams.size(); i++) {
      byte[] v1 = hx.parseHex(streams.get(i));
      EntropyCoder c = coders.get(i);
      assertArrayEquals(s, c.decode(v1), c.name());
      assertArrayEquals(s, SmallestCoder.defaults().decode(v1), c.name() + " via smallest");
      StreamLayout l = c.layout(v1);
      assertEquals(1, l.version(), c.name());
      assertEquals(8L * v1.length, l.totalBits(), c.name());
      byte[] v2 = c.encode(s, 8);
      assertEquals(2, c.layout(v2).version());
      assertTrue(v2.length < v1.length, c.name() + ": version 2 (" + v2.length + " B) not smaller than version 1 (" + v1.length + " B)");
    }
  }

  @Test
  void versionTwoHeaderAndLayoutAddUp() {
    Rng rng = new Rng(8);
    for (EntropyCoder c : CoderRoundTripTest.coders().toList()) {
      for (int alphabet : new int[] {1, 16, 256, 65536}) {
        for (int n : new int[] {0, 1, 1000}) {
          int[] s = Distributions.geometric(rng, n, alphabet, 0.8);
          byte[] enc = c.encode(s, alphabet);
          assertEquals(0x80, enc[0] & 0x80, c + ": version-2 magic");
          StreamLayout l = c.layout(enc);
          assertEquals(2, l.version());
          assertEquals(8L * enc.length, l.totalBits(), c + " alphabet " + alphabet + " n " + n);
          BitWriter w = new BitWriter();
          new StreamHeader('X', alphabet, n).write(w);
          assertEquals(w.bitLength(), l.headerBits(), c + ": header bits");
          if (n == 0) assertEquals((l.headerBits() + 7) / 8, enc.length, c + ": an empty stream is its header");
        }
      }
    }
  }
}
