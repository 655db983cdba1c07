package dev.fivefold.compress.code;

import dev.fivefold.io.BadInputException;
import java.util.ArrayList;
import java.util.List;

/**
 * Codes which cells of a {@code rows x cols} tensor are kept (the sparsity pattern of a pruned
 * weight matrix) as a bilevel image, one adaptive binary model per context, with the range coder:
 * the context-modelling scheme of JBIG (ITU-T T.82, 1993) with the contexts of {@link MaskContext}
 * (column keep rate, row keep rate, neighbours in the input image). It replaces the relative
 * index's order-0 gaps, whose distribution ignores where in the row a gap is.
 *
 * <p>Model: in each context {@code c}, with {@code z_c} not-kept and {@code o_c} kept cells coded
 * so far, the next cell is kept with the Krichevsky–Trofimov probability {@code (o_c + 1/2) / (z_c
 * + o_c + 1)} (1981), sent to the range coder as {@code f = floor(2^16 (2 o_c + 1) / (2 z_c + 2 o_c
 * + 2))} clamped to {@code [1, 2^16 - 1]} out of {@code 2^16}. No table is sent and nothing is
 * forgotten, so in each context the payload is the KT code length, at most about {@code n_c h(o_c /
 * n_c) + 1/2 log2 n_c + 1} bits: the bound this coder is measured against is the conditional
 * empirical entropy {@code sum_c n_c h(o_c / n_c)} ({@link #conditionalEntropyBits}), and {@link
 * #nmlBits} adds the binary NML regret {@code log2 C(2, n_c)} of each context (Shtarkov 1987), the
 * minimax price of learning its probability.
 *
 * <p>Stream, bit-packed MSB-first ({@link BitWriter}):
 *
 * <pre>
 * magic        8 bits, 'M' | 0x80
 * rows, cols   Elias gamma of rows + 1 and of cols + 1
 * (if rows * cols &gt; 0)
 * context      gamma(columnBuckets), gamma(rowBuckets), gamma(neighbours + 1), gamma(width)
 * padding      to a byte
 * payload      the range-coder bytes (without its leading zero byte), cells in row-major order
 * </pre>
 *
 * <p>{@link #encode(int[], int, int, List)} tries a grid of contexts and keeps the shortest
 * stream. A tensor without cells ({@code rows * cols == 0}) is the magic and the dimensions only;
 * one with cells but nothing kept still codes every cell (cheaply: the KT probability of "kept"
 * falls as {@code 1 / (2 n)}). {@link #decode} checks the dimensions against the caller's, every context field, the
 * kept count against {@code maxKept} and that the payload can hold the cells at all (each costs at
 * least {@code -log2(1 - 2^-16)} bits), so a corrupt stream is a {@link BadInputException}.
 */
public final class ContextMaskCoder {
  /** The name in reports. */
  public static final String NAME = "ctx-mask";
  static final int MAGIC = 'M' | StreamHeader.V2;
  private static final int PROB_BITS = 16;
  private static final int ONE = 1 << PROB_BITS;
  private static final int[] COLUMN_BUCKETS = {1, 2, 4, 8, 12, 16, 24};
  private static final int[] ROW_BUCKETS = {1, 2, 4, 8};

  private ContextMaskCoder() {}

  /** One cell of the walk: codes (or decodes) {@code kept} in {@code context}, returns the cell's value. */
  @FunctionalInterface
  private interface Cell {
    boolean code(long index, int context, boolean kept);
  }

  /**
   * Visits every cell in row-major order with its context; {@code positions} (ascending) say which
   * are kept when encoding or counting, null when decoding (the cell then says).
   */
  private static void walk(int rows, int cols, MaskContext m, int[] positions, Cell cell) {
    int[] colKept = new int[cols];
    boolean[] row = new boolean[cols];
    int p = 0;
    long index = 0;
    for (int r = 0; r < rows; r++) {
      long rowKept = 0;
      for (int j = 0; j < cols; j++, index++) {
        boolean kept = positions != null && p < positions.length && positions[p] == index;
        kept = cell.code(index, m.of(r, j, colKept[j], rowKept, row), kept);
        if (kept) {
          p++;
          colKept[j]++;
          rowKept++;
        }
        row[j] = kept;
      }
    }
  }

