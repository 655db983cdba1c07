package dev.fivefold.compress.code;

/**
 * Extended Hamming code (72,64), SECDED: single error correcting, double error detecting (Hamming
 * 1950, "Error detecting and error correcting codes"; the extended form adds an overall parity
 * bit).
 *
 * <p>Data bit {@code i} of a 64-bit word (bit {@code i % 8}, LSB = 0, of byte {@code i / 8}) sits
 * at code position {@code p_i}, the {@code i}-th integer in {@code 1..71} that is not a power of
 * two. The check byte holds the 7-bit syndrome {@code XOR_{bit i set} p_i} in its low bits and the
 * overall parity of the 71 other bits in bit 7. On reading, the syndrome {@code s} of the received
 * word against its check bits and the overall parity {@code q} give: {@code s = 0, q = 0} no error;
 * {@code q = 1} one error, at position {@code s} (0 = the parity bit itself, a power of two = a
 * check bit); {@code q = 0, s != 0} two errors, uncorrectable.
 *
 * <p>Layout: the data {@code [off, off + len)} is split into {@code ceil(len / 8)} words (the last
 * padded with implicit zero bytes); check byte {@code w} belongs to word {@code w}. Overhead 1/8.
 */
final class HammingSecded implements ChannelCode {
  private static final int[] DATA_POS = new int[64]; // code position of data bit i
  private static final int[] POS_DATA = new int[128]; // inverse, -1 where no data bit
  private static final int[][] SYN = new int[8][256]; // syndrome contribution of byte b with value v

  static {
    java.util.Arrays.fill(POS_DATA, -1);
    int i = 0;
    for (int p = 1; p <= 71; p++) {
      if (Integer.bitCount(p) == 1) continue;
      DATA_POS[i] = p;
      POS_DATA[p] = i++;
    }
    for (int b = 0; b < 8; b++) {
      for (int v = 0; v < 256; v++) {
        int s = 0;
        for (int j = 0; j < 8; j++) if ((v >>> j & 1) != 0) s ^= DATA_POS[8 * b + j];
        SYN[b][v] = s;
      }
    }
  }

  @Override
  public String name() {
    return "hamming";
  }

  @Override
  public long parityLength(long dataLength) {
    return (dataLength + 7) / 8;
  }

  @Override
  public byte[] parity(byte[] buf, int off, int len) {
    byte[] out = new byte[(int) parityLength(len)];
    for (int w = 0; w < out.length; w++) {
      int s = 0;
      int ones = 0;
      for (int b = 0; b < 8; b++) {
        int v = byteAt(buf, off, len, 8 * w + b);
        s ^= SYN[b][v];
        ones += Integer.bitCount(v);
      }
      int q = (ones + Integer.bitCount(s)) & 1;
      out[w] = (byte) (s | q << 7);
    }
    return out;
  }

  @Override
  public Correction correct(byte[] buf, int off, int len, int parityOff) {
    long corrected = 0;
    long bad = 0;
    int words = (int) parityLength(len);
    for (int w = 0; w < words; w++) {
      int check = buf[parityOff + w] & 0xff;
      int s = check & 0x7f;
      int ones = Integer.bitCount(check);
      for (int b = 0; b < 8; b++) {
        int v = byteAt(buf, off, len, 8 * w + b);
        s ^= SYN[b][v];
        ones += Integer.bitCount(v);
      }
      int q = ones & 1;
      if (s == 0 && q == 0) continue;
      if (q == 0) { // two errors
        bad++;
      } else if (s == 0) { // the overall parity bit
        buf[parityOff + w] ^= (byte) 0x80;
        corrected++;
      } else if (Integer.bitCount(s) == 1) { // a check bit
        buf[parityOff + w] ^= (byte) s;
        corrected++;
      } else {
        int i = POS_DATA[s];
        int at = 8 * w + i / 8;
        if (i < 0 || at >= len) { // three or more errors pointing nowhere
          bad++;
        } else {
          buf[off + at] ^= (byte) (1 << (i % 8));
          corrected++;
        }
      }
    }
    return new Correction(corrected, bad);
  }

  private static int byteAt(byte[] buf, int off, int len, int i) {
    return i < len ? buf[off + i] & 0xff : 0;
  }
}
