package dev.fivefold.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {
  @TempDir Path dir;

  @Test
  void roundTripSortedWithMetadata() throws IOException {
    Rng rng = new Rng(7);
    Map<String, Tensor> in = new LinkedHashMap<>();
    in.put("z.weight", Tensor.normal(rng, 0, 1, 3, 4));
    in.put("a.bias", Tensor.normal(rng, 0, 1, 4));
    in.put("scalar", Tensor.scalar(Float.NaN));
    in.put("empty", Tensor.zeros(0, 5));
    in.put("big", Tensor.normal(rng, 0, 1, 600_000)); // more than one read chunk
    Path p = dir.resolve("m.safetensors");
    SafeTensors.write(p, in, Map.of("format", "pt", "step", "12"));
    SafeTensors.Contents c = SafeTensors.read(p);
    assertEquals(List.of("a.bias", "big", "empty", "scalar", "z.weight"), List.copyOf(c.tensors().keySet()));
    for (var e : in.entrySet()) {
      Tensor t = c.get(e.getKey());
      assertEquals(e.getValue().shape(), t.shape());
      assertArrayEquals(e.getValue().data(), t.data());
    }
    assertEquals(Map.of("format", "pt", "step", "12"), c.metadata());
    long headerLen = ByteBuffer.wrap(Files.readAllBytes(p), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    assertEquals(0, headerLen % 8);
  }

  /** The exact bytes the reference implementation writes for {"w": [1.0, -2.0]} (F32). */
  @Test
  void writesTheReferenceBytes() throws IOException {
    String header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}"; // 54 bytes, padded to 56
    ByteBuffer b = ByteBuffer.allocate(8 + 56 + 8).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(56).put(header.getBytes(StandardCharsets.US_ASCII)).put("  ".getBytes()).putFloat(1f).putFloat(-2f);
    Path p = dir.resolve("w.safetensors");
    SafeTensors.write(p, Map.of("w", Tensor.of(new float[] {1, -2}, 2)), Map.of());
    assertArrayEquals(b.array(), Files.readAllBytes(p));
  }

  /** Hand-built file with every supported dtype, in a non-sorted order that must be kept. */
  @Test
  void readsHandBuiltFileWithConversions() throws IOException {
    ByteBuffer data = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
    data.putShort(Float.floatToFloat16(1.5f)).putShort(Float.floatToFloat16(-0.25f)); // f16 [0,4)
    data.putShort((short) (Float.floatToIntBits(3.0f) >>> 16)); // bf16 [4,6)
    data.put((byte) 200).put((byte) 1); // u8 [6,8)
    data.putDouble(Math.PI); // f64 [8,16)
    data.putLong(-5).putLong(1L << 40); // i64 [16,32)
    data.putInt(7).putInt(-8); // i32 [32,40)
    String header = "{\"__metadata__\":{\"k\":\"v\"},"
        + "\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]},"
        + "\"b\":{\"dtype\":\"BF16\",\"shape\":[],\"data_offsets\":[4,6]},"
        + "\"u\":{\"dtype\":\"U8\",\"shape\":[1,2],\"data_offsets\":[6,8]},"
        + "\"d\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[8,16]},"
        + "\"l\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[16,32]},"
        + "\"i\":{\"dtype\":\"I32\",\"shape\":[2,1],\"data_offsets\":[32,40]}}";
    Path p = write("hand.safetensors", header, Arrays.copyOf(data.array(), 40));
    SafeTensors.Contents c = SafeTensors.read(p);
    assertEquals(List.of("h", "b", "u", "d", "l", "i"), List.copyOf(c.tensors().keySet()));
    assertArrayEquals(new float[] {1.5f, -0.25f}, c.get("h").data());
    assertArrayEquals(new float[] {3f}, c.get("b").data());
    assertEquals(0, c.get("b").rank());
    assertArrayEquals(new float[] {200f, 1f}, c.get("u").data());
    assertArrayEquals(new float[] {(float) Math.PI}, c.get("d").data());
    assertArrayEquals(new float[] {-5f, (float) (1L << 40)}, c.get("l").data());
    assertArrayEquals(new float[] {7f, -8f}, c.get("i").data());
    assertArrayEquals(new int[] {2, 1}, c.get("i").shape().dims());
    assertEquals(Map.of("k", "v"), c.metadata());
  }

  @Test
  void corruptFilesNameFileAndTensor() throws IOException {
    byte[] eight = new byte[8];
    String ok = "{\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
    bad("short.safetensors", new byte[3], "short.safetensors: file size (3 bytes) is smaller than the 8-byte header length");
    bad("len.safetensors", withLength(1000, ok, eight), "len.safetensors: header length (1000) is larger than the rest of the file (62 bytes)");
    bad("neg.safetensors", withLength(-1, ok, eight), "neg.safetensors: header length (18446744073709551615) is larger than the rest of the file (62 bytes)");
    bad("json.safetensors", bytes("{\"t\":{\"dtype\" \"F32\"}}", eight), "json.safetensors: JSON header at position 14: expected ':' but found '\"'");
    bad("arr.safetensors", bytes("[1,2]", eight), "arr.safetensors: JSON header is not an object");
    bad("dtype.safetensors", bytes(ok.replace("F32", "F8_E4M3"), eight),
        "dtype.safetensors: tensor \"t\": dtype (F8_E4M3) is not supported; supported are [F32, F64, F16, BF16, I64, I32, I16, I8, U8, BOOL]");
    bad("size.safetensors", bytes(ok.replace("[2]", "[3]"), eight), "size.safetensors: tensor \"t\": data_offsets [0,8] span 8 bytes but F32 shape [3] needs 12");
    bad("trunc.safetensors", bytes(ok, new byte[5]), "trunc.safetensors: tensor \"t\": data_offsets [0, 8] run past the data buffer (5 bytes); file truncated?");
    bad("trail.safetensors", bytes(ok, new byte[12]), "trail.safetensors: tensors cover 8 bytes of a 12-byte data buffer (trailing bytes)");
    bad("offs.safetensors", bytes(ok.replace("[0,8]", "[8,0]"), eight), "offs.safetensors: tensor \"t\": data_offsets ([8,0]) is not a pair [begin, end] with 0 <= begin <= end");
    bad("shape.safetensors", bytes(ok.replace("[2]", "[-2]"), eight), "shape.safetensors: tensor \"t\": shape [-2] has an invalid dimension -2");
    String two = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}";
    bad("overlap.safetensors", bytes(two, eight), "overlap.safetensors: tensor \"b\": data_offsets [4, 8] overlap the previous tensor, which ends at 8");
    String gap = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}";
    bad("gap.safetensors", bytes(gap, eight), "gap.safetensors: tensor \"a\": data_offsets [4, 8] leave a gap after the previous tensor, which ends at 0");
    bad("meta.safetensors", bytes("{\"__metadata__\":{\"n\":3}}", new byte[0]), "meta.safetensors: __metadata__ value of \"n\" (3) is not a string");
    byte[] utf = withLength(2, "", new byte[0]);
    utf = Arrays.copyOf(utf, 10);
    utf[8] = (byte) 0xC3;
    utf[9] = (byte) 0x28;
    bad("utf.safetensors", utf, "utf.safetensors: header is not valid UTF-8");
  }

  @Test
  void truncatingAValidFileAlwaysFailsCleanly() throws IOException {
    Path p = dir.resolve("ok.safetensors");
    SafeTensors.write(p, Map.of("a", Tensor.zeros(3), "b", Tensor.zeros(2, 2)), Map.of("x", "y"));
    byte[] all = Files.readAllBytes(p);
    for (int n = 0; n < all.length; n++) {
      Path q = dir.resolve("cut" + n + ".safetensors");
      Files.write(q, Arrays.copyOf(all, n));
      BadInputException e = assertThrows(BadInputException.class, () -> SafeTensors.read(q));
      assertTrue(e.getMessage().startsWith("cut" + n + ".safetensors: "), e.getMessage());
    }
  }

  @Test
  void missingFile() {
    BadInputException e = assertThrows(BadInputException.class, () -> SafeTensors.read(dir.resolve("nope.safetensors")));
    assertTrue(e.getMessage().startsWith("nope.safetensors: no such file"), e.getMessage());
  }

  private void bad(String name, byte[] content, String message) throws IOException {
    Path p = dir.resolve(name);
    Files.write(p, content);
    BadInputException e = assertThrows(BadInputException.class, () -> SafeTensors.read(p));
    assertEquals(message, e.getMessage());
  }

  private Path write(String name, String header, byte[] data) throws IOException {
    Path p = dir.resolve(name);
    Files.write(p, bytes(header, data));
    return p;
  }

  private static byte[] bytes(String header, byte[] data) {
    return withLength(header.getBytes(StandardCharsets.UTF_8).length, header, data);
  }

  private static byte[] withLength(long len, String header, byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(len).array());
    out.writeBytes(header.getBytes(StandardCharsets.UTF_8));
    out.writeBytes(data);
    return out.toByteArray();
  }
}