  /** The range coder's frequency of "kept" in a context with these counts. */
  private static int keptFrequency(long zeros, long ones) {
    long f = ((2 * ones + 1) << PROB_BITS) / (2 * (zeros + ones) + 2);
    return (int) Math.max(1, Math.min(ONE - 1, f));
  }

  /**
   * The image widths worth trying for a tensor of this shape, most plausible first: the last
   * dimension of a 3+-d tensor (a conv kernel's width), the side of a square row (a flattened
   * image), then every divisor of the row length in {@code 2..64} (e.g. 5 for a row of 16 channels
   * of 5 x 5).
   *
   * @param shape the tensor's shape; rows are dimension 0
   * @return the widths, without repeats; empty for a rank below 2 or rows of one cell
   */
  public static List<Integer> widths(int[] shape) {
    java.util.LinkedHashSet<Integer> w = new java.util.LinkedHashSet<>();
    long cols = 1;
    for (int i = 1; i < shape.length; i++) cols *= shape[i];
    if (shape.length < 2 || cols <= 1) return List.of();
    if (shape.length >= 3 && shape[shape.length - 1] > 1) w.add(shape[shape.length - 1]);
    long side = Math.round(Math.sqrt((double) cols));
    if (side > 1 && side * side == cols) w.add((int) side);
    for (int d = 2; d <= 64 && d < cols; d++) if (cols % d == 0) w.add(d);
    return List.copyOf(w);
  }

  /**
   * The shortest stream over a grid of contexts, searched in two stages: the neighbour template
   * and width (no neighbours, left, and the 2-d templates at each of {@code widths}) with 8 column
   * and 2 row buckets, then the bucket counts ({@code 1..24} by {@code 1..8}) for the best of them.
   *
   * @param positions the kept cells' flat positions, strictly ascending
   * @param rows the tensor's rows, &ge; 0
   * @param cols the cells per row, &ge; 0
   * @param widths the image widths tried for the 2-d templates; those outside (1, cols) are skipped
   * @return the shortest stream found
   * @throws IllegalArgumentException if the positions are not ascending within the tensor
   */
  public static byte[] encode(int[] positions, int rows, int cols, List<Integer> widths) {
    if ((long) rows * cols == 0) return encode(positions, rows, cols, new MaskContext(1, 1, 0, Math.max(1, cols)));
    List<MaskContext> templates = new ArrayList<>();
    templates.add(new MaskContext(8, 2, 0, cols));
    templates.add(new MaskContext(8, 2, 1, cols));
    for (int w : widths) {
      if (w <= 1 || w >= cols) continue;
      templates.add(new MaskContext(8, 2, 2, w));
      templates.add(new MaskContext(8, 2, 3, w));
    }
    MaskContext t = templates.getFirst();
    byte[] best = null;
    for (MaskContext m : templates) {
      byte[] b = encode(positions, rows, cols, m);
      if (best == null || b.length < best.length) {
        best = b;
        t = m;
      }
    }
    for (int cb : COLUMN_BUCKETS) {
      for (int rb : ROW_BUCKETS) {
        byte[] b = encode(positions, rows, cols, new MaskContext(cb, rb, t.neighbours(), t.width()));
        if (b.length < best.length) best = b;
      }
    }
    return best;
  }

