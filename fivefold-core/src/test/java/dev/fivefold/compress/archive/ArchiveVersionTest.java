package dev.fivefold.compress.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.compress.QuantizedTensor;
import dev.fivefold.compress.code.Distributions;
import dev.fivefold.compress.code.EntropyCoder;
import dev.fivefold.compress.code.SmallestCoder;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Version-1 archives written by an earlier release (commit c71b3bf) and a version-2 archive written
 * by commit 1f70cda (hex below) still decode, to exactly the weights they were written from, and
 * re-encode as the current version to the same weights.
 */
class ArchiveVersionTest {
  static final String V1_RANS = "46465a310100000004020000ba702e95650100007b22666f726d6174223a312c2273706563223a226d6c703a33302d31" +
      "30222c226d65746164617461223a7b226b223a2276227d2c2274656e736f7273223a5b7b226e616d65223a2266632e77" +
      "6569676874222c227368617065223a5b31302c33305d2c2262697473223a322c22636f646563223a2272616e73222c22" +
      "696e64657842697473223a342c226b657074223a34302c22656e7472696573223a34302c22636f6465626f6f6b53697a" +
      "65223a342c22636f6465626f6f6b223a7b226f6666736574223a302c226c656e677468223a31367d2c22696e64657822" +
      "3a7b226f6666736574223a32302c226c656e677468223a33377d2c22636f646573223a7b226f6666736574223a36312c" +
      "226c656e677468223a34327d7d5d2c22726177223a5b7b226e616d65223a2266632e62696173222c227368617065223a" +
      "5b31305d2c2264617461223a7b226f6666736574223a3130372c226c656e677468223a34307d7d5d7db567f9fd000000" +
      "bf000000be0000803e0000403f20aa8eb052000f052fc019a5800299ba000299a4e30280321eec56290127372901ac2b" +
      "5202a70e62a762efd9d5520003052f000799c000a66800200200266c602ecf091bc56c6e013f808c024b9f180241068b" +
      "1c72c05d33eab0ec000000000000803f0000004000004040000080400000a0400000c0400000e0400000004100001041" +
      "56f76555";
  static final String V1_HUFFMAN = "46465a3101000000d5010000943d27b2670100007b22666f726d6174223a312c2273706563223a226d6c703a33302d31" +
      "30222c226d65746164617461223a7b226b223a2276227d2c2274656e736f7273223a5b7b226e616d65223a2266632e77" +
      "6569676874222c227368617065223a5b31302c33305d2c2262697473223a322c22636f646563223a22687566666d616e" +
      "222c22696e64657842697473223a342c226b657074223a34302c22656e7472696573223a34302c22636f6465626f6f6b" +
      "53697a65223a342c22636f6465626f6f6b223a7b226f6666736574223a302c226c656e677468223a31367d2c22696e64" +
      "6578223a7b226f6666736574223a32302c226c656e677468223a31357d2c22636f646573223a7b226f6666736574223a" +
      "33392c226c656e677468223a31357d7d5d2c22726177223a5b7b226e616d65223a2266632e62696173222c2273686170" +
      "65223a5b31305d2c2264617461223a7b226f6666736574223a35382c226c656e677468223a34307d7d5d7d2ae62a6500" +
      "0000bf000000be0000803e0000403f20aa8eb048000f053bb74a78ccccccccccccc07caed5704800030529909635baa1" +
      "20169d4f16fb2c0e79000000000000803f0000004000004040000080400000a0400000c0400000e04000000041000010" +
      "4156f76555";

