package dev.fivefold.compress.archive;

import dev.fivefold.compress.QuantizedTensor;
import dev.fivefold.compress.code.ChannelCode;
import dev.fivefold.compress.code.ContextCodesCoder;
import dev.fivefold.compress.code.ContextMaskCoder;
import dev.fivefold.compress.code.EntropyCoder;
import dev.fivefold.io.BadInputException;
import dev.fivefold.io.Json;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** One read of an archive, in the order {@link FfzArchive} documents; every check before every allocation. */
final class ArchiveReader {
  private final byte[] bytes;
  private final String file;
  private final ByteBuffer buf;
  private Ecc ecc;
  private int version;
  private int headerCoding;
  private ChannelCode.Correction correction = new ChannelCode.Correction(0, 0);
  private int dataStart; // absolute offset of the data region
  private int dataLength;

  ArchiveReader(byte[] bytes, String file) {
    this.bytes = bytes;
    this.file = file;
    this.buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
  }

  private BadInputException bad(String message) {
    return new BadInputException(file + ": " + message);
  }

  private BadInputException crcMismatch(String section) {
    String why = correction.uncorrectable() > 0 ? " (ecc " + ecc.flag() + ": " + correction.uncorrectable() + " uncorrectable code words)" : "";
    return new BadInputException("corrupt archive: " + file + ": section " + section + " CRC32C mismatch" + why);
  }

