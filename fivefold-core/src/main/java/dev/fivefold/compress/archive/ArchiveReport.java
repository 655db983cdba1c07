package dev.fivefold.compress.archive;

import dev.fivefold.compress.code.Entropy;
import dev.fivefold.compress.code.StreamLayout;
import java.util.List;
import java.util.Locale;

/**
 * Where the bytes of an {@code .ffz} archive go, per tensor and in total, next to the order-0
 * entropy bound of what was coded (see {@link dev.fivefold.compress.code.Entropy}) and the bound of
 * the model the coder actually used ({@link StreamStats}). Section sizes exclude their 4-byte
 * CRC32C; {@link #bodyBytes} includes them.
 *
 * @param codec the entropy coder's name
 * @param ecc the channel code
 * @param headerBytes the JSON header
 * @param bodyBytes everything the channel code protects (header length, header, sections, CRCs)
 * @param eccBytes check bytes the channel code adds
 * @param fileBytes the whole file: preamble, body and check bytes
 * @param tensors one row per quantized tensor, in archive order
 * @param raw one row per raw tensor, in archive order
 * @param sensed one row per tensor stored as compressed-sensing measurements, in archive order
 */
public record ArchiveReport(
    String codec, Ecc ecc, long headerBytes, long bodyBytes, long eccBytes, long fileBytes, List<TensorStats> tensors, List<RawStats> raw,
    List<SensedStats> sensed) {
  /** Copies the lists. */
  public ArchiveReport {
    tensors = List.copyOf(tensors);
    raw = List.copyOf(raw);
    sensed = List.copyOf(sensed);
  }

  /**
   * A report without sensed tensors.
   *
   * @param codec the entropy coder's name
   * @param ecc the channel code
   * @param headerBytes the JSON header
   * @param bodyBytes everything the channel code protects
   * @param eccBytes check bytes the channel code adds
   * @param fileBytes the whole file
   * @param tensors one row per quantized tensor
   * @param raw one row per raw tensor
   */
  public ArchiveReport(String codec, Ecc ecc, long headerBytes, long bodyBytes, long eccBytes, long fileBytes, List<TensorStats> tensors, List<RawStats> raw) {
    this(codec, ecc, headerBytes, bodyBytes, eccBytes, fileBytes, tensors, raw, List.of());
  }

  /**
   * One quantized tensor.
   *
   * @param name the parameter's name
   * @param size dense element count
   * @param kept weights stored
   * @param bits code width
   * @param codebookSize codebook entries
   * @param indexBits relative-index width; 0 when the positions are a context-coded mask
   * @param entries relative-index entries, fillers included; the mask's cells ({@code size}) for a mask
   * @param codebookBytes the codebook section's bytes
   * @param index the positions' stream
   * @param codes the codes' stream
   */
  public record TensorStats(
      String name, long size, long kept, int bits, int codebookSize, int indexBits, long entries, long codebookBytes,
      StreamStats index, StreamStats codes) {
    /**
     * Sections' bytes, CRCs excluded.
     *
     * @return codebook, index and codes bytes
     */
    public long bytes() {
      return codebookBytes + indexBytes() + codesBytes();
    }

    /**
     * The index stream's bytes.
     *
     * @return the bytes
     */
    public long indexBytes() {
      return index.bytes();
    }

    /**
     * The codes stream's bytes.
     *
     * @return the bytes
     */
    public long codesBytes() {
      return codes.bytes();
    }

    /**
     * {@code Entropy.bits(codes, codebookSize)}.
     *
     * @return the bound in bits
     */
    public double codesEntropyBits() {
      return codes.order0Bits();
    }

    /**
     * The order-0 bound of the relative index: {@code Entropy.bits(entries, 2^indexBits)}; for a mask
     * the smallest such bound over the widths 1..16.
     *
     * @return the bound in bits
     */
    public double gapsEntropyBits() {
      return index.order0Bits();
    }

    /**
     * Whether the positions are a context-coded mask ({@link dev.fivefold.compress.code.ContextMaskCoder}).
     *
     * @return true for a mask
     */
    public boolean mask() {
      return index.layout().coder().equals(dev.fivefold.compress.code.ContextMaskCoder.NAME);
    }

    /**
     * Coded bits per kept weight in the codes stream; 0 when nothing is kept.
     *
     * @return bits per kept weight
     */
    public double codeBitsPerWeight() {
      return kept == 0 ? 0 : 8.0 * codesBytes() / kept;
    }

    /**
     * Coded bits per kept weight in the index stream; 0 when nothing is kept.
     *
     * @return bits per kept weight
     */
    public double indexBitsPerWeight() {
      return kept == 0 ? 0 : 8.0 * indexBytes() / kept;
    }
  }

  /**
   * One coded stream next to three references, in bits of the symbols it codes.
   *
   * @param model the model the coder used: {@code order-0}, or a context model ({@code ctx CxR nT wW},
   *     {@link dev.fivefold.compress.code.MaskContext})
   * @param symbols symbols coded (cells for a mask)
   * @param used distinct symbols seen (contexts seen, for a context model)
   * @param alphabet alphabet size (contexts, for a context model)
   * @param order0Bits the order-0 bound {@code n·H} of the representation an order-0 coder would code
   *     (for a mask: the relative index at its best width)
   * @param boundBits the empirical entropy under the model used: {@code n·H} for order-0,
   *     {@code sum_c n_c H_c} (the conditional empirical entropy) for a context model
   * @param nmlBits {@code boundBits} plus the model's parametric complexity ({@link Entropy#nmlRegretBits},
   *     per context for a context model): the normalized-maximum-likelihood code length, what learning
   *     the model's probabilities costs at minimum in the worst case
   * @param layout where the stream's bits go
   * @param bytes the stream's bytes
   */
  public record StreamStats(String model, long symbols, int used, int alphabet, double order0Bits, double boundBits, double nmlBits,
      StreamLayout layout, long bytes) {}

  /**
   * One raw tensor of {@code size} elements: {@code bytes = 4 size} as float32, {@code 2 size} as float16.
   *
   * @param name the parameter's name
   * @param size dense element count
   * @param bytes the stored bytes, 4 or 2 × {@code size}
   */
  public record RawStats(String name, long size, long bytes) {}

  /**
   * One tensor stored as compressed-sensing measurements ({@link SensedTensor}).
   *
   * @param name the parameter's name
   * @param size dense element count
   * @param measurements measurements stored
   * @param bits bits per measurement (32 or 8)
   * @param method operator, basis and recovery, e.g. "gaussian/identity/omp"
   * @param bytes the payload's bytes
   */
  public record SensedStats(String name, long size, long measurements, int bits, String method, long bytes) {}

  /**
   * Bytes the same tensors take as dense float32.
   *
   * @return the bytes of every tensor at 4 bytes per element
   */
  public long denseBytes() {
    long n = 0;
    for (TensorStats t : tensors) n += 4 * t.size;
    for (RawStats r : raw) n += r.bytes;
    for (SensedStats t : sensed) n += 4 * t.size;
    return n;
  }

  /**
   * A plain-text table, one row per tensor, then the totals, then {@link #formatStreams}.
   *
   * @return the table, newline-terminated lines
   */
  public String format() {
    StringBuilder sb = new StringBuilder();
    String head = "%-14s %9s %8s %5s %4s %8s %8s %9s %9s %7s %7s %7s %7s %7s%n";
    String row = "%-14s %9d %8d %5d %4s %8d %8d %9d %9d %7.3f %7.3f %7.3f %7.3f %6.1fx%n";
    sb.append(String.format(Locale.ROOT, head, "tensor", "size", "kept", "bits", "idx", "entries", "cb B", "index B", "codes B",
        "code/w", "H(c)/w", "idx/w", "H(g)/w", "ratio"));
    for (TensorStats t : tensors) {
      double k = Math.max(1, t.kept);
      sb.append(String.format(Locale.ROOT, row, t.name, t.size, t.kept, t.bits, t.mask() ? "mask" : Integer.toString(t.indexBits), t.entries,
          t.codebookBytes, t.indexBytes(), t.codesBytes(), t.codeBitsPerWeight(), t.codesEntropyBits() / k, t.indexBitsPerWeight(), t.gapsEntropyBits() / k,
          4.0 * t.size / Math.max(1, t.bytes())));
    }
    for (RawStats r : raw) sb.append(String.format(Locale.ROOT, "%-14s %9d %8s %5s %4s %8s %8s %9s %9d   (raw float%d)%n", r.name, r.size, "", "", "", "", "", "", r.bytes,
        r.bytes == 2 * r.size && r.size > 0 ? 16 : 32));
    for (SensedStats t : sensed) {
      sb.append(String.format(Locale.ROOT, "%-14s %9d %8s %5d %4s %8s %8s %9s %9d   (sensed: %d measurements, m/n %.3f, %s)%n", t.name, t.size, "", t.bits, "",
          "", "", "", t.bytes, t.measurements, (double) t.measurements / Math.max(1, t.size), t.method));
    }
    sb.append(String.format(Locale.ROOT, "codec %s, ecc %s: header %d B, body %d B, ecc +%d B, file %d B; dense float32 %d B, ratio %.1fx%n",
        codec, ecc.flag(), headerBytes, bodyBytes, eccBytes, fileBytes, denseBytes(), (double) denseBytes() / Math.max(1, fileBytes)));
    sb.append(formatStreams());
    return sb.toString();
  }

  /**
   * One row per coded stream and a total. {@code order-0 B} is the order-0 bound {@code n·H}: the
   * empirical entropy of exactly the symbols an order-0 coder codes (relative-index entries with their
   * fillers, codes; for a context-coded mask, the relative index at its best width). {@code bound B}
   * is the empirical entropy under the model the coder actually used: {@code n·H} again for an
   * order-0 coder, the conditional empirical entropy {@code sum_c n_c H_c} over its contexts for a
   * context model ({@code model} names it). {@code coded B} is everything the stream takes; {@code
   * vs ord0} and {@code vs bound} how far above (or below) each bound it is; then where the bytes go:
   * {@code hdr} (magic, alphabet or dimensions, count), {@code table} (coder parameters, model
   * table, padding to a byte) and {@code pay-bnd} (payload minus the bound: an adaptive coder's
   * learning cost, a static model's rounding loss, the coder's flush). {@code NML B} is the bound
   * plus the parametric complexity of the model ({@link Entropy#nmlRegretBits}; per context for a
   * context model): the minimax universal code length for that model, what any code that learns
   * its probabilities pays on some sequence; a reference, not a bound. A last line compares the
   * coded total with the three totals.
   *
   * @return the table, newline-terminated lines
   */
  public String formatStreams() {
    StringBuilder sb = new StringBuilder();
    String head = "%-18s %-14s %-16s %7s %10s %10s %10s %8s %7s %7s %6s %6s %7s %10s %7s%n";
    String row = "%-18s %-14s %-16s %7d %10s %10.1f %10.1f %8d %+6.2f%% %+6.2f%% %6.1f %6.1f %+7.1f %10.1f %+6.2f%%%n";
    sb.append(String.format(Locale.ROOT, head, "stream", "coder", "model", "symbols", "used/alph", "order-0 B", "bound B", "coded B", "vs ord0",
        "vs bound", "hdr", "table", "pay-bnd", "NML B", "vs NML"));
    double order0 = 0, bound = 0, nml = 0, header = 0, model = 0, pay = 0;
    long coded = 0, symbols = 0;
    int streams = 0;
    for (TensorStats t : tensors) {
      for (StreamStats s : List.of(t.index, t.codes)) {
        StreamLayout l = s.layout();
        double o = s.order0Bits() / 8, b = s.boundBits() / 8, m = s.nmlBits() / 8;
        long c = s.bytes();
        double p = l.payloadBits() / 8.0 - b;
        sb.append(String.format(Locale.ROOT, row, t.name + (s == t.index ? "/index" : "/codes"), l.coder(), s.model(), s.symbols(),
            s.used() + "/" + s.alphabet(), o, b, c, pct(c, o), pct(c, b), l.headerBits() / 8.0, l.modelBits() / 8.0, p, m, pct(c, m)));
        order0 += o;
        bound += b;
        nml += m;
        coded += c;
        header += l.headerBits() / 8.0;
        model += l.modelBits() / 8.0;
        pay += p;
        symbols += s.symbols();
        streams++;
      }
    }
    sb.append(String.format(Locale.ROOT, row, "total (" + streams + ")", "", "", symbols, "", order0, bound, coded, pct(coded, order0),
        pct(coded, bound), header, model, pay, nml, pct(coded, nml)));
    sb.append(String.format(Locale.ROOT, "coded %d B: %+.2f%% vs the order-0 bound (%.1f B), %+.2f%% vs the conditional entropy of the models used "
        + "(%.1f B), %+.2f%% vs their NML code length (%.1f B)%n", coded, pct(coded, order0), order0, pct(coded, bound), bound, pct(coded, nml), nml));
    return sb.toString();
  }

  private static double pct(double coded, double reference) {
    return 100 * (coded - reference) / Math.max(reference, 1e-9);
  }
}