  /** {@code --codec smallest}, format 2 (commit 1f70cda). */
  static final String V2_SMALLEST =
      "46465a3102000000d4010000451026b4680100007b22666f726d6174223a322c2273706563223a226d6c703a33302d31" +
      "30222c226d65746164617461223a7b226b223a2276227d2c2274656e736f7273223a5b7b226e616d65223a2266632e77" +
      "6569676874222c227368617065223a5b31302c33305d2c2262697473223a322c22636f646563223a22736d616c6c6573" +
      "74222c22696e64657842697473223a342c226b657074223a34302c22656e7472696573223a34302c22636f6465626f6f" +
      "6b53697a65223a342c22636f6465626f6f6b223a7b226f6666736574223a302c226c656e677468223a31367d2c22696e" +
      "646578223a7b226f6666736574223a32302c226c656e677468223a31347d2c22636f646573223a7b226f666673657422" +
      "3a33382c226c656e677468223a31347d7d5d2c22726177223a5b7b226e616d65223a2266632e62696173222c22736861" +
      "7065223a5b31305d2c2264617461223a7b226f6666736574223a35362c226c656e677468223a34307d7d5d7db29173eb" +
      "000000bf000000be0000803e0000403f20aa8eb0c808029ddba53c66666666666660844833cfc820294c84b1add50900" +
      "b4ea78b0a3d96f83000000000000803f0000004000004040000080400000a0400000c0400000e0400000004100001041" +
      "56f76555";

  /** The same 300 symbols as {@code StreamVersionTest}: a fixed LCG, skewed to 0. */
  static int[] symbols() {
    return Distributions.fixedSkewed300();
  }

  /** The model both archives were written from. */
  static FfzModel written() {
    int[] s = symbols();
    int[] pos = new int[40];
    int[] codes = new int[40];
    for (int i = 0; i < 40; i++) {
      pos[i] = i * 7 + (i % 3);
      codes[i] = s[i] % 4;
    }
    QuantizedTensor q = new QuantizedTensor("fc.weight", new int[] {10, 30}, 2, new float[] {-0.5f, -0.125f, 0.25f, 0.75f}, pos, codes);
    float[] bias = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    return new FfzModel("mlp:30-10", Map.of("k", "v"), List.of(q), List.of(new RawTensor("fc.bias", new int[] {10}, bias)));
  }

  @Test
  void versionOneArchivesDecodeAndReencodeAsVersionTwo() {
    FfzModel expected = written();
    for (String hex : List.of(V1_RANS, V1_HUFFMAN)) {
      byte[] v1 = HexFormat.of().parseHex(hex);
      assertEquals(1, v1[4]);
      FfzModel m = FfzArchive.decode(v1, "v1.ffz").model();
      assertSameWeights(expected, m);
      for (EntropyCoder c : List.of(EntropyCoder.rans(), EntropyCoder.huffman(), SmallestCoder.defaults())) {
        byte[] v2 = FfzArchive.encode(m, FfzArchive.Options.defaults().withCoder(c)).bytes();
        assertEquals(FfzArchive.VERSION, v2[4]);
        assertSameWeights(expected, FfzArchive.decode(v2, "v2.ffz").model());
      }
      byte[] v2 = FfzArchive.encode(m, FfzArchive.Options.defaults().withCoder(SmallestCoder.defaults())).bytes();
      assertTrue(v2.length < v1.length, "version 2 (" + v2.length + " B) not smaller than version 1 (" + v1.length + " B)");
    }
  }

  @Test
  void aVersionTwoArchiveDecodesAndReencodesWithEitherModelling() {
    byte[] v2 = HexFormat.of().parseHex(V2_SMALLEST);
    assertEquals(2, v2[4]);
    FfzModel m = FfzArchive.decode(v2, "v2.ffz").model();
    assertSameWeights(written(), m);
    for (FfzArchive.Modelling c : FfzArchive.Modelling.values()) {
      byte[] v3 = FfzArchive.encode(m, FfzArchive.Options.defaults().withCoder(SmallestCoder.defaults()).withModelling(c)).bytes();
      assertEquals(3, v3[4]);
      assertSameWeights(written(), FfzArchive.decode(v3, "v3.ffz").model());
    }
  }

  static void assertSameWeights(FfzModel expected, FfzModel actual) {
    assertEquals(expected.spec(), actual.spec());
    assertEquals(expected.metadata(), actual.metadata());
    QuantizedTensor e = expected.quantized().getFirst(), a = actual.quantized().getFirst();
    assertArrayEquals(e.positions(), a.positions());
    assertArrayEquals(e.codes(), a.codes());
    assertArrayEquals(e.codebook(), a.codebook());
    assertArrayEquals(e.dense(), a.dense());
    assertArrayEquals(expected.raw().getFirst().values(), actual.raw().getFirst().values());
  }
}
