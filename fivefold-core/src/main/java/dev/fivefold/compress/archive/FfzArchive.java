package dev.fivefold.compress.archive;

import dev.fivefold.compress.QuantizedTensor;
import dev.fivefold.compress.code.ChannelCode;
import dev.fivefold.compress.code.CodeContext;
import dev.fivefold.compress.code.ContextCodesCoder;
import dev.fivefold.compress.code.ContextMaskCoder;
import dev.fivefold.compress.code.MaskContext;
import dev.fivefold.compress.code.EntropyCoder;
import dev.fivefold.compress.code.Entropy;
import dev.fivefold.compress.code.SmallestCoder;
import dev.fivefold.io.AtomicFiles;
import dev.fivefold.io.BadInputException;
import dev.fivefold.io.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The {@code .ffz} model archive: pruned, quantized and entropy-coded weights, optionally protected
 * by a channel code. Reading gives back exactly what was written (bit-identical dense weights) or
 * throws {@link BadInputException}; it never returns silently wrong weights.
 *
 * <h2>Format, versions 3 to 5</h2>
 *
 * All integers are little-endian; {@code u32} is unsigned 32-bit; every CRC is CRC32C
 * ({@link java.util.zip.CRC32C}, Castagnoli) as a {@code u32}.
 *
 * <pre>
 * file     = preamble body check
 * preamble = "FFZ1"           4 bytes, magic
 *            version          u8, 3 (readers also accept 1 and 2)
 *            ecc              u8, 0 none | 1 hamming | 2 rs
 *            headerCoding     u8, 0 JSON | 1 DEFLATE-compressed JSON (format 5)
 *            reserved         u8, 0
 *            bodyLength       u32, L (at most 2^31 - 1)
 *            crc              u32, CRC32C of the 12 bytes above
 * body     = headerLength     u32, H
 *            header           H bytes, UTF-8 JSON (below)
 *            crc              u32, CRC32C of headerLength and header
 *            data             sections; each section is its bytes followed by the u32 CRC32C of them
 * check    = the channel code's check bytes for the L body bytes (none for ecc 0):
 *            hamming: ceil(L / 8) bytes, byte w is the SECDED (72,64) check of body bytes [8w, 8w + 8)
 *            rs:      32 N bytes, N = ceil(L / 223) interleaved RS(255,223) words; word j holds body
 *                     bytes j, j + N, j + 2N, ..., its check byte p is at p N + j
 * </pre>
 *
 * The preamble is not covered by the channel code (it says which code there is) but by its own CRC.
 * The header, written compactly (here spread out; offsets are relative to the start of {@code
 * data}, {@code length} excludes the section's CRC; the writer lays the sections out back to back
 * in header order, so every body byte is under some CRC):
 *
 * <pre>
 * {"format": 3, "spec": "mlp 784-300-100-10", "metadata": {"pruned": "0.1"},
 *  "tensors": [{"name": "fc1.weight", "shape": [300, 784], "bits": 5, "codec": "huffman",
 *               "indexCoding": "mask", "codesCoding": "ctx", "indexBits": 0, "kept": 23456, "entries": 235200,
 *               "codebookSize": 32,
 *               "codebook": {"offset": 0, "length": 128},
 *               "index": {"offset": 132, "length": 12908},
 *               "codes": {"offset": 13044, "length": 11995}},
 *              {"name": "fc2.weight", "shape": [100, 300], "bits": 5, "codec": "huffman",
 *               "indexBits": 4, "kept": 2700, "entries": 2811, ...}, ...],
 *  "raw": [{"name": "fc1.bias", "shape": [300], "data": {"offset": ..., "length": 1200}}, ...],
 *  "sensed": [{"name": "fc2.weight", "shape": [100, 300], "operator": "gaussian", "basis": "identity",
 *              "recovery": "omp", "seed": 1, "block": 256, "rows": 77, "sparsity": 15, "lambda": 0.001,
 *              "iterations": 300, "tolerance": 1.0E-6, "bits": 32, "measurements": 9065,
 *              "data": {"offset": ..., "length": 36260}}, ...]}
 * </pre>
 *
 * Per quantized tensor, three sections in this order:
 *
 * <ul>
 *   <li>{@code codebook}: {@code codebookSize} float32 values ({@code 1 <= codebookSize <= 2^bits}).
 *   <li>{@code index}, without {@code indexCoding} (or with {@code "gaps"}): the relative-index
 *       entries ({@code entries} symbols over {@code 2^indexBits}, {@code indexBits} in 1..16)
 *       coded by {@code codec}. Entry {@code g} in {@code 1..2^indexBits - 1} is a kept weight
 *       {@code g} positions after the previous one (the first counts from position -1); entry
 *       {@code 0} is a filler that advances {@code 2^indexBits - 1} positions without a weight
 *       (Han, Mao and Dally 2016, "Deep Compression", section 3). See {@code RelativeIndex}.
 *       With {@code "indexCoding": "mask"} (version 3): the keep-mask of the tensor as a {@code
 *       rows x cols} bilevel image, {@code rows} the first dimension (1 for a scalar or vector),
 *       {@code cols} the rest, coded by {@link ContextMaskCoder} whatever the {@code codec};
 *       {@code indexBits} is 0 and {@code entries} the tensor's size (the cells coded).
 *   <li>{@code codes}, without {@code codesCoding} (or with {@code "order-0"}): the {@code kept}
 *       codebook indices, in position order, coded by {@code codec} over the alphabet {@code
 *       codebookSize}; with {@code "codesCoding": "ctx"} (version 3)
 *       coded by {@link ContextCodesCoder} instead, in contexts of the already-decoded neighbours
 *       (the positions and codebook come first). The writer tries this for codebooks of at most
 *       {@value #MAX_CONTEXT_CODEBOOK} entries.
 * </ul>
 *
 * A raw tensor is one section {@code data} of {@code 4 * size} bytes of float32. A sensed tensor
 * (format 4; the {@code "sensed"} array is absent before) is one section {@code data}, the
 * payload of {@link SensedTensor}: {@code measurements} compressed-sensing measurements of the
 * tensor, as float32 ({@code bits 32}) or as a float32 scale and int8 values ({@code bits 8}); the
 * other fields are {@link SensedTensor.Recipe}'s, and {@code measurements} must equal what the
 * recipe's block geometry gives for the shape. Codec names are
 * {@link EntropyCoder#name()}s: {@code huffman}, {@code rans}, {@code arith-static}, {@code
 * arith-adaptive}, and {@code smallest} ({@link SmallestCoder}: per stream the shortest of the
 * others; the stream's magic byte says which, so the bytes are exactly that coder's stream); each
 * coded stream is self-contained ({@link EntropyCoder}).
 *
 * <p>Version 5 makes two things smaller. With {@code headerCoding} 1 the {@code header} bytes are
 * raw DEFLATE (RFC 1951, {@link java.util.zip.Deflater} without a wrapper) of the JSON, and {@code
 * headerLength} counts the compressed bytes (a reader inflates at most {@value #MAX_HEADER_BYTES}
 * bytes); on a LeNet-300-100 archive this takes the header from about 1,300 to about 600 bytes.
 * A raw tensor may say {@code "bits": 16}: its {@code data} is then {@code 2 * size} bytes of
 * little-endian IEEE float16 ({@link RawTensor#half}); without {@code bits} it is float32. The
 * writer writes version 5 only when one of the two is used ({@link Options#compactHeader}, a
 * 16-bit {@link RawTensor}), and versions 3 and 4 otherwise, byte for byte as before; either
 * feature in a file that says version 4 or less is refused.
 *
 * <p>Version 4 adds {@code "sensed"}. The writer writes version 4 only for an archive that holds
 * sensed tensors, and version 3 otherwise (byte for byte what it wrote before), so a version-3
 * reader still reads every archive without them; a {@code "sensed"} array in a file that says
 * version 3 or less is refused ({@code "sensed needs format version 4"}).
 *
 * <p>Version 3 adds {@code indexCoding} (the context-coded mask) and {@code codesCoding} (the
 * context-coded codes); a version-3 file without them differs from version 2 only in its version
 * numbers. Either in a file that says version 1 or 2 is refused ({@code "indexCoding (mask) needs
 * format version 3"}).
 *
 * <p>Version 2 differs from version 1 only inside the coded streams: a shorter stream header
 * (the magic byte with its high bit set, the alphabet as Elias gamma), the static coders' model
 * table as rounded counts ({@code FrequencyTable}: a few bits per used symbol instead of Elias
 * gamma of every normalised frequency), the adaptive coder's default limit as one bit, and no
 * leading zero byte in range-coder payloads. This reader decodes versions 1 and 2 (each stream's
 * magic byte says its layout); a version-1 reader refuses version 2 ("format version (2) is not
 * supported"), a version-2 reader version 3, and this one refuses versions above 3 the same way.
 *
 * <h2>Reading</h2>
 *
 * In order: magic, preamble CRC, version, ecc, body length against the file length; then the
 * channel code corrects what it can; then every CRC is checked before its section is used. Sizes
 * are validated before anything is allocated: {@code bits} and {@code indexBits} in 1..16 ({@code
 * indexBits} 0 and {@code entries} the size for a mask), every
 * dimension {@code >= 0} with a product below 2^31, {@code kept <= entries <= size} and at most
 * {@link #MAX_ENTRIES}, sections inside the data. Failures are one-line {@link BadInputException}s
 * naming the file and the field, e.g. {@code "corrupt archive: m.ffz: section fc1.weight/codes
 * CRC32C mismatch"} or {@code "m.ffz: header tensors[0].bits (17) must be in 1..16"}.
 */
public final class FfzArchive {
  /** The format version this class writes for an archive without sensed tensors. */
  public static final int VERSION = 3;
  /** The format version of an archive holding sensed tensors ({@link SensedTensor}); the newest this class reads. */
  public static final int SENSED_VERSION = 4;
  /**
   * The format version of an archive with a DEFLATE-compressed header or a float16 raw tensor; the
   * newest this class reads and writes.
   */
  public static final int COMPACT_VERSION = 5;
  /** Largest header, compressed or not, a reader accepts: 2^24 bytes. */
  public static final int MAX_HEADER_BYTES = 1 << 24;
  /** The oldest format version this class reads. */
  public static final int MIN_VERSION = 1;
  /** Bytes of the preamble. */
  public static final int PREAMBLE_BYTES = 16;
  /** Most index entries (and kept weights) one tensor may declare: 2^27. */
  public static final int MAX_ENTRIES = EntropyCoder.DEFAULT_MAX_SYMBOLS;

  static final byte[] MAGIC = {'F', 'F', 'Z', '1'};
  /** Largest codebook whose codes the writer tries to context-code (larger ones stay order-0). */
  static final int MAX_CONTEXT_CODEBOOK = 256;
  private static final List<EntropyCoder> CODERS =
      List.of(EntropyCoder.huffman(), EntropyCoder.rans(), EntropyCoder.staticArithmetic(), EntropyCoder.adaptiveArithmetic(),
          SmallestCoder.defaults());

  private FfzArchive() {}

  /**
   * How to write.
   *
   * @param coder the entropy coder of the index and codes streams; one of the four named in the format
   * @param ecc the channel code
   * @param indexBits relative-index width 1..16, or 0 to choose per tensor the width with the
   *     fewest raw index bits, or {@link #SHORTEST_INDEX} ({@code -1}) to choose per tensor the
   *     width whose coded index stream is shortest (tries all 16)
   * @param modelling how the index and codes streams are modelled: order-0 (relative indices and
   *     codes by {@code coder}), context models ({@link ContextMaskCoder}, {@link ContextCodesCoder}),
   *     or per stream the shorter of the two
   * @param compactHeader write the header DEFLATE-compressed (format 5), not as plain JSON
   */
  public record Options(EntropyCoder coder, Ecc ecc, int indexBits, Modelling modelling, boolean compactHeader) {
    /** {@code indexBits} value: per tensor the width whose coded index stream is shortest. */
    public static final int SHORTEST_INDEX = -1;

    /**
     * Validates the options.
     *
     * @throws IllegalArgumentException if the coder has no archive name or {@code indexBits} is outside
     *     -1..16
     * @throws NullPointerException if {@code ecc} or {@code modelling} is null
     */
    public Options {
      if (coderNamed(coder.name()) == null) throw new IllegalArgumentException("coder (" + coder.name() + ") has no archive name");
      if (indexBits < -1 || indexBits > 16) throw new IllegalArgumentException("indexBits (" + indexBits + ") must be in -1..16");
      java.util.Objects.requireNonNull(ecc, "ecc");
      java.util.Objects.requireNonNull(modelling, "modelling");
    }

    /**
     * Options with a plain JSON header.
     *
     * @param coder the entropy coder of the index and codes streams
     * @param ecc the channel code
     * @param indexBits relative-index width 1..16, 0 or {@link #SHORTEST_INDEX}
     * @param modelling how the index and codes streams are modelled
     */
    public Options(EntropyCoder coder, Ecc ecc, int indexBits, Modelling modelling) {
      this(coder, ecc, indexBits, modelling, false);
    }

    /**
     * These options with the header compressed or not.
     *
     * @param compact true for a DEFLATE-compressed header (format 5)
     * @return the new options
     */
    public Options withCompactHeader(boolean compact) {
      return new Options(coder, ecc, indexBits, modelling, compact);
    }

    /**
     * Huffman, no ECC, automatic index width, order-0 streams.
     *
     * @return the default options
     */
    public static Options defaults() {
      return new Options(EntropyCoder.huffman(), Ecc.NONE, 0, Modelling.ORDER0);
    }

    /**
     * These options with another coder.
     *
     * @param c the entropy coder, one the format names
     * @return the new options
     */
    public Options withCoder(EntropyCoder c) {
      return new Options(c, ecc, indexBits, modelling, compactHeader);
    }

    /**
     * These options with another channel code.
     *
     * @param e the channel code
     * @return the new options
     */
    public Options withEcc(Ecc e) {
      return new Options(coder, e, indexBits, modelling, compactHeader);
    }

    /**
     * These options with another index width.
     *
     * @param b the width 1..16, 0 or {@link #SHORTEST_INDEX}
     * @return the new options
     */
    public Options withIndexBits(int b) {
      return new Options(coder, ecc, b, modelling, compactHeader);
    }

    /**
     * These options with another modelling.
     *
     * @param m the modelling
     * @return the new options
     */
    public Options withModelling(Modelling m) {
      return new Options(coder, ecc, indexBits, m, compactHeader);
    }
  }

  /** How the index and codes streams of a tensor are modelled. */
  public enum Modelling {
    /** Relative indices (gaps) and codes, each coded order-0 by the archive's codec; every format version. */
    ORDER0,
    /** The keep-mask by {@link ContextMaskCoder}, the codes by {@link ContextCodesCoder}; format 3. */
    CONTEXT,
    /** Per stream the shorter of the two (ties to order-0). */
    SHORTER
  }

  /**
   * What {@link #read} returns.
   *
   * @param model the archive's contents
   * @param report where its bytes went
   * @param correction what the channel code repaired (zeros without ECC)
   */
  public record Decoded(FfzModel model, ArchiveReport report, ChannelCode.Correction correction) {}

  /**
   * Bytes of an archive and its report.
   *
   * @param bytes the archive's bytes
   * @param report where they went
   */
  public record Encoded(byte[] bytes, ArchiveReport report) {}

  static EntropyCoder coderNamed(String name) {
    for (EntropyCoder c : CODERS) if (c.name().equals(name)) return c;
    return null;
  }

  /**
   * Writes {@code model} to {@code file} atomically (no partial file on failure); returns the report.
   *
   * @param file the destination
   * @param model the archive's contents
   * @param options the coder, channel code, index width and modelling
   * @return where the bytes went
   * @throws IOException if the file cannot be written
   */
  public static ArchiveReport write(Path file, FfzModel model, Options options) throws IOException {
    Encoded e = encode(model, options);
    AtomicFiles.writeBytes(file, e.bytes());
    return e.report();
  }

  /**
   * Reads {@code file}; {@link BadInputException} naming it if it is not a valid archive.
   *
   * @param file the archive
   * @return the contents, report and channel-code repairs
   * @throws IOException if the file cannot be read
   */
  public static Decoded read(Path file) throws IOException {
    long size = dev.fivefold.io.InputFiles.requireRegular(file, "archive");
    if (size > Integer.MAX_VALUE - 8) throw new BadInputException(file + ": file size (" + size + ") exceeds 2^31 bytes");
    dev.fivefold.io.Heap.require(size, file + ": an archive of " + size + " bytes");
    return decode(Files.readAllBytes(file), file.toString());
  }

  /**
   * The archive bytes of {@code model}.
   *
   * @param model the archive's contents
   * @param options the coder, channel code, index width and modelling
   * @return the bytes and the report
   */
  public static Encoded encode(FfzModel model, Options options) {
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    EntropyCoder coder = options.coder();
    List<Object> tensors = new ArrayList<>();
    List<ArchiveReport.TensorStats> stats = new ArrayList<>();
    for (QuantizedTensor q : model.quantized()) {
      int b = 0;
      int[] entries = null;
      byte[] idx = null;
      if (options.modelling() != Modelling.CONTEXT) {
        b = options.indexBits() == 0 ? RelativeIndex.chooseBits(q.positions()) : options.indexBits();
        if (b == Options.SHORTEST_INDEX) {
          b = 1;
          entries = RelativeIndex.encode(q.positions(), b);
          idx = coder.encode(entries, 1 << b);
          for (int w = 2; w <= 16; w++) {
            int[] e = RelativeIndex.encode(q.positions(), w);
            byte[] c = coder.encode(e, 1 << w);
            if (c.length < idx.length) {
              b = w;
              entries = e;
              idx = c;
            }
          }
        } else {
          entries = RelativeIndex.encode(q.positions(), b);
          idx = coder.encode(entries, 1 << b);
        }
      }
      boolean mask = false;
      if (options.modelling() != Modelling.ORDER0) {
        byte[] m = ContextMaskCoder.encode(q.positions(), maskRows(q.shape()), maskCols(q.shape()), ContextMaskCoder.widths(q.shape()));
        if (idx == null || m.length < idx.length) {
          mask = true;
          idx = m;
          b = 0;
          entries = null;
        }
      }
      byte[] cb = floats(q.codebook());
      byte[] codes = options.modelling() == Modelling.CONTEXT ? null : coder.encode(q.codes(), q.codebook().length);
      boolean contextCodes = false;
      if (options.modelling() != Modelling.ORDER0 && q.codebook().length <= MAX_CONTEXT_CODEBOOK) {
        byte[] c = ContextCodesCoder.encode(q.positions(), q.codes(), maskCols(q.shape()), q.codebook(), ContextMaskCoder.widths(q.shape()));
        if (codes == null || c.length < codes.length) {
          contextCodes = true;
          codes = c;
        }
      }
      if (codes == null) codes = coder.encode(q.codes(), q.codebook().length);
      Map<String, Object> t = new LinkedHashMap<>();
      t.put("name", q.name());
      t.put("shape", q.shape());
      t.put("bits", q.bits());
      t.put("codec", coder.name());
      if (mask) t.put("indexCoding", "mask");
      if (contextCodes) t.put("codesCoding", "ctx");
      t.put("indexBits", b);
      t.put("kept", q.positions().length);
      t.put("entries", mask ? q.size() : entries.length);
      t.put("codebookSize", q.codebook().length);
      t.put("codebook", section(data, cb));
      t.put("index", section(data, idx));
      t.put("codes", section(data, codes));
      tensors.add(t);
      stats.add(stats(q, b, entries, cb.length, coder, idx, codes, contextCodes));
    }
    List<Object> raws = new ArrayList<>();
    List<ArchiveReport.RawStats> rawStats = new ArrayList<>();
    for (RawTensor r : model.raw()) {
      Map<String, Object> t = new LinkedHashMap<>();
      t.put("name", r.name());
      t.put("shape", r.shape());
      if (r.bits() == 16) t.put("bits", 16);
      t.put("data", section(data, r.bits() == 16 ? halves(r.values()) : floats(r.values())));
      raws.add(t);
      rawStats.add(new ArchiveReport.RawStats(r.name(), r.values().length, r.bits() / 8L * r.values().length));
    }
    List<Object> senses = new ArrayList<>();
    List<ArchiveReport.SensedStats> sensedStats = new ArrayList<>();
    for (SensedTensor t : model.sensed()) {
      senses.add(sensedHeader(t, section(data, t.payload())));
      sensedStats.add(sensedStats(t));
    }
    boolean halfRaw = model.raw().stream().anyMatch(r -> r.bits() == 16);
    int version = options.compactHeader() || halfRaw ? COMPACT_VERSION : model.sensed().isEmpty() ? VERSION : SENSED_VERSION;
    Map<String, Object> header = new LinkedHashMap<>();
    header.put("format", version);
    header.put("spec", model.spec());
    header.put("metadata", model.metadata());
    header.put("tensors", tensors);
    header.put("raw", raws);
    if (!senses.isEmpty()) header.put("sensed", senses);
    byte[] h = Json.write(header).getBytes(StandardCharsets.UTF_8);
    if (options.compactHeader()) h = deflate(h);

    long bodyLength = 8L + h.length + data.size();
    if (bodyLength > Integer.MAX_VALUE - 8 - PREAMBLE_BYTES - options.ecc().overhead(bodyLength)) {
      throw new IllegalArgumentException("archive body (" + bodyLength + " bytes) too large for one file");
    }
    int l = (int) bodyLength;
    int check = (int) options.ecc().overhead(l);
    ByteBuffer out = ByteBuffer.allocate(PREAMBLE_BYTES + l + check).order(ByteOrder.LITTLE_ENDIAN);
    out.put(MAGIC).put((byte) version).put((byte) options.ecc().id).put((byte) (options.compactHeader() ? 1 : 0)).put((byte) 0).putInt(l);
    out.putInt(crc(out.array(), 0, 12));
    out.putInt(h.length).put(h).putInt(crc(out.array(), PREAMBLE_BYTES, 4 + h.length));
    out.put(data.toByteArray());
    byte[] bytes = out.array();
    options.ecc().code().ifPresent(c -> System.arraycopy(c.parity(bytes, PREAMBLE_BYTES, l), 0, bytes, PREAMBLE_BYTES + l, check));
    return new Encoded(bytes, new ArchiveReport(coder.name(), options.ecc(), h.length, l, check, bytes.length, stats, rawStats, sensedStats));
  }

  /** The header entry of a sensed tensor whose payload went to {@code data}. */
  private static Map<String, Object> sensedHeader(SensedTensor t, Map<String, Object> data) {
    SensedTensor.Recipe r = t.recipe();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", t.name());
    m.put("shape", t.shape());
    m.put("operator", r.operator());
    m.put("basis", r.basis());
    m.put("recovery", r.recovery());
    m.put("seed", r.seed());
    m.put("block", r.block());
    m.put("rows", r.rows());
    m.put("sparsity", r.sparsity());
    m.put("lambda", r.lambda());
    m.put("iterations", r.iterations());
    m.put("tolerance", r.tolerance());
    m.put("bits", t.bits());
    m.put("measurements", t.measurementCount());
    m.put("data", data);
    return m;
  }

  static ArchiveReport.SensedStats sensedStats(SensedTensor t) {
    SensedTensor.Recipe r = t.recipe();
    return new ArchiveReport.SensedStats(t.name(), t.size(), t.measurementCount(), t.bits(), r.operator() + "/" + r.basis() + "/" + r.recovery(),
        t.payload().length);
  }

  /**
   * Decodes archive {@code bytes} (corrected in place if there is ECC); {@code source} names them in errors.
   *
   * @param bytes the archive's bytes, corrected in place
   * @param source the archive's name in error messages
   * @return the contents, report and channel-code repairs
   * @throws BadInputException if the bytes are not a valid archive
   */
  public static Decoded decode(byte[] bytes, String source) {
    return new ArchiveReader(bytes, source).read();
  }

  /**
   * The report row of {@code q}: {@code entries} are its relative-index entries at {@code indexBits},
   * or null when {@code idx} is a {@link ContextMaskCoder} stream.
   */
  static ArchiveReport.TensorStats stats(QuantizedTensor q, int indexBits, int[] entries, long cb, EntropyCoder coder, byte[] idx, byte[] codes,
      boolean contextCodes) {
    int k = q.codebook().length;
    double codes0 = Entropy.bits(q.codes(), k);
    int codesUsed = used(q.codes(), k);
    ArchiveReport.StreamStats c;
    CodeContext cc = contextCodes ? ContextCodesCoder.context(codes) : null;
    if (cc == null) {
      c = new ArchiveReport.StreamStats("order-0", q.codes().length, codesUsed, k, codes0, codes0,
          codes0 + Entropy.nmlRegretBits(q.codes().length, codesUsed), contextCodes ? ContextCodesCoder.layout(codes) : coder.layout(codes), codes.length);
    } else {
      long[][] n = ContextCodesCoder.counts(q.positions(), q.codes(), maskCols(q.shape()), q.codebook(), cc);
      c = new ArchiveReport.StreamStats("ctx " + cc.bins() + " n" + cc.neighbours() + " w" + cc.width(), q.codes().length,
          ContextCodesCoder.usedContexts(n), cc.contexts(), codes0, ContextCodesCoder.conditionalEntropyBits(n), ContextCodesCoder.nmlBits(n),
          ContextCodesCoder.layout(codes), codes.length);
    }
    ArchiveReport.StreamStats i;
    if (entries != null) {
      double gaps0 = Entropy.bits(entries, 1 << indexBits);
      int u = used(entries, 1 << indexBits);
      i = new ArchiveReport.StreamStats("order-0", entries.length, u, 1 << indexBits, gaps0, gaps0, gaps0 + Entropy.nmlRegretBits(entries.length, u),
          coder.layout(idx), idx.length);
    } else {
      int rows = maskRows(q.shape()), cols = maskCols(q.shape());
      double best0 = Double.POSITIVE_INFINITY; // the order-0 bound of the relative index at its best width
      for (int b = 1; b <= 16; b++) best0 = Math.min(best0, Entropy.bits(RelativeIndex.encode(q.positions(), b), 1 << b));
      MaskContext m = ContextMaskCoder.context(idx);
      long[] n = m == null ? new long[2] : ContextMaskCoder.contextCounts(q.positions(), rows, cols, m);
      String model = m == null ? "ctx" : "ctx " + m.columnBuckets() + "x" + m.rowBuckets() + " n" + m.neighbours() + " w" + m.width();
      i = new ArchiveReport.StreamStats(model, (long) rows * cols, ContextMaskCoder.usedContexts(n), m == null ? 1 : m.contexts(), best0,
          ContextMaskCoder.conditionalEntropyBits(n), ContextMaskCoder.nmlBits(n), ContextMaskCoder.layout(idx), idx.length);
    }
    return new ArchiveReport.TensorStats(q.name(), q.size(), q.positions().length, q.bits(), k, indexBits,
        entries != null ? entries.length : q.size(), cb, i, c);
  }

  /** Rows of a tensor's keep-mask: its first dimension (1 for a scalar or vector). */
  static int maskRows(int[] shape) {
    return shape.length >= 2 ? shape[0] : 1;
  }

  /** Columns of a tensor's keep-mask: the size over the rows (0 for an empty tensor). */
  static int maskCols(int[] shape) {
    long size = 1;
    for (int d : shape) size *= d;
    int rows = maskRows(shape);
    return rows == 0 ? 0 : Math.toIntExact(size / rows);
  }

  private static int used(int[] symbols, int alphabet) {
    boolean[] seen = new boolean[alphabet];
    int k = 0;
    for (int s : symbols) {
      if (!seen[s]) {
        seen[s] = true;
        k++;
      }
    }
    return k;
  }

  private static Map<String, Object> section(ByteArrayOutputStream data, byte[] b) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("offset", data.size());
    m.put("length", b.length);
    data.writeBytes(b);
    int c = crc(b, 0, b.length);
    data.writeBytes(new byte[] {(byte) c, (byte) (c >>> 8), (byte) (c >>> 16), (byte) (c >>> 24)});
    return m;
  }

  /** Raw DEFLATE (RFC 1951, no zlib wrapper) at the best compression. */
  static byte[] deflate(byte[] b) {
    java.util.zip.Deflater d = new java.util.zip.Deflater(java.util.zip.Deflater.BEST_COMPRESSION, true);
    try {
      d.setInput(b);
      d.finish();
      ByteArrayOutputStream out = new ByteArrayOutputStream(b.length / 2 + 64);
      byte[] buf = new byte[4096];
      while (!d.finished()) out.write(buf, 0, d.deflate(buf));
      return out.toByteArray();
    } finally {
      d.end();
    }
  }

  /** Each value as little-endian IEEE float16 (the values are float16s, {@link RawTensor}). */
  static byte[] halves(float[] v) {
    ByteBuffer b = ByteBuffer.allocate(2 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : v) b.putShort(Float.floatToFloat16(f));
    return b.array();
  }

  static byte[] floats(float[] v) {
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : v) b.putInt(Float.floatToRawIntBits(f));
    return b.array();
  }

  static int crc(byte[] b, int off, int len) {
    CRC32C c = new CRC32C();
    c.update(b, off, len);
    return (int) c.getValue();
  }
}
