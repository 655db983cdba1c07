package dev.fivefold.io;

import dev.fivefold.tensor.Shape;
import dev.fivefold.tensor.Tensor;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads and writes the Hugging Face <a href="https://github.com/huggingface/safetensors">safetensors</a>
 * format.
 *
 * <p>Layout: an 8-byte little-endian unsigned header length {@code N}; {@code N} bytes of UTF-8
 * JSON, {@code {"__metadata__": {string: string}, name: {"dtype": "F32", "shape": [d0, ...],
 * "data_offsets": [begin, end]}, ...}}; then the data buffer, each tensor row-major and
 * little-endian at {@code [begin, end)} relative to the start of the buffer.
 *
 * <p><b>Reading</b> validates everything and raises {@link BadInputException} naming the file (and
 * the tensor) on: a file shorter than 8 bytes, a header length beyond the file or above {@value
 * #MAX_HEADER} bytes, a header that is not UTF-8 or not a JSON object, a missing or malformed
 * {@code dtype}/{@code shape}/{@code data_offsets}, an unsupported dtype, {@code end - begin} not
 * equal to (elements × dtype size), offsets past the data buffer, and offsets that overlap or leave
 * gaps (like the reference implementation, the tensors must tile the buffer exactly). Dtype
 * {@code F32} is read as is; {@code F64}, {@code F16}, {@code BF16}, {@code I64}, {@code I32},
 * {@code I16}, {@code I8}, {@code U8} and {@code BOOL} are converted to float32 on read (F64 and
 * integers beyond 2^24 are rounded to the nearest float; F64 beyond the float range becomes
 * infinite). Tensors come back in file order (order of the header keys). A file that is not a
 * regular file (FIFO, directory, device) is refused before it is opened ({@link InputFiles}), and
 * tensors whose float32 copies would not fit the Java heap before any is allocated ({@link Heap});
 * reading takes time linear in the file's size, however many tensors it lists (one read buffer
 * serves them all).
 *
 * <p><b>Writing</b> stores every float tensor as {@code F32} (and {@link IntTensor}s as {@code I8}
 * or {@code U8}), sorted by name (as the reference
 * implementation does for tensors of one dtype), with the {@code __metadata__} entry first
 * (omitted when empty) and the header padded with spaces to a multiple of 8 bytes so the data is
 * aligned. The file is written atomically ({@link AtomicFiles}).
 */
public final class SafeTensors {
  /** Largest header accepted on read, 100 MB, as in the reference implementation. */
  public static final long MAX_HEADER = 100_000_000L;

  private static final String METADATA = "__metadata__";
  /** Bytes read at a time (a multiple of every dtype's size). */
  private static final int CHUNK = 1 << 20;

  private SafeTensors() {}

  /**
   * A file's tensors in file order, and its {@code __metadata__} (empty if absent).
   * @param tensors the tensors by name, in file order
   * @param metadata the {@code __metadata__} entries (empty if absent), unmodifiable
   */
  public record Contents(LinkedHashMap<String, Tensor> tensors, Map<String, String> metadata) {
    /**
     * Copies {@code metadata} into an unmodifiable map (the tensors are kept as given).
     * @param tensors the tensors by name, in file order
     * @param metadata the {@code __metadata__} entries
     */
    public Contents {
      metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /**
     * The tensor called {@code name}; throws {@link BadInputException} if there is none.
     * @param name the tensor's name
     * @return the tensor
     */
    public Tensor get(String name) {
      Tensor t = tensors.get(name);
      if (t == null) throw new BadInputException("no tensor named \"" + name + "\"; have " + tensors.keySet());
      return t;
    }
  }

  enum Dtype {
    F32(4), F64(8), F16(2), BF16(2), I64(8), I32(4), I16(2), I8(1), U8(1), BOOL(1);

    final int bytes;

    Dtype(int bytes) {
      this.bytes = bytes;
    }

    float decode(ByteBuffer b) {
      return switch (this) {
        case F32 -> b.getFloat();
        case F64 -> (float) b.getDouble();
        case F16 -> Float.float16ToFloat(b.getShort());
        case BF16 -> Float.intBitsToFloat((b.getShort() & 0xFFFF) << 16);
        case I64 -> (float) b.getLong();
        case I32 -> (float) b.getInt();
        case I16 -> b.getShort();
        case I8 -> b.get();
        case U8, BOOL -> b.get() & 0xFF;
      };
    }
  }

  private record Entry(String name, Dtype dtype, int[] dims, long begin, long end) {}

