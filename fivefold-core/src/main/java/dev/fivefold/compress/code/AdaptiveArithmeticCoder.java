package dev.fivefold.compress.code;

import dev.fivefold.io.BadInputException;

/**
 * Range (arithmetic) coding with an adaptive order-0 model ({@link AdaptiveModel}): no table is
 * sent; encoder and decoder update identical counts after each symbol (Witten, Neal and Cleary
 * 1987, section 3). The price is the learning cost, roughly {@code (alphabet - 1) / 2 * log2 n}
 * bits, and a small loss from the periodic rescaling.
 *
 * <p>Stream: the common header ({@link StreamHeader}, magic {@code 'a'}), Elias gamma of {@code
 * increment}, then in version 2 one bit that is 1 for the default limit and otherwise followed by
 * Elias gamma of {@code limit} (version 1: always Elias gamma of {@code limit}), padding to a byte,
 * then the range-coder bytes (version 2 drops the range coder's leading zero byte). The prior
 * weight of a symbol not yet seen is {@code 1 / increment} of a coded one: {@code increment = 2} is
 * the Krichevsky–Trofimov estimator (1981), whose excess over the empirical entropy is about
 * {@code (k - 1) / 2 * log2 n} bits for {@code k} used symbols; larger increments favour
 * alphabets with many unused symbols. The decoder checks
 * {@code increment} in {@code [1, 2^16]} and {@code limit} in {@code [16, 2^20]}.
 *
 * @param increment count added per coded symbol, {@code [1, 2^16]}, default 24 (with the default
 *     limit, about 1,400 symbols between rescales: fast to adapt, precise enough)
 * @param limit total that triggers halving, {@code [16, 2^20]}, default 2^16 (keeps
 *     {@code range / total >= 2^8}); raised to {@code 4 * max(alphabet, increment)}
 */
public record AdaptiveArithmeticCoder(int increment, int limit) implements EntropyCoder {
  public static final int DEFAULT_INCREMENT = 24;
  public static final int DEFAULT_LIMIT = 1 << 16;
  static final int MAGIC = 'a';
  private static final int MAX_INCREMENT = 1 << 16;
  private static final int MIN_LIMIT = 16;
  private static final int MAX_LIMIT = 1 << 20;

  /**
   * Checks the ranges.
   *
   * @throws IllegalArgumentException if {@code increment} is outside [1, 65536] or {@code limit} outside [16,
   *     2^20]
   */
  public AdaptiveArithmeticCoder {
    if (increment < 1 || increment > MAX_INCREMENT) {
      throw new IllegalArgumentException("increment (" + increment + ") must be in [1, 65536]");
    }
    if (limit < MIN_LIMIT || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit (" + limit + ") must be in [16, 2^20]");
    }
  }

  @Override
  public String name() {
    return "arith-adaptive";
  }

  @Override
  public byte[] encode(int[] symbols, int alphabet) {
    StreamHeader.checkSymbols(symbols, alphabet);
    BitWriter w = new BitWriter();
    new StreamHeader(MAGIC, alphabet, symbols.length).write(w);
    if (symbols.length == 0) return w.toByteArray();
    w.writeGamma(increment);
    w.writeBit(limit == DEFAULT_LIMIT);
    if (limit != DEFAULT_LIMIT) w.writeGamma(limit);
    w.alignToByte();
    AdaptiveModel m = new AdaptiveModel(alphabet, increment, limit);
    RangeEncoder enc = new RangeEncoder(symbols.length / 2 + 16);
    for (int s : symbols) {
      enc.encode(m.start(s), m.freq(s), m.total());
      m.update(s);
    }
    byte[] payload = enc.finish(false);
    w.writeBytes(payload, 0, payload.length);
    return w.toByteArray();
  }

  @Override
  public StreamLayout layout(byte[] stream) {
    return StreamLayout.measure(stream, MAGIC, name(), (r, h) -> {
      r.readGamma();
      if (h.version() == 1 || !r.readBit()) r.readGamma();
      r.alignToByte();
    });
  }

  @Override
  public int[] decode(byte[] stream, int maxSymbols) {
    BitReader r = new BitReader(stream);
    StreamHeader h = StreamHeader.read(r, MAGIC, name(), maxSymbols);
    if (h.count() == 0) return new int[0];
    long inc = r.readGamma();
    long lim = h.version() == 1 || !r.readBit() ? r.readGamma() : DEFAULT_LIMIT;
    if (inc > MAX_INCREMENT) throw new BadInputException(name() + ": increment (" + inc + ") exceeds 65536");
    if (lim < MIN_LIMIT || lim > MAX_LIMIT) throw new BadInputException(name() + ": limit (" + lim + ") outside [16, 2^20]");
    r.alignToByte();
    int a = h.alphabet();
    if (a > 1) {
      double total = AdaptiveModel.effectiveLimit(a, (int) inc, (int) lim) + inc;
      StreamHeader.checkInformation(name(), h.count(), 1 - 1 / total, r.remaining(), 40);
    }
    AdaptiveModel m = new AdaptiveModel(a, (int) inc, (int) lim);
    RangeDecoder dec = new RangeDecoder(stream, r.byteOffset(), stream.length, name(), h.version() == 1);
    int[] out = new int[h.count()];
    for (int i = 0; i < out.length; i++) {
      int s = m.find(dec.target(m.total()));
      dec.consume(m.start(s), m.freq(s));
      m.update(s);
      out[i] = s;
    }
    return out;
  }
}
