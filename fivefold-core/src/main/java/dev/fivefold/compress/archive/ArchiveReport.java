package dev.fivefold.compress.archive;

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
   */
  public record TensorStats(
      String name, long size, long kept, int bits, int codebookSize, int indexBits, long entries,
      long codebookBytes, long indexBytes, long codesBytes, double codesEntropyBits, double gapsEntropyBits) {
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

  /** A plain-text table, one row per tensor, then the totals. */
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
    return sb.toString();
  }
}