  /**
   * Reads every tensor of {@code file}, validated and converted to float32 as the class comment says.
   * @param file the safetensors file
   * @return the tensors in file order and the metadata
   * @throws BadInputException if the file is missing, not a regular file, malformed, or too large for the
   *     heap (the message names the file and the tensor)
   * @throws IOException if reading fails
   */
  public static Contents read(Path file) throws IOException {
    String f = String.valueOf(file.getFileName());
    try (FileChannel ch = open(file, f)) {
      long size = ch.size();
      Header h = header(ch, f);
      String header = h.json();
      long n = h.length();
      long dataStart = 8 + n;
      List<Entry> entries = new ArrayList<>();
      Map<String, String> metadata = parseHeader(header, f, entries);
      checkOffsets(entries, size - dataStart, f);
      long floats = 0;
      for (Entry e : entries) floats = Heap.plus(floats, (e.end - e.begin) / e.dtype.bytes);
      Heap.require(Heap.times(floats, 4), f + ": " + entries.size() + " tensors of " + floats + " elements as float32");
      LinkedHashMap<String, Tensor> tensors = new LinkedHashMap<>();
      ByteBuffer buf = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN); // one buffer for all tensors: reading is linear in the file
      for (Entry e : entries) tensors.put(e.name, readTensor(ch, dataStart, e, f, buf));
      return new Contents(tensors, metadata);
    } catch (NoSuchFileException e) {
      throw new BadInputException(f + ": no such file (" + file.toAbsolutePath() + ")", e);
    }
  }