  /**
   * The stream of {@code positions} (ascending, in {@code [0, rows * cols)}) with context model {@code m}.
   *
   * @param positions the kept cells' flat positions, strictly ascending
   * @param rows the tensor's rows, &ge; 0
   * @param cols the cells per row, &ge; 0
   * @param m the context model
   * @return the stream
   * @throws IllegalArgumentException if the positions are not ascending within the tensor or the context's
   *     width exceeds {@code cols}
   */
  public static byte[] encode(int[] positions, int rows, int cols, MaskContext m) {
    check(positions, rows, cols);
    BitWriter w = new BitWriter();
    w.writeBits(MAGIC, 8);
    w.writeGamma(rows + 1L);
    w.writeGamma(cols + 1L);
    if ((long) rows * cols == 0) return w.toByteArray();
    if (m.width() > cols) throw new IllegalArgumentException("width (" + m.width() + ") exceeds cols (" + cols + ")");
    w.writeGamma(m.columnBuckets());
    w.writeGamma(m.rowBuckets());
    w.writeGamma(m.neighbours() + 1L);
    w.writeGamma(m.width());
    w.alignToByte();
    long[] n = new long[2 * m.contexts()];
    RangeEncoder enc = new RangeEncoder(positions.length + 16);
    walk(rows, cols, m, positions, (index, c, kept) -> {
      int f = keptFrequency(n[2 * c], n[2 * c + 1]);
      if (kept) enc.encodeShift(0, f, PROB_BITS);
      else enc.encodeShift(f, ONE - f, PROB_BITS);
      n[2 * c + (kept ? 1 : 0)]++;
      return kept;
    });
    byte[] payload = enc.finish(false);
    w.writeBytes(payload, 0, payload.length);
    return w.toByteArray();
  }

  /**
   * The kept positions of a stream written for a {@code rows x cols} tensor; {@link
   * BadInputException} for a corrupt or foreign stream, other dimensions, or more than {@code maxKept}
   * kept cells.
   *
   * @param stream the stream
   * @param rows the tensor's rows, as encoded
   * @param cols the cells per row, as encoded
   * @param maxKept the most kept cells accepted
   * @return the kept positions, ascending
   * @throws BadInputException if the stream is corrupt or does not match
   */
  public static int[] decode(byte[] stream, int rows, int cols, int maxKept) {
    BitReader r = new BitReader(stream);
    MaskContext m = readHeader(r, rows, cols);
    if (m == null) return new int[0];
    r.alignToByte();
    int cells = Math.toIntExact((long) rows * cols);
    StreamHeader.checkInformation(NAME, cells, 1 - 1.0 / ONE, r.remaining(), 40);
    long[] n = new long[2 * m.contexts()];
    int[][] out = {new int[Math.min(Math.min(maxKept, cells), 1 << 16)]}; // grows with what is decoded, not what the header claims
    int[] k = {0};
    RangeDecoder dec = new RangeDecoder(stream, r.byteOffset(), stream.length, NAME, false);
    walk(rows, cols, m, null, (index, c, ignored) -> {
      int f = keptFrequency(n[2 * c], n[2 * c + 1]);
      boolean kept = dec.targetShift(PROB_BITS) < f;
      if (kept) dec.consume(0, f);
      else dec.consume(f, ONE - f);
      n[2 * c + (kept ? 1 : 0)]++;
      if (kept) {
        if (k[0] == maxKept) throw new BadInputException(NAME + ": more than " + maxKept + " kept cells at cell " + index);
        if (k[0] == out[0].length) out[0] = java.util.Arrays.copyOf(out[0], (int) Math.min((long) maxKept, 2L * out[0].length));
        out[0][k[0]++] = (int) index;
      }
      return kept;
    });
    return java.util.Arrays.copyOf(out[0], k[0]);
  }

  /**
   * The context model of a stream, or null for an empty tensor; {@link BadInputException} if the header is corrupt.
   *
   * @param stream the stream
   * @return its context model, or null
   * @throws BadInputException if the header is corrupt
   */
  public static MaskContext context(byte[] stream) {
    BitReader r = new BitReader(stream);
    return readHeader(r, -1, -1);
  }

