package dev.fivefold.io.tensorboard;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The protocol-buffer wire format, the part the event files need: varints (wire type 0), 64-bit
 * (1), length-delimited (2) and 32-bit (5) fields, written in field order. A message is built
 * bottom-up: a nested message is a {@code Proto} whose bytes become a length-delimited field.
 */
final class Proto {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  Proto varint(int field, long v) {
    tag(field, 0);
    raw(v);
    return this;
  }

  Proto float64(int field, double v) {
    tag(field, 1);
    long b = Double.doubleToRawLongBits(v);
    for (int i = 0; i < 8; i++) out.write((int) (b >>> (8 * i)));
    return this;
  }

  Proto float32(int field, float v) {
    tag(field, 5);
    int b = Float.floatToRawIntBits(v);
    for (int i = 0; i < 4; i++) out.write(b >>> (8 * i));
    return this;
  }

  Proto bytes(int field, byte[] b) {
    tag(field, 2);
    raw(b.length);
    out.writeBytes(b);
    return this;
  }

  Proto string(int field, String s) {
    return bytes(field, s.getBytes(StandardCharsets.UTF_8));
  }

  Proto message(int field, Proto m) {
    return bytes(field, m.toByteArray());
  }

  /** A packed repeated double field ({@code [packed = true]}, the proto3 default). */
  Proto packedDoubles(int field, double[] v) {
    Proto p = new Proto();
    for (double d : v) {
      long b = Double.doubleToRawLongBits(d);
      for (int i = 0; i < 8; i++) p.out.write((int) (b >>> (8 * i)));
    }
    return bytes(field, p.toByteArray());
  }

  byte[] toByteArray() {
    return out.toByteArray();
  }

  private void tag(int field, int wireType) {
    raw(((long) field << 3) | wireType);
  }

  private void raw(long v) {
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }
}
