package dev.fivefold.compress.code;

import dev.fivefold.io.BadInputException;
import java.util.ArrayList;
import java.util.List;

/**
 * Codes the codebook indices of a pruned tensor's kept weights, in position order, with one
 * adaptive order-0 model per {@link CodeContext} (the neighbours' mean code rank), with the range
 * coder. The kept positions and the codebook are known to the decoder (the archive's index and
 * codebook sections come first), so the neighbours are too.
 *
 * <p>Model: per context an {@link AdaptiveModel} with increment 2 (counts start at 1: the
 * Krichevsky–Trofimov estimator, probability {@code (c_s + 1/2) / (n + K/2)}), halved when its total
 * passes 2^16. The bound it is measured against is the conditional empirical entropy {@code sum_c
 * n_c H_c} over the contexts ({@link #counts}); with the NML price {@code log2 C(k_c, n_c)} of each
 * context added, the minimax code length of the model.
 *
 * <p>Stream, bit-packed MSB-first:
 *
 * <pre>
 * magic        8 bits, 'C' | 0x80
 * count        Elias gamma of count + 1 (the kept weights)
 * alphabet     Elias gamma of K (the codebook size)
 * (if count &gt; 0)
 * context      gamma(bins), gamma(neighbours), gamma(width)
 * padding      to a byte
 * payload      the range-coder bytes (without its leading zero byte)
 * </pre>
 *
 * {@link #decode} checks count and alphabet against the caller's, every context field, and that the
 * payload can hold the symbols (each costs at least {@code -log2(1 - 1/(2^16 + 2))} bits); a corrupt
 * stream is a {@link BadInputException}.
 */
public final class ContextCodesCoder {
  /** The name in reports. */
  public static final String NAME = "ctx-codes";
  static final int MAGIC = 'C' | StreamHeader.V2;
  private static final int INCREMENT = 2;
  private static final int[] BINS = {2, 4, 8, 12, 16, 24, 32};

  private ContextCodesCoder() {}

  /** One kept weight of the walk: codes (or decodes) its code in {@code context}, returns it. */
  @FunctionalInterface
  private interface Symbol {
    int code(int i, int context, int code);
  }

  /** Visits the kept weights in order with their contexts; {@code codes} is null when decoding. */
  private static void walk(int[] positions, int[] codes, int cols, float[] codebook, CodeContext m, Symbol symbol) {
    int[] rank = CodeContext.ranks(codebook);
    int[] rowRank = new int[cols];
    java.util.Arrays.fill(rowRank, -1);
    int row = -1;
    for (int i = 0; i < positions.length; i++) {
      int r = positions[i] / cols, j = positions[i] % cols;
      if (r != row) {
        java.util.Arrays.fill(rowRank, -1);
        row = r;
      }
      int c = symbol.code(i, m.of(j, rowRank, codebook.length), codes == null ? -1 : codes[i]);
      rowRank[j] = rank[c];
    }
  }

  /**
   * The shortest stream over a grid of contexts, searched in two stages: the template and width
   * (left at {@code cols}, the 2-d templates at each of {@code widths}) with 8 bins, then the bins
   * ({@code 2..32}) for the best of them.
   *
   * @param positions the kept weights' flat positions, strictly ascending
   * @param codes the codebook index of each kept weight
   * @param cols the tensor's row length (its last dimensions' product)
   * @param codebook the codebook, 1..65536 values
   * @param widths the widths tried for the 2-d templates; those outside (1, cols) are skipped
   * @return the shortest stream found
   * @throws IllegalArgumentException if the arrays are inconsistent
   */
  public static byte[] encode(int[] positions, int[] codes, int cols, float[] codebook, List<Integer> widths) {
    if (positions.length == 0) return encode(positions, codes, cols, codebook, new CodeContext(1, 1, Math.max(1, cols)));
    List<CodeContext> templates = new ArrayList<>();
    templates.add(new CodeContext(8, 1, cols));
    for (int w : widths) {
      if (w <= 1 || w >= cols) continue;
      templates.add(new CodeContext(8, 2, w));
      templates.add(new CodeContext(8, 3, w));
    }
    CodeContext t = templates.getFirst();
    byte[] best = null;
    for (CodeContext m : templates) {
      byte[] s = encode(positions, codes, cols, codebook, m);
      if (best == null || s.length < best.length) {
        best = s;
        t = m;
      }
    }
    for (int b : BINS) {
      byte[] s = encode(positions, codes, cols, codebook, new CodeContext(b, t.neighbours(), t.width()));
      if (s.length < best.length) best = s;
    }
    return best;
  }

