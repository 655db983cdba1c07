package dev.fivefold.compress.code;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fivefold.io.BadInputException;
import dev.fivefold.tensor.Rng;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class BitIoTest {
  @Test
  void msbFirstLayout() {
    BitWriter w = new BitWriter();
    w.writeBits(1, 1);
    w.writeBits(0b0110, 4);
    w.writeBits(0x1FF, 9);
    assertEquals(14, w.bitLength());
    // 1 0110 111111111 00 -> 1011 0111 | 1111 1100
    assertArrayEquals(new byte[] {(byte) 0xB7, (byte) 0xFC}, w.toByteArray());
  }

  @Test
  void randomRoundTripsWithGammaAndAlignment() throws IOException {
    Rng rng = new Rng(7);
    for (int c = 0; c < 200; c++) {
      int n = rng.nextInt(300);
      int[] kind = new int[n], width = new int[n];
      long[] val = new long[n];
      BitWriter w = new BitWriter(0);
      for (int i = 0; i < n; i++) {
        kind[i] = rng.nextInt(3);
        if (kind[i] == 0) {
          width[i] = rng.nextInt(33);
          val[i] = width[i] == 0 ? 0 : rng.nextLong() >>> (64 - width[i]);
          w.writeBits(val[i], width[i]);
        } else if (kind[i] == 1) {
          val[i] = 1 + (rng.nextLong() >>> (2 + rng.nextInt(62)));
          w.writeGamma(val[i]);
        } else {
          w.alignToByte();
        }
      }
      BitReader r = rng.nextInt(2) == 0 ? new BitReader(w.toByteArray())
          : BitReader.of(new ByteArrayInputStream(w.toByteArray()));
      for (int i = 0; i < n; i++) {
        if (kind[i] == 0) assertEquals(val[i], r.readBits(width[i]), "case " + c + " item " + i);
        else if (kind[i] == 1) assertEquals(val[i], r.readGamma(), "case " + c + " item " + i);
        else r.alignToByte();
      }
      assertEquals(w.bitLength(), r.position());
    }
  }

  @Test
  void readingPastTheEndNamesTheBit() {
    BitReader r = new BitReader(new byte[] {(byte) 0xFF, 0x00});
    r.readBits(12);
    BadInputException e = assertThrows(BadInputException.class, () -> r.readBits(5));
    assertEquals("truncated stream at bit 16", e.getMessage());
    assertEquals(12, r.position());
    assertEquals(0b0000, r.peekBits(8) >>> 4); // peek pads with zeros
  }

  @Test
  void gammaOfAllZerosIsCorruptNotALoop() {
    BitReader r = new BitReader(new byte[1000]);
    assertThrows(BadInputException.class, r::readGamma);
  }

  @Test
  void argumentsAreChecked() {
    BitWriter w = new BitWriter();
    assertThrows(IllegalArgumentException.class, () -> w.writeBits(0, 33));
    assertThrows(IllegalArgumentException.class, () -> w.writeGamma(0));
    assertThrows(IllegalArgumentException.class, () -> new BitReader(new byte[2], 1, 2));
  }
}
