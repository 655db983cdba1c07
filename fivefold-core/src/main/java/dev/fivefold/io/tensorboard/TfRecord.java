package dev.fivefold.io.tensorboard;

import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.CRC32C;

/**
 * TFRecord framing: each record is
 * <pre>
 *   uint64 length        (little-endian)
 *   uint32 masked_crc32c(length bytes)
 *   byte   data[length]
 *   uint32 masked_crc32c(data)
 * </pre>
 * with {@code masked(c) = ((c >>> 15) | (c << 17)) + 0xa282ead8} (mod 2^32), CRC32C being the
 * Castagnoli polynomial ({@link CRC32C}). The mask keeps a CRC of data that itself holds CRCs from
 * being trivially zero (TensorFlow, {@code tensorflow/core/lib/hash/crc32c.h}).
 */
public final class TfRecord {
  private static final int MASK_DELTA = 0xa282ead8;

  private TfRecord() {}

  /**
   * The masked CRC32C of {@code b[off, off + len)}.
   * @param b the bytes
   * @param off the first byte
   * @param len the number of bytes
   * @return the masked checksum
   */
  public static int maskedCrc(byte[] b, int off, int len) {
    CRC32C c = new CRC32C();
    c.update(b, off, len);
    int crc = (int) c.getValue();
    return ((crc >>> 15) | (crc << 17)) + MASK_DELTA;
  }

  /**
   * Writes one record holding {@code data}.
   * @param out the stream written to
   * @param data the record's payload
   * @throws IOException if the write fails
   */
  public static void write(OutputStream out, byte[] data) throws IOException {
    byte[] len = new byte[8];
    long n = data.length;
    for (int i = 0; i < 8; i++) len[i] = (byte) (n >>> (8 * i));
    out.write(len);
    writeInt(out, maskedCrc(len, 0, 8));
    out.write(data);
    writeInt(out, maskedCrc(data, 0, data.length));
  }

  private static void writeInt(OutputStream out, int v) throws IOException {
    for (int i = 0; i < 4; i++) out.write(v >>> (8 * i));
  }
}