  /**
   * The stream of {@code codes} (each in {@code [0, codebook.length)}) of the kept {@code positions} of a tensor {@code cols} wide.
   *
   * @param positions the kept weights' flat positions, strictly ascending
   * @param codes the codebook index of each kept weight
   * @param cols the tensor's row length
   * @param codebook the codebook, 1..65536 values
   * @param m the context model
   * @return the stream
   * @throws IllegalArgumentException if the arrays are inconsistent or the context's width exceeds
   *     {@code cols}
   */
  public static byte[] encode(int[] positions, int[] codes, int cols, float[] codebook, CodeContext m) {
    check(positions, codes, cols, codebook);
    BitWriter w = new BitWriter();
    w.writeBits(MAGIC, 8);
    w.writeGamma(codes.length + 1L);
    w.writeGamma(codebook.length);
    if (codes.length == 0) return w.toByteArray();
    if (m.width() > cols) throw new IllegalArgumentException("width (" + m.width() + ") exceeds cols (" + cols + ")");
    w.writeGamma(m.bins());
    w.writeGamma(m.neighbours());
    w.writeGamma(m.width());
    w.alignToByte();
    AdaptiveModel[] models = new AdaptiveModel[m.contexts()];
    RangeEncoder enc = new RangeEncoder(codes.length / 2 + 16);
    walk(positions, codes, cols, codebook, m, (i, c, s) -> {
      AdaptiveModel a = model(models, c, codebook.length);
      enc.encode(a.start(s), a.freq(s), a.total());
      a.update(s);
      return s;
    });
    byte[] payload = enc.finish(false);
    w.writeBytes(payload, 0, payload.length);
    return w.toByteArray();
  }

  private static AdaptiveModel model(AdaptiveModel[] models, int c, int alphabet) {
    if (models[c] == null) models[c] = new AdaptiveModel(alphabet, INCREMENT, AdaptiveArithmeticCoder.DEFAULT_LIMIT);
    return models[c];
  }

  /**
   * The codes of the kept {@code positions} (ascending, of a tensor {@code cols} wide) over {@code
   * codebook}; {@link BadInputException} for a corrupt or foreign stream or another count or alphabet.
   *
   * @param stream the stream
   * @param positions the kept positions, as encoded
   * @param cols the tensor's row length
   * @param codebook the codebook, as encoded
   * @return the codes, one per position
   * @throws BadInputException if the stream is corrupt or does not match
   */
  public static int[] decode(byte[] stream, int[] positions, int cols, float[] codebook) {
    BitReader r = new BitReader(stream);
    CodeContext m = readHeader(r, positions.length, codebook.length, cols);
    if (m == null) return new int[0];
    r.alignToByte();
    int k = codebook.length;
    if (k > 1) {
      double total = AdaptiveModel.effectiveLimit(k, INCREMENT, AdaptiveArithmeticCoder.DEFAULT_LIMIT) + INCREMENT;
      StreamHeader.checkInformation(NAME, positions.length, 1 - 1 / total, r.remaining(), 40);
    }
    AdaptiveModel[] models = new AdaptiveModel[m.contexts()];
    int[] out = new int[positions.length];
    RangeDecoder dec = new RangeDecoder(stream, r.byteOffset(), stream.length, NAME, false);
    walk(positions, null, cols, codebook, m, (i, c, ignored) -> {
      AdaptiveModel a = model(models, c, k);
      int s = a.find(dec.target(a.total()));
      dec.consume(a.start(s), a.freq(s));
      a.update(s);
      out[i] = s;
      return s;
    });
    return out;
  }

  /**
   * The context model of a stream, or null when it codes no symbol; {@link BadInputException} if the header is corrupt.
   *
   * @param stream the stream
   * @return its context model, or null
   * @throws BadInputException if the header is corrupt
   */
  public static CodeContext context(byte[] stream) {
    return readHeader(new BitReader(stream), -1, -1, Integer.MAX_VALUE);
  }

  /**
   * Where the stream's bits go: magic, count and alphabet; context fields and padding; payload.
   *
   * @param stream the stream
   * @return the bits of each part
   */
  public static StreamLayout layout(byte[] stream) {
    BitReader r = new BitReader(stream);
    r.readBits(8);
    r.readGamma();
    r.readGamma();
    long header = r.position();
    if (context(stream) != null) {
      for (int i = 0; i < 3; i++) r.readGamma();
      r.alignToByte();
    }
    return new StreamLayout(NAME, 2, header, r.position() - header, 8L * stream.length - r.position());
  }