  /**
   * Where the stream's bits go: magic and dimensions, context fields and padding, payload.
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
    if (readHeader(new BitReader(stream), -1, -1) != null) {
      for (int i = 0; i < 4; i++) r.readGamma();
      r.alignToByte();
    }
    return new StreamLayout(NAME, 2, header, r.position() - header, 8L * stream.length - r.position());
  }

  /** Reads magic, dimensions (checked against {@code rows, cols} unless those are negative) and the context. */
  private static MaskContext readHeader(BitReader r, int rows, int cols) {
    int magic = (int) r.readBits(8);
    if (magic != MAGIC) throw new BadInputException(NAME + ": magic (0x" + Integer.toHexString(magic) + ") is not 0x" + Integer.toHexString(MAGIC));
    long sr = r.readGamma() - 1, sc = r.readGamma() - 1;
    if (rows >= 0 && (sr != rows || sc != cols)) {
      throw new BadInputException(NAME + ": stream is " + sr + " x " + sc + ", the tensor " + rows + " x " + cols);
    }
    if (sr > Integer.MAX_VALUE || sc > Integer.MAX_VALUE || sr * sc > Integer.MAX_VALUE - 8) {
      throw new BadInputException(NAME + ": dimensions (" + sr + " x " + sc + ") hold 2^31 or more cells");
    }
    if (sr * sc == 0) return null;
    long cb = r.readGamma(), rb = r.readGamma(), nb = r.readGamma() - 1, w = r.readGamma();
    if (cb > MaskContext.MAX_BUCKETS) throw new BadInputException(NAME + ": columnBuckets (" + cb + ") exceeds " + MaskContext.MAX_BUCKETS);
    if (rb > MaskContext.MAX_BUCKETS) throw new BadInputException(NAME + ": rowBuckets (" + rb + ") exceeds " + MaskContext.MAX_BUCKETS);
    if (nb > 3) throw new BadInputException(NAME + ": neighbours (" + nb + ") exceeds 3");
    if (w > sc) throw new BadInputException(NAME + ": width (" + w + ") exceeds cols (" + sc + ")");
    return new MaskContext((int) cb, (int) rb, (int) nb, (int) w);
  }

  /**
   * Per context the not-kept and kept cells ({@code [2c]}, {@code [2c + 1]}) the walk codes under {@code m}.
   *
   * @param positions the kept cells' flat positions, strictly ascending
   * @param rows the tensor's rows
   * @param cols the cells per row
   * @param m the context model
   * @return the counts, two per context
   * @throws IllegalArgumentException if the positions are not ascending within the tensor
   */
  public static long[] contextCounts(int[] positions, int rows, int cols, MaskContext m) {
    check(positions, rows, cols);
    long[] n = new long[2 * m.contexts()];
    walk(rows, cols, m, positions, (index, c, kept) -> {
      n[2 * c + (kept ? 1 : 0)]++;
      return kept;
    });
    return n;
  }

  /**
   * {@code sum_c n_c h(o_c / n_c)} in bits over {@link #contextCounts}: the conditional empirical entropy.
   *
   * @param counts per context the not-kept and kept counts, as {@link #contextCounts}
   * @return the conditional empirical entropy in bits
   */
  public static double conditionalEntropyBits(long[] counts) {
    double h = 0;
    for (int c = 0; c < counts.length; c += 2) h += Entropy.bits(new long[] {counts[c], counts[c + 1]});
    return h;
  }

  /**
   * {@link #conditionalEntropyBits} plus each context's NML regret {@code log2 C(k_c, n_c)}, {@code k_c} its values seen.
   *
   * @param counts per context the not-kept and kept counts
   * @return the code length bound in bits
   */
  public static double nmlBits(long[] counts) {
    double h = conditionalEntropyBits(counts);
    for (int c = 0; c < counts.length; c += 2) {
      int used = (counts[c] > 0 ? 1 : 0) + (counts[c + 1] > 0 ? 1 : 0);
      h += Entropy.nmlRegretBits(counts[c] + counts[c + 1], used);
    }
    return h;
  }

  /**
   * Contexts with at least one cell.
   *
   * @param counts per context the not-kept and kept counts
   * @return the number of contexts used
   */
  public static int usedContexts(long[] counts) {
    int u = 0;
    for (int c = 0; c < counts.length; c += 2) if (counts[c] + counts[c + 1] > 0) u++;
    return u;
  }

  private static void check(int[] positions, int rows, int cols) {
    if (rows < 0 || cols < 0) throw new IllegalArgumentException("rows (" + rows + ") and cols (" + cols + ") must be >= 0");
    long cells = (long) rows * cols;
    for (int i = 0; i < positions.length; i++) {
      if (positions[i] < 0 || positions[i] >= cells || (i > 0 && positions[i] <= positions[i - 1])) {
        throw new IllegalArgumentException("positions[" + i + "] (" + positions[i] + ") not ascending within [0, " + cells + ")");
      }
    }
  }
}