  private static Map<String, String> parseHeader(String header, String f, List<Entry> out) {
    if (!(Json.parse(header, f + ": JSON header") instanceof Map<?, ?> root)) {
      throw new BadInputException(f + ": JSON header is not an object");
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    for (Map.Entry<?, ?> kv : root.entrySet()) {
      String name = (String) kv.getKey();
      if (name.equals(METADATA)) {
        if (kv.getValue() == null) continue;
        if (!(kv.getValue() instanceof Map<?, ?> m)) throw new BadInputException(f + ": " + METADATA + " is not an object");
        for (Map.Entry<?, ?> mk : m.entrySet()) {
          if (!(mk.getValue() instanceof String s)) {
            throw new BadInputException(f + ": " + METADATA + " value of \"" + mk.getKey() + "\" (" + Json.write(mk.getValue()) + ") is not a string");
          }
          metadata.put((String) mk.getKey(), s);
        }
        continue;
      }
      String where = f + ": tensor \"" + name + "\"";
      if (!(kv.getValue() instanceof Map<?, ?> info)) throw new BadInputException(where + " is not an object");
      if (!(info.get("dtype") instanceof String ds)) throw new BadInputException(where + ": dtype (" + Json.write(info.get("dtype")) + ") is not a string");
      Dtype dtype;
      try {
        dtype = Dtype.valueOf(ds);
      } catch (IllegalArgumentException e) {
        throw new BadInputException(where + ": dtype (" + ds + ") is not supported; supported are " + List.of(Dtype.values()));
      }
      if (!(info.get("shape") instanceof List<?> shapeList)) throw new BadInputException(where + ": shape (" + Json.write(info.get("shape")) + ") is not an array");
      int[] dims = new int[shapeList.size()];
      long count = 1;
      for (int i = 0; i < dims.length; i++) {
        if (!(shapeList.get(i) instanceof Long d) || d < 0 || d > Integer.MAX_VALUE) {
          throw new BadInputException(where + ": shape " + Json.write(shapeList) + " has an invalid dimension " + Json.write(shapeList.get(i)));
        }
        dims[i] = (int) (long) d;
        count *= d;
        if (count > Integer.MAX_VALUE - 8) throw new BadInputException(where + ": shape " + Json.write(shapeList) + " has more than 2^31 elements");
      }
      if (!(info.get("data_offsets") instanceof List<?> off) || off.size() != 2
          || !(off.get(0) instanceof Long begin) || !(off.get(1) instanceof Long end) || begin < 0 || end < begin) {
        throw new BadInputException(where + ": data_offsets (" + Json.write(info.get("data_offsets")) + ") is not a pair [begin, end] with 0 <= begin <= end");
      }
      if (end - begin != count * dtype.bytes) {
        throw new BadInputException(where + ": data_offsets " + Json.write(off) + " span " + (end - begin) + " bytes but "
            + dtype + " shape " + Json.write(shapeList) + " needs " + count * dtype.bytes);
      }
      out.add(new Entry(name, dtype, dims, begin, end));
    }
    return metadata;
  }

  private static void checkOffsets(List<Entry> entries, long dataSize, String f) {
    List<Entry> sorted = new ArrayList<>(entries);
    sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
    long expected = 0;
    for (Entry e : sorted) {
      if (e.end > dataSize) {
        throw new BadInputException(f + ": tensor \"" + e.name + "\": data_offsets [" + e.begin + ", " + e.end + "] run past the data buffer (" + dataSize + " bytes); file truncated?");
      }
      if (e.begin != expected) {
        String why = e.begin < expected ? "overlap the previous tensor, which ends at " : "leave a gap after the previous tensor, which ends at ";
        throw new BadInputException(f + ": tensor \"" + e.name + "\": data_offsets [" + e.begin + ", " + e.end + "] " + why + expected);
      }
      expected = e.end;
    }
    if (expected != dataSize) {
      throw new BadInputException(f + ": tensors cover " + expected + " bytes of a " + dataSize + "-byte data buffer (trailing bytes)");
    }
  }

  private static Tensor readTensor(FileChannel ch, long dataStart, Entry e, String f, ByteBuffer buf) throws IOException {
    Shape shape = Shape.of(e.dims);
    float[] out = new float[shape.size()];
    int chunkElems = CHUNK / e.dtype.bytes;
    long pos = dataStart + e.begin;
    for (int i = 0; i < out.length; ) {
      int m = Math.min(chunkElems, out.length - i);
      buf.clear().limit(m * e.dtype.bytes);
      readFully(ch, buf, pos, f);
      buf.flip();
      if (e.dtype == Dtype.F32) {
        buf.asFloatBuffer().get(out, i, m);
      } else {
        for (int k = 0; k < m; k++) out[i + k] = e.dtype.decode(buf);
      }
      pos += (long) m * e.dtype.bytes;
      i += m;
    }
    return Tensor.wrap(out, shape);
  }

  private static void readFully(FileChannel ch, ByteBuffer b, long pos, String f) throws IOException {
    while (b.hasRemaining()) {
      int r = ch.read(b, pos);
      if (r < 0) throw new BadInputException(f + ": unexpected end of file at byte " + pos);
      pos += r;
    }
  }

  /**
   * Integer data to write beside float tensors: dtype {@code I8} (signed) or {@code U8} (unsigned),
   * one byte per element, row-major. (Integer tensors read back as float32 like every non-F32
   * dtype, exactly: every byte value is a float.)
   *
   * @param dtype "I8" or "U8"
   * @param shape dimensions; their product must equal data.length
   * @param data the bytes
   */
  public record IntTensor(String dtype, int[] shape, byte[] data) {
    /**
     * Checks the dtype and that the shape matches the data.
     * @param dtype "I8" or "U8"
     * @param shape dimensions, each ≥ 0; their product must equal data.length
     * @param data the bytes
     * @throws IllegalArgumentException if the dtype is not I8 or U8, a dimension is negative or the sizes
     *     differ
     */
    public IntTensor {
      if (!dtype.equals("I8") && !dtype.equals("U8")) throw new IllegalArgumentException("integer dtype (" + dtype + ") must be I8 or U8");
      long n = 1;
      for (int d : shape) {
        if (d < 0) throw new IllegalArgumentException("shape " + java.util.Arrays.toString(shape) + " has a negative dimension");
        n *= d;
      }
      if (n != data.length) throw new IllegalArgumentException("shape " + java.util.Arrays.toString(shape) + " has " + n + " elements but data has " + data.length + " bytes");
    }
  }

  /**
   * Writes {@code tensors} as F32 with {@code metadata} (may be empty) to {@code file}, atomically.
   * @param file the file to create or replace
   * @param tensors the tensors by name
   * @param metadata string entries for {@code __metadata__}; empty or null for none
   * @throws IllegalArgumentException if a name is empty or is {@code "__metadata__"}
   * @throws IOException if writing fails (the file is then untouched)
   */
  public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
    write(file, tensors, Map.of(), metadata);
  }

