package dev.fivefold.compress.code;

/**
 * Range (arithmetic) coding with a static order-0 model: counts normalised to {@code 2^scaleBits}
 * and sent ahead of the payload (Witten, Neal and Cleary 1987, "Arithmetic coding for data
 * compression"; the 32-bit coder is {@link RangeEncoder}).
 *
 * <p>Stream: the common header ({@link StreamHeader}, magic {@code 'A'}); if the count is nonzero,
 * the {@link StaticModel} (5 bits of {@code scaleBits}, the frequency table), padding to a byte,
 * then the range-coder bytes (version 1: with the range coder's leading zero byte; version 2
 * without it). The cost is the cross-entropy of the data under the normalised model plus at
 * most about 5 bytes of flush; with {@code 2^16} the normalisation loss is well under 0.5% for
 * alphabets of a few hundred symbols.
 *
 * @param scaleBits model precision, {@code [1, 16]}, default 16; raised to fit the used symbols
 */
public record StaticArithmeticCoder(int scaleBits) implements EntropyCoder {
  public static final int DEFAULT_SCALE_BITS = 16;
  static final int MAGIC = 'A';
  private static final int MAX_SCALE_BITS = 16;

  /**
   * Checks the range.
   *
   * @throws IllegalArgumentException if {@code scaleBits} is outside [1, 16]
   */
  public StaticArithmeticCoder {
    if (scaleBits < 1 || scaleBits > MAX_SCALE_BITS) {
      throw new IllegalArgumentException("scaleBits (" + scaleBits + ") must be in [1, 16]");
    }
  }

  @Override
  public String name() {
    return "arith-static";
  }

  @Override
  public byte[] encode(int[] symbols, int alphabet) {
    StreamHeader.checkSymbols(symbols, alphabet);
    BitWriter w = new BitWriter();
    new StreamHeader(MAGIC, alphabet, symbols.length).write(w);
    if (symbols.length == 0) return w.toByteArray();
    StaticModel m = StaticModel.fromCounts(Frequencies.count(symbols, alphabet), scaleBits, MAX_SCALE_BITS);
    m.write(w);
    w.alignToByte();
    RangeEncoder enc = new RangeEncoder(symbols.length / 2 + 16);
    int[] freq = m.freq, start = m.start;
    int bits = m.scaleBits;
    for (int s : symbols) enc.encodeShift(start[s], freq[s], bits);
    byte[] payload = enc.finish(false);
    w.writeBytes(payload, 0, payload.length);
    return w.toByteArray();
  }

  @Override
  public StreamLayout layout(byte[] stream) {
    return StreamLayout.measure(stream, MAGIC, name(), (r, h) -> {
      StaticModel.read(r, h.alphabet(), MAX_SCALE_BITS, name(), h.version());
      r.alignToByte();
    });
  }

  @Override
  public int[] decode(byte[] stream, int maxSymbols) {
    BitReader r = new BitReader(stream);
    StreamHeader h = StreamHeader.read(r, MAGIC, name(), maxSymbols);
    if (h.count() == 0) return new int[0];
    StaticModel m = StaticModel.read(r, h.alphabet(), MAX_SCALE_BITS, name(), h.version());
    r.alignToByte();
    StreamHeader.checkInformation(name(), h.count(), m.maxProbability(), r.remaining(), 40);
    int[] out = new int[h.count()];
    RangeDecoder dec = new RangeDecoder(stream, r.byteOffset(), stream.length, name(), h.version() == 1);
    int[] freq = m.freq, start = m.start;
    char[] lookup = m.lookup();
    int bits = m.scaleBits;
    for (int i = 0; i < out.length; i++) {
      int s = lookup[dec.targetShift(bits)];
      dec.consume(start[s], freq[s]);
      out[i] = s;
    }
    return out;
  }
}