  FfzArchive.Decoded read() {
    int l = preamble();
    int check = (int) ecc.overhead(l);
    ecc.code().ifPresent(c -> correction = c.correct(bytes, FfzArchive.PREAMBLE_BYTES, l, FfzArchive.PREAMBLE_BYTES + l));
    int p = FfzArchive.PREAMBLE_BYTES;
    long h = Integer.toUnsignedLong(buf.getInt(p));
    if (l < 8 || h > l - 8) {
      throw new BadInputException("corrupt archive: " + file + ": section header headerLength (" + h + ") exceeds the body of " + l + " bytes");
    }
    int hl = (int) h;
    if (FfzArchive.crc(bytes, p, 4 + hl) != buf.getInt(p + 4 + hl)) throw crcMismatch("header");
    dataStart = p + 8 + hl;
    dataLength = l - 8 - hl;
    byte[] json = headerCoding == 1 ? inflate(bytes, p + 4, hl) : java.util.Arrays.copyOfRange(bytes, p + 4, p + 4 + hl);
    Object parsed = Json.parse(new String(json, StandardCharsets.UTF_8), file + ": header");
    Map<String, Object> header = object(parsed, "header");
    long format = integer(header, "format", "header", 0, Long.MAX_VALUE);
    if (format != version) throw bad("header format (" + format + ") differs from the preamble version (" + version + ")");
    String spec = string(header, "spec", "header");
    Map<String, String> metadata = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : object(header.get("metadata"), "header metadata").entrySet()) {
      if (!(e.getValue() instanceof String s)) throw bad("header metadata." + e.getKey() + " must be a string");
      metadata.put(e.getKey(), s);
    }
    List<QuantizedTensor> quantized = new ArrayList<>();
    List<ArchiveReport.TensorStats> stats = new ArrayList<>();
    String codec = null;
    List<Object> ts = array(header, "tensors", "header");
    Set<String> names = new HashSet<>();
    for (int i = 0; i < ts.size(); i++) {
      String where = "header tensors[" + i + "]";
      Map<String, Object> t = object(ts.get(i), where);
      codec = string(t, "codec", where);
      quantized.add(tensor(t, where, stats));
      if (!names.add(quantized.getLast().name())) throw bad(where + ".name (" + quantized.getLast().name() + ") is used twice");
    }
    List<RawTensor> raw = new ArrayList<>();
    List<ArchiveReport.RawStats> rawStats = new ArrayList<>();
    List<Object> rs = array(header, "raw", "header");
    for (int i = 0; i < rs.size(); i++) {
      String where = "header raw[" + i + "]";
      Map<String, Object> t = object(rs.get(i), where);
      String name = string(t, "name", where);
      int[] shape = shape(t, where);
      int size = size(shape, where);
      int rawBits = t.containsKey("bits") ? (int) integer(t, "bits", where, 16, 32) : 32;
      if (rawBits != 16 && rawBits != 32) throw bad(where + ".bits (" + rawBits + ") must be 16 or 32");
      if (rawBits == 16 && version < FfzArchive.COMPACT_VERSION) {
        throw bad(where + ".bits (16) needs format version " + FfzArchive.COMPACT_VERSION + ", the preamble says " + version);
      }
      byte[] d = section(t, "data", where, name + "/data");
      if (d.length != rawBits / 8L * size) throw bad(where + ".data.length (" + d.length + ") is not " + rawBits / 8 + " * size (" + size + ")");
      raw.add(rawBits == 16 ? new RawTensor(name, shape, halves(d), 16) : new RawTensor(name, shape, floats(d)));
      rawStats.add(new ArchiveReport.RawStats(name, size, d.length));
      if (!names.add(name)) throw bad(where + ".name (" + name + ") is used twice");
    }
    List<SensedTensor> sensed = new ArrayList<>();
    List<ArchiveReport.SensedStats> sensedStats = new ArrayList<>();
    if (header.containsKey("sensed")) {
      if (version < FfzArchive.SENSED_VERSION) throw bad("header sensed needs format version " + FfzArchive.SENSED_VERSION + ", the preamble says " + version);
      List<Object> ss = array(header, "sensed", "header");
      for (int i = 0; i < ss.size(); i++) {
        String where = "header sensed[" + i + "]";
        sensed.add(sensed(object(ss.get(i), where), where));
        sensedStats.add(FfzArchive.sensedStats(sensed.getLast()));
        if (!names.add(sensed.getLast().name())) throw bad(where + ".name (" + sensed.getLast().name() + ") is used twice");
      }
    }
    FfzModel model = new FfzModel(spec, metadata, quantized, raw, sensed);
    ArchiveReport report = new ArchiveReport(codec == null ? "none" : codec, ecc, hl, l, check, bytes.length, stats, rawStats, sensedStats);
    return new FfzArchive.Decoded(model, report, correction);
  }

  /** Checks the preamble and the file length; returns the body length. */
  private int preamble() {
    if (bytes.length < 4 || !java.util.Arrays.equals(bytes, 0, 4, FfzArchive.MAGIC, 0, 4)) {
      int n = Math.min(4, bytes.length);
      throw bad("magic (" + java.util.HexFormat.of().formatHex(bytes, 0, n) + ") is not an FFZ archive (464a5a31, \"FFZ1\")");
    }
    if (bytes.length < FfzArchive.PREAMBLE_BYTES) {
      throw bad("truncated: " + bytes.length + " bytes, the preamble alone takes " + FfzArchive.PREAMBLE_BYTES);
    }
    if (FfzArchive.crc(bytes, 0, 12) != buf.getInt(12)) {
      ecc = Ecc.NONE;
      throw crcMismatch("preamble");
    }
    version = bytes[4] & 0xff;
    if (version < FfzArchive.MIN_VERSION || version > FfzArchive.COMPACT_VERSION) {
      throw bad("format version (" + version + ") is not supported (this reader knows " + FfzArchive.MIN_VERSION + ".." + FfzArchive.COMPACT_VERSION + ")");
    }
    headerCoding = bytes[6] & 0xff;
    if (headerCoding > 1) throw bad("headerCoding (" + headerCoding + ") is not known (0 JSON, 1 DEFLATE)");
    if (headerCoding == 1 && version < FfzArchive.COMPACT_VERSION) {
      throw bad("headerCoding (1, DEFLATE) needs format version " + FfzArchive.COMPACT_VERSION + ", the preamble says " + version);
    }
    ecc = Ecc.ofId(bytes[5] & 0xff);
    if (ecc == null) throw bad("ecc (" + (bytes[5] & 0xff) + ") is not a known channel code (0 none, 1 hamming, 2 rs)");
    long l = Integer.toUnsignedLong(buf.getInt(8));
    long expected = FfzArchive.PREAMBLE_BYTES + l + ecc.overhead(l);
    if (bytes.length < expected) throw bad("truncated: " + bytes.length + " bytes, the preamble promises " + expected);
    if (bytes.length > expected) throw bad(bytes.length - expected + " bytes after the end of the archive (" + expected + " bytes)");
    return (int) l;
  }

  private QuantizedTensor tensor(Map<String, Object> t, String where, List<ArchiveReport.TensorStats> stats) {
    String name = string(t, "name", where);
    int[] shape = shape(t, where);
    int size = size(shape, where);
    int bits = (int) integer(t, "bits", where, 1, 16);
    String codec = string(t, "codec", where);
    EntropyCoder coder = FfzArchive.coderNamed(codec);
    if (coder == null) throw bad(where + ".codec (" + codec + ") is not a known codec (huffman, rans, arith-static, arith-adaptive, smallest)");
    boolean mask = indexCoding(t, where);
    int indexBits = (int) integer(t, "indexBits", where, mask ? 0 : 1, mask ? 0 : 16);
    int kept = (int) integer(t, "kept", where, 0, Math.min(size, FfzArchive.MAX_ENTRIES));
    int entries = mask ? (int) integer(t, "entries", where, size, size) : (int) integer(t, "entries", where, kept, Math.min(size, FfzArchive.MAX_ENTRIES));
    int codebookSize = (int) integer(t, "codebookSize", where, 1, 1 << bits);
    byte[] cb = section(t, "codebook", where, name + "/codebook");
    if (cb.length != 4L * codebookSize) throw bad(where + ".codebook.length (" + cb.length + ") is not 4 * codebookSize (" + codebookSize + ")");
    byte[] idx = section(t, "index", where, name + "/index");
    byte[] cs = section(t, "codes", where, name + "/codes");
    int[] gaps = null;
    int[] positions;
    if (mask) {
      try {
        positions = ContextMaskCoder.decode(idx, FfzArchive.maskRows(shape), FfzArchive.maskCols(shape), kept);
      } catch (BadInputException e) {
        throw bad(where + " index: " + e.getMessage());
      }
      if (positions.length != kept) throw bad(where + " index: mask holds " + positions.length + " weights, header says kept (" + kept + ")");
    } else {
      gaps = decodeStream(coder, idx, entries, where + " index");
      positions = RelativeIndex.decode(gaps, indexBits, kept, size, file + ": " + where);
    }
    boolean contextCodes = codesCoding(t, where);
    int[] codes;
    if (contextCodes) {
      try {
        codes = ContextCodesCoder.decode(cs, positions, FfzArchive.maskCols(shape), floats(cb));
      } catch (BadInputException e) {
        throw bad(where + " codes: " + e.getMessage());
      }
    } else {
      codes = decodeStream(coder, cs, kept, where + " codes");
    }
    for (int i = 0; i < kept; i++) {
      if (codes[i] >= codebookSize) throw bad(where + " codes[" + i + "] (" + codes[i] + ") outside the codebook of " + codebookSize);
    }
    QuantizedTensor q = new QuantizedTensor(name, shape, bits, floats(cb), positions, codes);
    stats.add(FfzArchive.stats(q, indexBits, gaps, cb.length, coder, idx, cs, contextCodes));
    return q;
  }

  /** A sensed tensor's header entry and payload, every field checked before the payload is read. */
  private SensedTensor sensed(Map<String, Object> t, String where) {
    String name = string(t, "name", where);
    int[] shape = shape(t, where);
    int size = size(shape, where);
    String operator = string(t, "operator", where);
    if (!SensedTensor.OPERATORS.contains(operator)) throw bad(where + ".operator (" + operator + ") must be gaussian or hadamard");
    String basis = string(t, "basis", where);
    if (!SensedTensor.BASES.contains(basis)) throw bad(where + ".basis (" + basis + ") must be identity or dct");
    if (basis.equals("dct") && shape.length < 3) throw bad(where + ".basis (dct) needs a shape of rank >= 3, not " + java.util.Arrays.toString(shape));
    String recovery = string(t, "recovery", where);
    if (!SensedTensor.RECOVERIES.contains(recovery)) throw bad(where + ".recovery (" + recovery + ") must be omp or fista");
    long seed = integer(t, "seed", where, Long.MIN_VALUE, Long.MAX_VALUE);
    int block = (int) integer(t, "block", where, 1, SensedTensor.MAX_BLOCK);
    int rows = (int) integer(t, "rows", where, 1, block);
    int sparsity = (int) integer(t, "sparsity", where, 1, rows);
    double lambda = real(t, "lambda", where);
    if (!(lambda > 0 && lambda <= 1)) throw bad(where + ".lambda (" + lambda + ") must be in (0, 1]");
    int iterations = (int) integer(t, "iterations", where, 1, Integer.MAX_VALUE);
    double tolerance = real(t, "tolerance", where);
    if (!(tolerance >= 0) || Double.isInfinite(tolerance)) throw bad(where + ".tolerance (" + tolerance + ") must be >= 0 and finite");
    int bits = (int) integer(t, "bits", where, 8, 32);
    if (bits != 8 && bits != 32) throw bad(where + ".bits (" + bits + ") must be 32 or 8");
    SensedTensor.Recipe recipe = new SensedTensor.Recipe(operator, basis, recovery, seed, block, rows, sparsity, lambda, iterations, tolerance);
    long m = recipe.measurements(size);
    integer(t, "measurements", where, m, m);
    byte[] d = section(t, "data", where, name + "/data");
    long expected = bits == 32 ? 4 * m : 4 + m;
    if (d.length != expected) throw bad(where + ".data.length (" + d.length + ") is not " + expected + " (" + m + " measurements at " + bits + " bits)");
    try {
      return new SensedTensor(name, shape, recipe, bits, d);
    } catch (IllegalArgumentException e) {
      throw bad(where + ": " + e.getMessage());
    }
  }

  private double real(Map<String, Object> m, String key, String where) {
    if (!(m.get(key) instanceof Number n)) throw bad(where + "." + key + " (" + m.get(key) + ") must be a number");
    return n.doubleValue();
  }

  /** Whether {@code t}'s positions are a context-coded mask ({@code "indexCoding": "mask"}, format 3 on). */
  private boolean indexCoding(Map<String, Object> t, String where) {
    if (!t.containsKey("indexCoding")) return false;
    String c = string(t, "indexCoding", where);
    if (!c.equals("mask") && !c.equals("gaps")) throw bad(where + ".indexCoding (" + c + ") must be gaps or mask");
    if (c.equals("mask") && version < 3) throw bad(where + ".indexCoding (mask) needs format version 3, the preamble says " + version);
    return c.equals("mask");
  }

  /** Whether {@code t}'s codes are context-coded ({@code "codesCoding": "ctx"}, format 3 on). */
  private boolean codesCoding(Map<String, Object> t, String where) {
    if (!t.containsKey("codesCoding")) return false;
    String c = string(t, "codesCoding", where);
    if (!c.equals("ctx") && !c.equals("order-0")) throw bad(where + ".codesCoding (" + c + ") must be order-0 or ctx");
    if (c.equals("ctx") && version < 3) throw bad(where + ".codesCoding (ctx) needs format version 3, the preamble says " + version);
    return c.equals("ctx");
  }

  private int[] decodeStream(EntropyCoder coder, byte[] stream, int count, String where) {
    int[] s;
    try {
      s = coder.decode(stream, count);
    } catch (BadInputException e) {
      throw bad(where + ": " + e.getMessage());
    }
    if (s.length != count) throw bad(where + ": stream holds " + s.length + " symbols, header says " + count);
    return s;
  }

  /** The bytes of section {@code key} of {@code t}, after its CRC is checked. */
  private byte[] section(Map<String, Object> t, String key, String where, String name) {
    Map<String, Object> s = object(t.get(key), where + "." + key);
    long off = integer(s, "offset", where + "." + key, 0, dataLength);
    long len = integer(s, "length", where + "." + key, 0, dataLength);
    if (off + len + 4 > dataLength) throw bad(where + "." + key + " [" + off + ", +" + len + "] runs past the data (" + dataLength + " bytes)");
    int a = dataStart + (int) off;
    if (FfzArchive.crc(bytes, a, (int) len) != buf.getInt(a + (int) len)) throw crcMismatch(name);
    return java.util.Arrays.copyOfRange(bytes, a, a + (int) len);
  }

  private int[] shape(Map<String, Object> t, String where) {
    List<Object> dims = array(t, "shape", where);
    if (dims.size() > 16) throw bad(where + ".shape has " + dims.size() + " dimensions (at most 16)");
    int[] shape = new int[dims.size()];
    for (int i = 0; i < shape.length; i++) {
      if (!(dims.get(i) instanceof Long d) || d < 0 || d > Integer.MAX_VALUE) throw bad(where + ".shape[" + i + "] (" + dims.get(i) + ") must be an integer >= 0");
      shape[i] = (int) (long) d;
    }
    return shape;
  }

  private int size(int[] shape, String where) {
    long n = 1;
    for (int d : shape) {
      n *= d;
      if (n > Integer.MAX_VALUE - 8) throw bad(where + ".shape " + java.util.Arrays.toString(shape) + " holds 2^31 or more elements");
    }
    return (int) n;
  }

  /** float16 values, little-endian. */
  private static float[] halves(byte[] b) {
    ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    float[] v = new float[b.length / 2];
    for (int i = 0; i < v.length; i++) v[i] = Float.float16ToFloat(bb.getShort());
    return v;
  }

  /** The raw DEFLATE stream at bytes[from, from + n), at most {@link FfzArchive#MAX_HEADER_BYTES} bytes out. */
  private byte[] inflate(byte[] b, int from, int n) {
    java.util.zip.Inflater in = new java.util.zip.Inflater(true);
    try {
      in.setInput(b, from, n);
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(Math.min(FfzArchive.MAX_HEADER_BYTES, 4 * n + 64));
      byte[] buf = new byte[4096];
      while (!in.finished()) {
        int k = in.inflate(buf);
        if (k == 0 && (in.needsInput() || in.needsDictionary())) throw bad("header: the DEFLATE stream ends early");
        out.write(buf, 0, k);
        if (out.size() > FfzArchive.MAX_HEADER_BYTES) throw bad("header: inflates to more than " + FfzArchive.MAX_HEADER_BYTES + " bytes");
      }
      if (in.getRemaining() != 0) throw bad("header: " + in.getRemaining() + " bytes after the DEFLATE stream");
      return out.toByteArray();
    } catch (java.util.zip.DataFormatException e) {
      throw bad("header: corrupt DEFLATE stream (" + e.getMessage() + ")");
    } finally {
      in.end();
    }
  }

  private static float[] floats(byte[] b) {
    ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    float[] v = new float[b.length / 4];
    for (int i = 0; i < v.length; i++) v[i] = Float.intBitsToFloat(bb.getInt());
    return v;
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> object(Object o, String where) {
    if (!(o instanceof Map<?, ?> m)) throw bad(where + " must be a JSON object");
    return (Map<String, Object>) m;
  }

  @SuppressWarnings("unchecked")
  private List<Object> array(Map<String, Object> m, String key, String where) {
    if (!(m.get(key) instanceof List<?> l)) throw bad(where + "." + key + " must be a JSON array");
    return (List<Object>) l;
  }

  private String string(Map<String, Object> m, String key, String where) {
    if (!(m.get(key) instanceof String s)) throw bad(where + "." + key + " must be a string");
    return s;
  }

  private long integer(Map<String, Object> m, String key, String where, long min, long max) {
    Object v = m.get(key);
    if (!(v instanceof Long n)) throw bad(where + "." + key + " (" + v + ") must be an integer");
    if (n < min || n > max) throw bad(where + "." + key + " (" + n + ") must be in " + min + ".." + max);
    return n;
  }
}
