package dev.fivefold.compress.code;

/**
 * A systematic error-correcting (channel) code over a byte array: the data stays as it is and
 * {@link #parity} computes check bytes that are stored after it; {@link #correct} repairs the data
 * and the check bytes in place, as far as the code allows.
 *
 * <p>Unlike an {@link EntropyCoder}, which removes redundancy, a channel code adds it (Shannon
 * 1948, part II). Implementations are immutable and thread-safe.
 */
public interface ChannelCode {
  /**
   * A short name, e.g. {@code "hamming"}.
   *
   * @return the name
   */
  String name();

  /**
   * Number of check bytes for {@code dataLength} data bytes.
   *
   * @param dataLength data bytes, &ge; 0
   * @return the check bytes needed
   */
  long parityLength(long dataLength);

  /**
   * The check bytes of {@code buf[off, off + len)}, {@link #parityLength}{@code (len)} of them.
   *
   * @param buf the array
   * @param off the first data byte
   * @param len the data bytes
   * @return the check bytes
   */
  byte[] parity(byte[] buf, int off, int len);

  /**
   * Corrects {@code buf[off, off + len)} and its check bytes at {@code buf[parityOff, parityOff +
   * parityLength(len))} in place. Never throws on corrupt data: what cannot be corrected is left
   * as it is and counted.
   *
   * @param buf the array holding the data and the check bytes, changed in place
   * @param off the first data byte
   * @param len the data bytes
   * @param parityOff the first check byte
   * @return the counts of corrected and uncorrectable errors
   */
  Correction correct(byte[] buf, int off, int len, int parityOff);

  /**
   * What {@link #correct} did.
   *
   * @param corrected symbols corrected (bits for Hamming, bytes for Reed–Solomon)
   * @param uncorrectable code words with a detected error the code could not correct
   */
  record Correction(long corrected, long uncorrectable) {}

  /**
   * Extended Hamming (72,64): one check byte per 64-bit word; corrects 1 and detects 2 bit errors per word.
   *
   * @return the code
   */
  static ChannelCode hamming() {
    return new HammingSecded();
  }

  /**
   * Reed–Solomon RS(255,223) over GF(2^8), interleaved across the whole data; corrects 16 byte errors per code word.
   *
   * @return the code
   */
  static ChannelCode reedSolomon() {
    return new ReedSolomon(32);
  }
}
