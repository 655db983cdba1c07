package dev.fivefold.compress.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.io.BadInputException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Format 5: a DEFLATE-compressed header and float16 raw tensors round-trip exactly, are smaller, and are refused where they do not belong. */
class CompactArchiveTest {
  private static final FfzArchive.Options COMPACT = FfzArchive.Options.defaults().withCompactHeader(true);

  /** LeNet-300-100 sized with its biases as float16. */
  private static FfzModel halfBiases() {
    FfzModel m = Models.lenet300(7, 0.08, 5);
    List<RawTensor> half = new ArrayList<>();
    for (RawTensor r : m.raw()) half.add(RawTensor.half(r.name(), r.shape(), r.values()));
    return new FfzModel(m.spec(), m.metadata(), m.quantized(), half);
  }

  private static String reject(byte[] bytes) {
    BadInputException e = assertThrows(BadInputException.class, () -> FfzArchive.decode(bytes, "c.ffz"));
    assertTrue(!e.getMessage().contains("\n") && e.getMessage().contains("c.ffz: "), e.getMessage());
    return e.getMessage();
  }

  @Test
  void compactHeaderRoundTripsAndIsSmaller() {
    FfzModel m = Models.small(3, 0.3, 4);
    FfzArchive.Encoded plain = FfzArchive.encode(m, FfzArchive.Options.defaults());
    FfzArchive.Encoded compact = FfzArchive.encode(m, COMPACT);
    assertEquals(FfzArchive.VERSION, plain.bytes()[4]);
    assertEquals(0, plain.bytes()[6]);
    assertEquals(FfzArchive.COMPACT_VERSION, compact.bytes()[4]);
    assertEquals(1, compact.bytes()[6]);
    assertEquals(m, FfzArchive.decode(compact.bytes(), "c.ffz").model());
    assertTrue(compact.report().headerBytes() < plain.report().headerBytes(), compact.report().headerBytes() + " vs " + plain.report().headerBytes());
    assertEquals(plain.report().fileBytes() - compact.report().fileBytes(), plain.report().headerBytes() - compact.report().headerBytes());
    // the four-component options and withCompactHeader(false) write the same bytes as before
    assertArrayEquals(plain.bytes(), FfzArchive.encode(m, new FfzArchive.Options(FfzArchive.Options.defaults().coder(), Ecc.NONE, 0,
        FfzArchive.Modelling.ORDER0)).bytes());
    assertArrayEquals(plain.bytes(), FfzArchive.encode(m, COMPACT.withCompactHeader(false)).bytes());
    // with a channel code too
    FfzArchive.Encoded rs = FfzArchive.encode(m, COMPACT.withEcc(Ecc.RS));
    byte[] hit = rs.bytes().clone();
    hit[FfzArchive.PREAMBLE_BYTES + 10] ^= 0x5a; // inside the compressed header
    FfzArchive.Decoded d = FfzArchive.decode(hit, "c.ffz");
    assertEquals(m, d.model());
    assertEquals(1, d.correction().corrected());
  }

  @Test
  void float16RawTensorsRoundTripAtTwoBytesAValue() {
    FfzModel m = halfBiases();
    FfzArchive.Encoded e = FfzArchive.encode(m, FfzArchive.Options.defaults()); // plain header, but a float16 tensor: version 5
    assertEquals(FfzArchive.COMPACT_VERSION, e.bytes()[4]);
    assertEquals(0, e.bytes()[6]);
    FfzModel back = FfzArchive.decode(e.bytes(), "c.ffz").model();
    assertEquals(m, back);
    for (RawTensor r : back.raw()) assertEquals(16, r.bits());
    for (ArchiveReport.RawStats r : e.report().raw()) assertEquals(2 * r.size(), r.bytes());
    assertTrue(e.report().format().contains("(raw float16)"), e.report().format());
    long rawBytes = 0;
    for (ArchiveReport.RawStats r : e.report().raw()) rawBytes += r.bytes();
    assertEquals(2L * (300 + 100 + 10), rawBytes);
    // both features together
    assertEquals(m, FfzArchive.decode(FfzArchive.encode(m, COMPACT).bytes(), "c.ffz").model());
  }