  /**
   * Writes float tensors as F32 and {@code ints} as I8/U8, all sorted by name together, with
   * {@code metadata} (may be empty) to {@code file}, atomically. The data of each tensor starts at a
   * byte offset (floats are not realigned after an odd-length integer tensor; the format does not
   * require it).
   * @param file the file to create or replace
   * @param tensors the float tensors by name
   * @param ints the integer tensors by name
   * @param metadata string entries for {@code __metadata__}; empty or null for none
   * @throws IllegalArgumentException if a name is empty, is {@code "__metadata__"} or is in both maps
   * @throws IOException if writing fails (the file is then untouched)
   */
  public static void write(Path file, Map<String, Tensor> tensors, Map<String, IntTensor> ints, Map<String, String> metadata) throws IOException {
    TreeMap<String, Object> sorted = new TreeMap<>(tensors);
    for (Map.Entry<String, IntTensor> e : ints.entrySet()) {
      if (sorted.put(e.getKey(), e.getValue()) != null) throw new IllegalArgumentException("tensor name (\"" + e.getKey() + "\") is both a float and an integer tensor");
    }
    Map<String, Object> header = new LinkedHashMap<>();
    if (metadata != null && !metadata.isEmpty()) header.put(METADATA, new TreeMap<>(metadata));
    long offset = 0;
    for (Map.Entry<String, Object> e : sorted.entrySet()) {
      if (e.getKey().isEmpty() || e.getKey().equals(METADATA)) throw new IllegalArgumentException("tensor name (\"" + e.getKey() + "\") is reserved or empty");
      Map<String, Object> info = new LinkedHashMap<>();
      long bytes;
      if (e.getValue() instanceof Tensor t) {
        bytes = 4L * t.size();
        info.put("dtype", "F32");
        info.put("shape", t.shape().dims());
      } else {
        IntTensor t = (IntTensor) e.getValue();
        bytes = t.data().length;
        info.put("dtype", t.dtype());
        info.put("shape", t.shape().clone());
      }
      info.put("data_offsets", new long[] {offset, offset + bytes});
      header.put(e.getKey(), info);
      offset += bytes;
    }
    byte[] json = Json.write(header).getBytes(StandardCharsets.UTF_8);
    int padded = (json.length + 7) / 8 * 8;
    AtomicFiles.write(file, out -> {
      ByteBuffer b = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
      b.putLong(padded);
      out.write(b.array(), 0, 8);
      out.write(json);
      for (int i = json.length; i < padded; i++) out.write(' ');
      for (Object t : sorted.values()) {
        if (t instanceof Tensor ft) writeFloats(out, ft.data(), b);
        else out.write(((IntTensor) t).data());
      }
    });
  }

  /**
   * The {@code __metadata__} of {@code file} (empty if absent), reading and checking only the header.
   * @param file the safetensors file
   * @return the metadata entries
   * @throws BadInputException if the file is missing, not a regular file or its header is malformed
   * @throws IOException if reading fails
   */
  public static Map<String, String> metadata(Path file) throws IOException {
    String f = String.valueOf(file.getFileName());
    try (FileChannel ch = open(file, f)) {
      String header = header(ch, f).json();
      return parseHeader(header, f, new ArrayList<>());
    }
  }

  /** The JSON header and its length in bytes (the data starts at 8 + length). */
  private record Header(String json, long length) {}

  /** Opens {@code file} for reading, refusing a missing or non-regular file with a one-line error naming it. */
  private static FileChannel open(Path file, String f) throws IOException {
    try {
      InputFiles.requireRegular(file, "safetensors file");
    } catch (NoSuchFileException e) {
      throw new BadInputException(f + ": no such file (" + file.toAbsolutePath() + ")", e);
    }
    return FileChannel.open(file, StandardOpenOption.READ);
  }

  /**
   * The JSON header: the 8-byte little-endian length n, checked against the file size and
   * {@link #MAX_HEADER} before anything is allocated, then n bytes of strict UTF-8.
   */
  private static Header header(FileChannel ch, String f) throws IOException {
    long size = ch.size();
    if (size < 8) throw new BadInputException(f + ": file size (" + size + " bytes) is smaller than the 8-byte header length");
    ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    readFully(ch, lenBuf, 0, f);
    long n = lenBuf.flip().getLong();
    if (n < 0 || n > size - 8) {
      throw new BadInputException(f + ": header length (" + Long.toUnsignedString(n) + ") is larger than the rest of the file (" + (size - 8) + " bytes)");
    }
    if (n > MAX_HEADER) throw new BadInputException(f + ": header length (" + n + ") exceeds the limit of " + MAX_HEADER + " bytes");
    ByteBuffer hb = ByteBuffer.allocate((int) n);
    readFully(ch, hb, 8, f);
    try {
      return new Header(StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(hb.flip()).toString(), n);
    } catch (CharacterCodingException e) {
      throw new BadInputException(f + ": header is not valid UTF-8");
    }
  }

  private static void writeFloats(OutputStream out, float[] data, ByteBuffer b) throws IOException {
    for (int i = 0; i < data.length; ) {
      b.clear();
      int m = Math.min(b.capacity() / 4, data.length - i);
      b.asFloatBuffer().put(data, i, m);
      out.write(b.array(), 0, m * 4);
      i += m;
    }
  }
}