  private static CodeContext readHeader(BitReader r, int count, int alphabet, int cols) {
    int magic = (int) r.readBits(8);
    if (magic != MAGIC) throw new BadInputException(NAME + ": magic (0x" + Integer.toHexString(magic) + ") is not 0x" + Integer.toHexString(MAGIC));
    long n = r.readGamma() - 1, k = r.readGamma();
    if (count >= 0 && (n != count || k != alphabet)) {
      throw new BadInputException(NAME + ": stream holds " + n + " codes over " + k + ", the tensor " + count + " over " + alphabet);
    }
    if (n == 0) return null;
    long bins = r.readGamma(), nb = r.readGamma(), w = r.readGamma();
    if (bins > CodeContext.MAX_BINS) throw new BadInputException(NAME + ": bins (" + bins + ") exceeds " + CodeContext.MAX_BINS);
    if (nb > 3) throw new BadInputException(NAME + ": neighbours (" + nb + ") exceeds 3");
    if (w > Math.max(1, cols)) throw new BadInputException(NAME + ": width (" + w + ") exceeds cols (" + cols + ")");
    return new CodeContext((int) bins, (int) nb, (int) w);
  }

  /**
   * Per context ({@code [c]}) the count of each code ({@code [c][s]}) the walk codes under {@code m}.
   *
   * @param positions the kept weights' flat positions, strictly ascending
   * @param codes the codebook index of each kept weight
   * @param cols the tensor's row length
   * @param codebook the codebook
   * @param m the context model
   * @return the counts [contexts][codebook size]
   * @throws IllegalArgumentException if the arrays are inconsistent
   */
  public static long[][] counts(int[] positions, int[] codes, int cols, float[] codebook, CodeContext m) {
    check(positions, codes, cols, codebook);
    long[][] n = new long[m.contexts()][codebook.length];
    walk(positions, codes, cols, codebook, m, (i, c, s) -> {
      n[c][s]++;
      return s;
    });
    return n;
  }

  /**
   * {@code sum_c n_c H_c} in bits over {@link #counts}: the conditional empirical entropy.
   *
   * @param counts per context the count of each code
   * @return the conditional empirical entropy in bits
   */
  public static double conditionalEntropyBits(long[][] counts) {
    double h = 0;
    for (long[] c : counts) h += Entropy.bits(c);
    return h;
  }

  /**
   * {@link #conditionalEntropyBits} plus each context's NML regret {@code log2 C(k_c, n_c)}, {@code k_c} its codes seen.
   *
   * @param counts per context the count of each code
   * @return the code length bound in bits
   */
  public static double nmlBits(long[][] counts) {
    double h = conditionalEntropyBits(counts);
    for (long[] c : counts) {
      long n = 0;
      for (long x : c) n += x;
      h += Entropy.nmlRegretBits(n, Frequencies.used(c));
    }
    return h;
  }

  /**
   * Contexts with at least one code.
   *
   * @param counts per context the count of each code
   * @return the number of contexts used
   */
  public static int usedContexts(long[][] counts) {
    int u = 0;
    for (long[] c : counts) if (Frequencies.used(c) > 0) u++;
    return u;
  }

  private static void check(int[] positions, int[] codes, int cols, float[] codebook) {
    if (positions.length != codes.length) throw new IllegalArgumentException("positions (" + positions.length + ") and codes (" + codes.length + ") differ in length");
    if (codebook.length < 1 || codebook.length > StreamHeader.MAX_ALPHABET) throw new IllegalArgumentException("codebook size (" + codebook.length + ") must be in [1, 65536]");
    if (positions.length > 0 && cols < 1) throw new IllegalArgumentException("cols (" + cols + ") must be >= 1");
    for (int i = 0; i < positions.length; i++) {
      if (positions[i] < 0 || (i > 0 && positions[i] <= positions[i - 1])) {
        throw new IllegalArgumentException("positions[" + i + "] (" + positions[i] + ") not ascending from 0");
      }
      if (codes[i] < 0 || codes[i] >= codebook.length) throw new IllegalArgumentException("codes[" + i + "] (" + codes[i] + ") outside the codebook of " + codebook.length);
    }
  }
}