  @Test
  void halfRoundsToTheNearestFloat16AndTheRecordRefusesOtherValues() {
    RawTensor h = RawTensor.half("b", new int[] {4}, new float[] {0.1f, 1f, -2.5f, 70000f});
    assertEquals(Float.float16ToFloat(Float.floatToFloat16(0.1f)), h.values()[0]);
    assertNotEquals(0.1f, h.values()[0]);
    assertEquals(1f, h.values()[1]);
    assertEquals(Float.POSITIVE_INFINITY, h.values()[3]);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RawTensor("b", new int[] {1}, new float[] {0.1f}, 16));
    assertEquals("b: value 0 (0.1) is not a float16", e.getMessage());
    assertEquals("b: bits (8) must be 16 or 32", assertThrows(IllegalArgumentException.class, () -> new RawTensor("b", new int[] {1}, new float[1], 8)).getMessage());
    assertNotEquals(new RawTensor("b", new int[] {1}, new float[] {1f}, 16), new RawTensor("b", new int[] {1}, new float[] {1f}));
  }

  @Test
  void badCompactArchivesAreOneLineErrors() {
    byte[] compact = FfzArchive.encode(Models.small(3, 0.3, 4), COMPACT).bytes();
    byte[] unknown = compact.clone();
    unknown[6] = 2;
    ByteBuffer.wrap(unknown).order(ByteOrder.LITTLE_ENDIAN).putInt(12, FfzArchive.crc(unknown, 0, 12));
    assertEquals("c.ffz: headerCoding (2) is not known (0 JSON, 1 DEFLATE)", reject(unknown));
    // the DEFLATE flag in a version-3 file
    byte[] v3 = FfzArchive.encode(Models.small(3, 0.3, 4), FfzArchive.Options.defaults()).bytes();
    v3[6] = 1;
    ByteBuffer.wrap(v3).order(ByteOrder.LITTLE_ENDIAN).putInt(12, FfzArchive.crc(v3, 0, 12));
    assertEquals("c.ffz: headerCoding (1, DEFLATE) needs format version 5, the preamble says 3", reject(v3));
    // a header that is not DEFLATE, with a valid CRC
    assertTrue(reject(BadArchiveTest.withHeader(compact, new byte[] {(byte) 0xff, (byte) 0xff, 1, 2, 3})).contains("header: corrupt DEFLATE stream"));
    // a DEFLATE stream cut short
    byte[] deflated = FfzArchive.deflate("{\"format\": 5, \"spec\": \"mlp 50-40-10\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertEquals("c.ffz: header: the DEFLATE stream ends early",
        reject(BadArchiveTest.withHeader(compact, java.util.Arrays.copyOf(deflated, deflated.length - 3))));
    // a float16 raw tensor in a version-3 file, and a wrong width
    assertEquals("c.ffz: header raw[0].bits (16) needs format version 5, the preamble says 3",
        reject(BadArchiveTest.editHeader(FfzArchive.encode(Models.small(3, 0.3, 4), FfzArchive.Options.defaults()).bytes(), h -> raw0(h).put("bits", 16L))));
    byte[] half = FfzArchive.encode(halfBiases(), FfzArchive.Options.defaults()).bytes();
    assertEquals("c.ffz: header raw[0].data.length (600) is not 4 * size (300)", reject(BadArchiveTest.editHeader(half, h -> raw0(h).put("bits", 32L))));
    assertEquals("c.ffz: header raw[0].bits (24) must be 16 or 32", reject(BadArchiveTest.editHeader(half, h -> raw0(h).put("bits", 24L))));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> raw0(Map<String, Object> h) {
    return (Map<String, Object>) ((List<Object>) h.get("raw")).getFirst();
  }
}
