package dev.fivefold.compress.archive;

import dev.fivefold.compress.code.ChannelCode;
import dev.fivefold.io.BadInputException;

/** The channel code protecting an archive body, {@code --ecc none|hamming|rs}; {@link #id} is stored in the preamble. */
public enum Ecc {
  /** No protection: any flipped bit makes the reader refuse (CRC32C). */
  NONE(0, null),
  /** SECDED Hamming (72,64): one check byte per 8 body bytes; corrects one bit per word. */
  HAMMING(1, ChannelCode.hamming()),
  /** Interleaved RS(255,223): 32 check bytes per 223 body bytes; corrects 16 bytes per code word. */
  RS(2, ChannelCode.reedSolomon());

  final int id;
  private final ChannelCode code;

  Ecc(int id, ChannelCode code) {
    this.id = id;
    this.code = code;
  }

  /**
   * The flag spelling, e.g. {@code "rs"}.
   *
   * @return the lower-case name
   */
  public String flag() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * Check bytes added to a body of {@code bodyLength} bytes.
   *
   * @param bodyLength the body's bytes
   * @return the check bytes
   */
  public long overhead(long bodyLength) {
    return code == null ? 0 : code.parityLength(bodyLength);
  }

  /** The code; absent for {@link #NONE}. */
  java.util.Optional<ChannelCode> code() {
    return java.util.Optional.ofNullable(code);
  }

  /**
   * Parses a flag value; {@link BadInputException} naming {@code --ecc} otherwise.
   *
   * @param flag "none", "hamming" or "rs"
   * @return the channel code
   * @throws BadInputException for any other value
   */
  public static Ecc parse(String flag) {
    for (Ecc e : values()) if (e.flag().equals(flag)) return e;
    throw new BadInputException("--ecc (" + flag + ") must be one of none|hamming|rs");
  }

  static Ecc ofId(int id) {
    for (Ecc e : values()) if (e.id == id) return e;
    return null;
  }
}
