package dev.fivefold.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.io.BadInputException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxTest {
  @TempDir Path dir;

  static Idx sample() {
    byte[] data = new byte[3 * 4 * 5];
    for (int i = 0; i < data.length; i++) data[i] = (byte) (i * 37);
    return new Idx(new int[] {3, 4, 5}, data);
  }

  @Test
  void roundTripsRawAndGzipDetectedByMagicNotName() throws IOException {
    Idx a = sample();
    Path raw = dir.resolve("images.gz"); // misleading name: raw content
    Path gz = dir.resolve("images.raw"); // misleading name: gzip content
    a.write(raw, false);
    a.write(gz, true);
    assertEquals(0x1f, Files.readAllBytes(gz)[0] & 0xFF);
    assertEquals(a, Idx.read(raw));
    assertEquals(a, Idx.read(gz));
    Idx b = Idx.read(gz);
    assertEquals(3, b.count());
    assertEquals(20, b.itemSize());
    assertEquals((37 * 7) & 0xFF, b.unsigned(7));
    byte[] bytes = Files.readAllBytes(raw);
    assertArrayEquals(new byte[] {0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0, 5}, Arrays.copyOf(bytes, 16));
  }

  @Test
  void badHeaders() throws IOException {
    bad("m.idx", new byte[] {0, 1, 8, 1, 0, 0, 0, 1, 9}, "m.idx: magic (0x00010801) is not an IDX file (0x000008nn)");
    bad("t.idx", new byte[] {0, 0, 0x0D, 1, 0, 0, 0, 1, 9, 9, 9, 9}, "t.idx: element type (0x0d) is not unsigned byte (0x08)");
    bad("n.idx", new byte[] {0, 0, 8, 0}, "n.idx: number of dimensions (0) must be >= 1");
    bad("z.idx", new byte[] {0, 0, 8, 2, 0, 0, 0, 1, 0, 0, 0, 0}, "z.idx: dimension 1 (0) must be > 0 and < 2^31");
    bad("neg.idx", new byte[] {0, 0, 8, 1, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xfe}, "neg.idx: dimension 0 (4294967294) must be > 0 and < 2^31");
    bad("big.idx", new byte[] {0, 0, 8, 2, 0, 1, 0, 0, 0, 1, 0, 0}, "big.idx: dimensions [65536, 65536] have 2^31 or more elements");
    bad("e.idx", new byte[] {0, 0}, "e.idx: file is truncated in the magic number (2 of 4 bytes)");
    bad("d.idx", new byte[] {0, 0, 8, 2, 0, 0, 0, 1}, "d.idx: file is truncated in the dimensions (4 of 8 bytes)");
  }

  @Test
  void truncatedAndTrailingBytes() throws IOException {
    byte[] ok = idxBytes(sample());
    bad("cut.idx", Arrays.copyOf(ok, ok.length - 1), "cut.idx: file is truncated: dimensions [3, 4, 5] need 60 data bytes, found 59");
    bad("cut.idx.gz", gzip(Arrays.copyOf(ok, ok.length - 7)), "cut.idx.gz: file is truncated: dimensions [3, 4, 5] need 60 data bytes, found 53");
    bad("long.idx", Arrays.copyOf(ok, ok.length + 3), "long.idx: 3 trailing bytes after the 60 data bytes of dimensions [3, 4, 5]");
  }

  @Test
  void corruptGzip() throws IOException {
    byte[] gz = gzip(idxBytes(sample()));
    byte[] cut = Arrays.copyOf(gz, gz.length - 10);
    BadInputException e = bad("cut.gz", cut, null);
    assertTrue(e.getMessage().startsWith("cut.gz: gzip stream is corrupt or truncated ("), e.getMessage());
    byte[] flipped = gz.clone();
    flipped[gz.length / 2] ^= 0x55;
    flipped[gz.length / 2 + 1] ^= 0x55;
    e = bad("flip.gz", flipped, null);
    assertTrue(e.getMessage().startsWith("flip.gz: gzip stream is corrupt or truncated ("), e.getMessage());
    byte[] header = Arrays.copyOf(gz, gz.length);
    header[2] = 7; // unsupported compression method
    e = bad("hdr.gz", header, null);
    assertTrue(e.getMessage().startsWith("hdr.gz: gzip stream is corrupt or truncated ("), e.getMessage());
  }

  @Test
  void missingFile() {
    BadInputException e = assertThrows(BadInputException.class, () -> Idx.read(dir.resolve("none.gz")));
    assertTrue(e.getMessage().startsWith("none.gz: no such file"));
  }

  static byte[] idxBytes(Idx idx) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    idx.writeTo(out);
    return out.toByteArray();
  }

  static byte[] gzip(byte[] b) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(b);
    }
    return out.toByteArray();
  }

  private BadInputException bad(String name, byte[] content, String message) throws IOException {
    Path p = dir.resolve(name);
    Files.write(p, content);
    BadInputException e = assertThrows(BadInputException.class, () -> Idx.read(p));
    if (message != null) assertEquals(message, e.getMessage());
    return e;
  }
}
