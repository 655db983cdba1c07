package dev.fivefold.compress.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.io.BadInputException;
import dev.fivefold.io.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of bad input is a one-line BadInputException naming the file and the field. */
class BadArchiveTest {
  private static final int P = FfzArchive.PREAMBLE_BYTES;
  private static final byte[] CLEAN = FfzArchive.encode(Models.small(21, 0.2, 5), FfzArchive.Options.defaults()).bytes();

  private static String reject(byte[] bytes) {
    BadInputException e = assertThrows(BadInputException.class, () -> FfzArchive.decode(bytes, "m.ffz"));
    assertTrue(e.getMessage().contains("m.ffz"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
    return e.getMessage();
  }

  private static void rejects(byte[] bytes, String expected) {
    String m = reject(bytes);
    assertTrue(m.contains(expected), "'" + m + "' lacks '" + expected + "'");
  }

  /** A copy with preamble byte {@code i} set to {@code v} and the preamble CRC recomputed. */
  private static byte[] patchPreamble(byte[] a, int i, int v) {
    byte[] b = a.clone();
    b[i] = (byte) v;
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(12, FfzArchive.crc(b, 0, 12));
    return b;
  }

  /** A copy (no ECC) whose JSON header went through {@code edit}, every length and CRC fixed up. */
  @SuppressWarnings("unchecked")
  static byte[] editHeader(byte[] a, Consumer<Map<String, Object>> edit) {
    ByteBuffer in = ByteBuffer.wrap(a).order(ByteOrder.LITTLE_ENDIAN);
    int h = in.getInt(P);
    Map<String, Object> header = (Map<String, Object>) Json.parse(new String(a, P + 4, h, StandardCharsets.UTF_8));
    edit.accept(header);
    return withHeader(a, Json.write(header).getBytes(StandardCharsets.UTF_8));
  }

  static byte[] withHeader(byte[] a, byte[] header) {
    int h = ByteBuffer.wrap(a).order(ByteOrder.LITTLE_ENDIAN).getInt(P);
    byte[] data = Arrays.copyOfRange(a, P + 8 + h, a.length);
    int l = 8 + header.length + data.length;
    ByteBuffer out = ByteBuffer.allocate(P + l).order(ByteOrder.LITTLE_ENDIAN);
    out.put(a, 0, 8).putInt(l).putInt(0);
    out.putInt(header.length).put(header).putInt(0).put(data);
    byte[] b = out.array();
    out.putInt(12, FfzArchive.crc(b, 0, 12));
    out.putInt(P + 4 + header.length, FfzArchive.crc(b, P, 4 + header.length));
    return b;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> tensor(Map<String, Object> header, int i) {
    return (Map<String, Object>) ((List<Object>) header.get("tensors")).get(i);
  }

  @Test
  void theEditorItselfChangesNothing() {
    assertEquals(Models.small(21, 0.2, 5), FfzArchive.decode(editHeader(CLEAN, h -> {}), "m.ffz").model());
  }

  @Test
  void wrongMagic() {
    assertEquals("m.ffz: magic (47494638) is not an FFZ archive (464a5a31, \"FFZ1\")", reject("GIF89a and more bytes".getBytes(StandardCharsets.UTF_8)));
    rejects(new byte[0], "m.ffz: magic () is not an FFZ archive");
    rejects(patchPreamble(CLEAN, 3, '2'), "magic (46465a32)");
  }

  @Test
  void wrongOrUnknownVersionAndEcc() {
    assertEquals("m.ffz: format version (6) is not supported (this reader knows 1..5)", reject(patchPreamble(CLEAN, 4, 6)));
    rejects(patchPreamble(CLEAN, 4, 0), "format version (0)");
    rejects(patchPreamble(CLEAN, 5, 9), "m.ffz: ecc (9) is not a known channel code");
    rejects(editHeader(CLEAN, h -> h.put("format", 1L)), "header format (1) differs from the preamble version (3)");
  }

  @Test
  void truncatedAtEveryLengthAndTrailingBytes() {
    for (int len = 4; len < CLEAN.length; len++) rejects(Arrays.copyOf(CLEAN, len), "truncated");
    rejects(Arrays.copyOf(CLEAN, CLEAN.length + 3), "3 bytes after the end of the archive");
    byte[] withEcc = FfzArchive.encode(Models.small(21, 0.2, 5), FfzArchive.Options.defaults().withEcc(Ecc.RS)).bytes();
    rejects(Arrays.copyOf(withEcc, withEcc.length - 1), "truncated: " + (withEcc.length - 1) + " bytes, the preamble promises " + withEcc.length);
  }

  @Test
  void crcMismatchOfEachSectionKind() {
    byte[] b = CLEAN.clone();
    b[13] ^= 4;
    assertEquals("corrupt archive: m.ffz: section preamble CRC32C mismatch", reject(b));
    b = CLEAN.clone();
    b[P + 10] ^= 4;
    assertEquals("corrupt archive: m.ffz: section header CRC32C mismatch", reject(b));
    b = CLEAN.clone();
    b[P + 2] ^= 4; // the header length
    rejects(b, "corrupt archive: m.ffz: section header headerLength");
  }

  @Test
  void absurdSizesAreRejectedBeforeAllocating() {
    byte[] huge = CLEAN.clone();
    ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putInt(8, -1);
    rejects(patchPreamble(huge, 0, 'F'), "truncated: " + CLEAN.length + " bytes, the preamble promises " + (P + 0xffffffffL));
    rejects(editHeader(CLEAN, h -> tensor(h, 0).put("shape", List.of(100000L, 100000L))), "header tensors[0].shape [100000, 100000] holds 2^31 or more elements");
    rejects(editHeader(CLEAN, h -> tensor(h, 0).put("shape", List.of(-3L, 4L))), "header tensors[0].shape[0] (-3) must be an integer >= 0");
    rejects(editHeader(CLEAN, h -> tensor(h, 0).put("kept", 1_000_000_000L)), "header tensors[0].kept (1000000000) must be in 0..2000");
    rejects(editHeader(CLEAN, h -> tensor(h, 1).put("entries", 1L << 40)), "header tensors[1].entries (1099511627776) must be in 400..400");
    rejects(editHeader(CLEAN, h -> tensor(h, 0).put("codebookSize", 33L)), "header tensors[0].codebookSize (33) must be in 1..32");
    rejects(editHeader(CLEAN, h -> ((Map<String, Object>) tensor(h, 0).get("codes")).put("offset", 1L << 30)), "header tensors[0].codes.offset (1073741824) must be in 0..");
    rejects(editHeader(CLEAN, h -> ((Map<String, Object>) tensor(h, 0).get("codes")).put("length", 100000L)), "header tensors[0].codes.length (100000) must be in 0..");
    rejects(editHeader(CLEAN, h -> ((Map<String, Object>) tensor(h, 0).get("index")).put("offset", 0L)), "corrupt archive: m.ffz: section fc1.weight/index CRC32C mismatch");
  }

  @Test
  void badBitsCodecAndFields() {
    assertEquals("m.ffz: header tensors[0].bits (17) must be in 1..16", reject(editHeader(CLEAN, h -> tensor(h, 0).put("bits", 17L))));
    rejects(editHeader(CLEAN, h -> tensor(h, 1).put("bits", 0L)), "header tensors[1].bits (0) must be in 1..16");
    rejects(editHeader(CLEAN, h -> tensor(h, 0).put("indexBits", 17L)), "header tensors[0].indexBits (17) must be in 1..16");
    assertEquals("m.ffz: header tensors[0].codec (zstd) is not a known codec (huffman, rans, arith-static, arith-adaptive, smallest)",
        reject(editHeader(CLEAN, h -> tensor(h, 0).put("codec", "zstd"))));
    rejects(editHeader(CLEAN, h -> tensor(h, 0).put("codec", "rans")), "header tensors[0] index: ");
    rejects(editHeader(CLEAN, h -> tensor(h, 0).remove("name")), "header tensors[0].name must be a string");
    rejects(editHeader(CLEAN, h -> tensor(h, 0).put("bits", 5.5)), "header tensors[0].bits (5.5) must be an integer");
    rejects(editHeader(CLEAN, h -> tensor(h, 1).put("name", "fc1.weight")), "header tensors[1].name (fc1.weight) is used twice");
    rejects(editHeader(CLEAN, h -> tensor(h, 1).put("kept", 399L)), "m.ffz: header tensors[1]: index holds more than kept (399) weights");
    rejects(editHeader(CLEAN, h -> tensor(h, 0).put("indexBits", 2L)), "header tensors[0]");
    rejects(editHeader(CLEAN, h -> h.put("metadata", Map.of("k", 3L))), "header metadata.k must be a string");
    rejects(editHeader(CLEAN, h -> h.remove("raw")), "header.raw must be a JSON array");
    rejects(editHeader(CLEAN, h -> ((List<Object>) h.get("raw")).set(0, Map.of("name", "fc1.bias", "shape", List.of(41L), "data",
        ((Map<String, Object>) ((List<Object>) h.get("raw")).get(0)).get("data")))), "header raw[0].data.length (160) is not 4 * size (41)");
    rejects(withHeader(CLEAN, "{\"format\": 1,".getBytes(StandardCharsets.UTF_8)), "m.ffz: header");
    rejects(withHeader(CLEAN, "[]".getBytes(StandardCharsets.UTF_8)), "m.ffz: header must be a JSON object");
  }

  @Test
  @SuppressWarnings("unchecked")
  void badMaskFields() {
    byte[] mask = FfzArchive.encode(Models.small(22, 0.2, 5), FfzArchive.Options.defaults().withModelling(FfzArchive.Modelling.CONTEXT)).bytes();
    long kept = (Long) tensor((Map<String, Object>) Json.parse(new String(mask, P + 4, ByteBuffer.wrap(mask).order(ByteOrder.LITTLE_ENDIAN).getInt(P),
        StandardCharsets.UTF_8)), 0).get("kept");
    assertEquals(Models.small(22, 0.2, 5), FfzArchive.decode(mask, "m.ffz").model());
    rejects(editHeader(mask, h -> tensor(h, 0).put("indexCoding", "zip")), "m.ffz: header tensors[0].indexCoding (zip) must be gaps or mask");
    byte[] v2 = editHeader(patchPreamble(mask, 4, 2), h -> h.put("format", 2L));
    rejects(v2, "m.ffz: header tensors[0].indexCoding (mask) needs format version 3, the preamble says 2");
    rejects(editHeader(mask, h -> tensor(h, 0).put("indexBits", 3L)), "header tensors[0].indexBits (3) must be in 0..0");
    rejects(editHeader(mask, h -> tensor(h, 0).put("entries", 5L)), "header tensors[0].entries (5) must be in 2000..2000");
    rejects(editHeader(mask, h -> tensor(h, 0).put("kept", kept - 1)), "m.ffz: header tensors[0] index: ctx-mask: more than " + (kept - 1) + " kept cells");
    rejects(editHeader(mask, h -> tensor(h, 0).put("kept", kept + 1)), "m.ffz: header tensors[0] index: mask holds " + kept + " weights, header says kept (" + (kept + 1) + ")");
    rejects(editHeader(mask, h -> tensor(h, 0).put("shape", List.of(50L, 40L))), "m.ffz: header tensors[0] index: ctx-mask: stream is 40 x 50, the tensor 50 x 40");
    rejects(editHeader(mask, h -> tensor(h, 0).remove("indexCoding")), "header tensors[0]");
    rejects(editHeader(mask, h -> tensor(h, 0).put("codesCoding", "zip")), "m.ffz: header tensors[0].codesCoding (zip) must be order-0 or ctx");
    rejects(editHeader(mask, h -> tensor(h, 0).put("codesCoding", "order-0")), "m.ffz: header tensors[0] codes: ");
    rejects(editHeader(mask, h -> tensor(h, 0).put("codebookSize", 31L)), "header tensors[0].codebook.length (128) is not 4 * codebookSize (31)");
    rejects(editHeader(editHeader(patchPreamble(CLEAN, 4, 2), h -> h.put("format", 2L)), h -> tensor(h, 0).put("codesCoding", "ctx")),
        "m.ffz: header tensors[0].codesCoding (ctx) needs format version 3, the preamble says 2");
    rejects(editHeader(CLEAN, h -> tensor(h, 0).put("codesCoding", "ctx")), "m.ffz: header tensors[0] codes: ctx-codes: magic");
  }

  @Test
  void readNamesTheFile(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("bad.ffz");
    Files.write(f, Arrays.copyOf(CLEAN, 100));
    BadInputException e = assertThrows(BadInputException.class, () -> FfzArchive.read(f));
    assertTrue(e.getMessage().startsWith(f + ": truncated: 100 bytes"), e.getMessage());
  }
}
