package dev.fivefold.compress.archive;

import dev.fivefold.compress.code.Entropy;
import dev.fivefold.compress.code.StreamLayout;
import java.util.List;
import java.util.Locale;

/**
 * Where the bytes of an {@code .ffz} archive go, per tensor and in total, next to the order-0
 * entropy bound of what was coded (see {@link dev.fivefold.compress.code.Entropy}). Section sizes
 * exclude their 4-byte CRC32C; {@link #bodyBytes} includes them.
 *
 * @param codec the entropy coder's name
 * @param ecc the channel code
 * @param headerBytes the JSON header
 * @param bodyBytes everything the channel code protects (header length, header, sections, CRCs)
 * @param eccBytes check bytes the channel code adds
 * @param fileBytes the whole file: preamble, body and check bytes
 * @param tensors one row per quantized tensor, in archive order
 * @param raw one row per raw tensor, in archive order
 */
public record ArchiveReport(
    String codec, Ecc ecc, long headerBytes, long bodyBytes, long eccBytes, long fileBytes, List<TensorStats> tensors, List<RawStats> raw) {
  public ArchiveReport {
    tensors = List.copyOf(tensors);
    raw = List.copyOf(raw);
  }

  /**
   * One quantized tensor.
   *
   * @param size dense element count
   * @param kept weights stored
   * @param bits code width
   * @param codebookSize codebook entries
   * @param indexBits relative-index width
   * @param entries relative-index entries, fillers included
   * @param codesEntropyBits {@code Entropy.bits(codes, codebookSize)}
   * @param gapsEntropyBits {@code Entropy.bits(entries, 2^indexBits)}
   * @param indexLayout where the index stream's bits go
   * @param codesLayout where the codes stream's bits go
   * @param indexUsed distinct index entries
   * @param codesUsed distinct codes
   */
  public record TensorStats(
      String name, long size, long kept, int bits, int codebookSize, int indexBits, long entries,
      long codebookBytes, long indexBytes, long codesBytes, double codesEntropyBits, double gapsEntropyBits,
      StreamLayout indexLayout, StreamLayout codesLayout, int indexUsed, int codesUsed) {
    /** Sections' bytes, CRCs excluded. */
    public long bytes() {
      return codebookBytes + indexBytes + codesBytes;
    }

    /** Coded bits per kept weight in the codes stream; 0 when nothing is kept. */
    public double codeBitsPerWeight() {
      return kept == 0 ? 0 : 8.0 * codesBytes / kept;
    }

    /** Coded bits per kept weight in the index stream; 0 when nothing is kept. */
    public double indexBitsPerWeight() {
      return kept == 0 ? 0 : 8.0 * indexBytes / kept;
    }
  }

  /** One raw float32 tensor of {@code size} elements, {@code bytes = 4 size}. */
  public record RawStats(String name, long size, long bytes) {}

  /** Bytes the same tensors take as dense float32. */
  public long denseBytes() {
    long n = 0;
    for (TensorStats t : tensors) n += 4 * t.size;
    for (RawStats r : raw) n += r.bytes;
    return n;
  }

  /** A plain-text table, one row per tensor, then the totals, then {@link #formatStreams}. */
  public String format() {
    StringBuilder sb = new StringBuilder();
    String head = "%-14s %9s %8s %5s %4s %8s %8s %9s %9s %7s %7s %7s %7s %7s%n";
    String row = "%-14s %9d %8d %5d %4d %8d %8d %9d %9d %7.3f %7.3f %7.3f %7.3f %6.1fx%n";
    sb.append(String.format(Locale.ROOT, head, "tensor", "size", "kept", "bits", "idx", "entries", "cb B", "index B", "codes B",
        "code/w", "H(c)/w", "idx/w", "H(g)/w", "ratio"));
    for (TensorStats t : tensors) {
      double k = Math.max(1, t.kept);
      sb.append(String.format(Locale.ROOT, row, t.name, t.size, t.kept, t.bits, t.indexBits, t.entries, t.codebookBytes, t.indexBytes,
          t.codesBytes, t.codeBitsPerWeight(), t.codesEntropyBits / k, t.indexBitsPerWeight(), t.gapsEntropyBits / k,
          4.0 * t.size / Math.max(1, t.bytes())));
    }
    for (RawStats r : raw) sb.append(String.format(Locale.ROOT, "%-14s %9d %8s %5s %4s %8s %8s %9s %9d   (raw float32)%n", r.name, r.size, "", "", "", "", "", "", r.bytes));
    sb.append(String.format(Locale.ROOT, "codec %s, ecc %s: header %d B, body %d B, ecc +%d B, file %d B; dense float32 %d B, ratio %.1fx%n",
        codec, ecc.flag(), headerBytes, bodyBytes, eccBytes, fileBytes, denseBytes(), (double) denseBytes() / Math.max(1, fileBytes)));
    sb.append(formatStreams());
    return sb.toString();
  }

  /**
   * One row per coded stream and a total: the order-0 bound {@code n·H} (empirical entropy of
   * exactly the symbols coded, fillers included), the coded bytes (everything: header, model,
   * payload), how far above the bound they are, and where that excess goes: {@code header} (magic,
   * alphabet, count), {@code model} (coder parameters, model table, padding to a byte) and {@code
   * pay-nH} (payload minus the bound: an adaptive coder's learning cost, a static model's rounding
   * loss, the coder's flush). {@code NML} is {@code n·H + log2 C(k, n)} for the {@code k} symbols
   * used ({@link Entropy#nmlRegretBits}): what the minimax universal order-0 code would take; a
   * reference, not a bound, but no code can beat it on every sequence.
   */
  public String formatStreams() {
    StringBuilder sb = new StringBuilder();
    String head = "%-18s %-14s %8s %9s %10s %9s %7s %7s %7s %8s %10s %7s%n";
    String row = "%-18s %-14s %8d %9s %10.1f %9d %+6.2f%% %7.1f %7.1f %+8.1f %10.1f %+6.2f%%%n";
    sb.append(String.format(Locale.ROOT, head, "stream", "coder", "symbols", "used/alph", "n*H B", "coded B", "over", "header", "model",
        "pay-nH", "NML B", "vs NML"));
    double bound = 0, nml = 0, header = 0, model = 0, pay = 0;
    long coded = 0, symbols = 0;
    int streams = 0;
    for (TensorStats t : tensors) {
      for (int which = 0; which < 2; which++) {
        boolean index = which == 0;
        StreamLayout l = index ? t.indexLayout : t.codesLayout;
        long n = index ? t.entries : t.kept;
        int used = index ? t.indexUsed : t.codesUsed;
        int alphabet = index ? 1 << t.indexBits : t.codebookSize;
        double b = (index ? t.gapsEntropyBits : t.codesEntropyBits) / 8;
        double m = b + Entropy.nmlRegretBits(n, used) / 8;
        long c = index ? t.indexBytes : t.codesBytes;
        double p = l.payloadBits() / 8.0 - b;
        sb.append(String.format(Locale.ROOT, row, t.name + (index ? "/index" : "/codes"), l.coder(), n, used + "/" + alphabet, b, c,
            100 * (c - b) / Math.max(b, 1e-9), l.headerBits() / 8.0, l.modelBits() / 8.0, p, m, 100 * (c - m) / Math.max(m, 1e-9)));
        bound += b;
        nml += m;
        coded += c;
        header += l.headerBits() / 8.0;
        model += l.modelBits() / 8.0;
        pay += p;
        symbols += n;
        streams++;
      }
    }
    sb.append(String.format(Locale.ROOT, row, "total (" + streams + ")", "", symbols, "", bound, coded, 100 * (coded - bound) / Math.max(bound, 1e-9),
        header, model, pay, nml, 100 * (coded - nml) / Math.max(nml, 1e-9)));
    return sb.toString();
  }
}
