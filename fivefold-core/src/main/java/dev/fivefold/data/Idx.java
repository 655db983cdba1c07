package dev.fivefold.data;

import dev.fivefold.io.AtomicFiles;
import dev.fivefold.io.BadInputException;
import dev.fivefold.io.Heap;
import dev.fivefold.io.InputFiles;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;

/**
 * An IDX array of unsigned bytes, the file format of MNIST and Fashion-MNIST (Y. LeCun, "THE
 * MNIST DATABASE of handwritten digits", http://yann.lecun.com/exdb/mnist/).
 *
 * <p>Layout: magic {@code 0x00 0x00 <type> <ndim>}, then {@code ndim} big-endian 32-bit
 * dimensions, then the elements row-major. Only type {@code 0x08} (unsigned byte) is supported,
 * which covers MNIST-format image ({@code idx3}) and label ({@code idx1}) files. A file may be raw
 * or gzip-compressed; gzip is recognised by its magic bytes {@code 1f 8b}, not by the file name.
 *
 * <p>{@link #read} raises {@link BadInputException} naming the file, the field and the value on:
 * a wrong magic, another element type, {@code ndim} of 0, a dimension &le; 0, a product of
 * dimensions of 2^31 or more, a file shorter than the header and data (truncated) or longer
 * (trailing bytes), a corrupt or truncated gzip stream, a non-regular file (FIFO, directory,
 * device: refused before it is opened) and data that would not fit the Java heap (a gzip bomb is
 * refused before it is expanded).
 *
 * @param dims the dimensions, outermost first, all &gt; 0 (the array is shared, not copied)
 * @param data the elements as raw bytes, row-major; read them unsigned with {@link #unsigned}
 */
public record Idx(int[] dims, byte[] data) {
  /** IDX element type code of unsigned bytes. */
  public static final int UBYTE = 0x08;

  /**
   * Checks the dimensions against the data.
   *
   * @throws IllegalArgumentException if {@code ndim} is not in [1, 255], a dimension is not positive, the
   *   product reaches 2^31, or the data length differs from it
   */
  public Idx {
    if (dims.length < 1 || dims.length > 255) throw new IllegalArgumentException("ndim (" + dims.length + ") must be in [1, 255]");
    long n = 1;
    for (int d : dims) {
      if (d <= 0) throw new IllegalArgumentException("dimensions " + Arrays.toString(dims) + " must be > 0");
      n *= d;
      if (n > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("dimensions " + Arrays.toString(dims) + " have 2^31 or more elements");
    }
    if (data.length != n) throw new IllegalArgumentException("data length (" + data.length + ") does not match dimensions " + Arrays.toString(dims) + " (" + n + ")");
  }

  /**
   * The first dimension: the number of items (images, labels).
   *
   * @return the number of items
   */
  public int count() {
    return dims[0];
  }

  /**
   * Elements per item: the product of all dimensions but the first.
   *
   * @return the elements per item
   */
  public int itemSize() {
    return data.length / dims[0];
  }

  /**
   * Element {@code i} (flat, row-major) as an int in [0, 255].
   *
   * @param i the flat index
   * @return the element, in [0, 255]
   */
  public int unsigned(int i) {
    return data[i] & 0xFF;
  }

  /**
   * Reads an IDX ubyte file, raw or gzip.
   *
   * @param file the file
   * @return the array
   * @throws IOException if the file cannot be read
   * @throws BadInputException if the file is missing or not a valid IDX ubyte file
   */
  public static Idx read(Path file) throws IOException {
    String f = String.valueOf(file.getFileName());
    long size;
    try {
      size = InputFiles.requireRegular(file, "IDX file");
    } catch (NoSuchFileException e) {
      throw new BadInputException(f + ": no such file (" + file.toAbsolutePath() + ")", e);
    }
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      raw.mark(2);
      int b0 = raw.read(), b1 = raw.read();
      raw.reset();
      boolean gz = b0 == 0x1f && b1 == 0x8b;
      try (InputStream in = gz ? new GZIPInputStream(raw, 1 << 16) : raw) {
        return read(in, f, gz ? -1 : size);
      } catch (ZipException | EOFException e) {
        if (!gz) throw e;
        throw new BadInputException(f + ": gzip stream is corrupt or truncated (" + e.getMessage() + ")", e);
      }
    } catch (NoSuchFileException e) {
      throw new BadInputException(f + ": no such file (" + file.toAbsolutePath() + ")", e);
    }
  }

  /**
   * Reads an uncompressed IDX ubyte stream; {@code name} names it in error messages.
   *
   * @param in the stream, positioned at the magic number
   * @param name names the stream in messages
   * @return the array
   * @throws IOException if the stream cannot be read
   * @throws BadInputException if the stream is not a valid IDX ubyte array
   */
  public static Idx read(InputStream in, String name) throws IOException {
    return read(in, name, -1);
  }

  /**
   * Reads an uncompressed IDX stream of {@code size} bytes (-1: unknown, e.g. gzip). The data is
   * read in bounded steps, so a header claiming more than the stream holds (a truncated file, a
   * forged count) fails without allocating the claim; a claim larger than the Java heap is refused
   * up front ({@link Heap#require}).
   */
  static Idx read(InputStream in, String name, long size) throws IOException {
    byte[] magic = in.readNBytes(4);
    if (magic.length < 4) throw new BadInputException(name + ": file is truncated in the magic number (" + magic.length + " of 4 bytes)");
    int m = ((magic[0] & 0xFF) << 24) | ((magic[1] & 0xFF) << 16) | ((magic[2] & 0xFF) << 8) | (magic[3] & 0xFF);
    if (magic[0] != 0 || magic[1] != 0) throw new BadInputException(name + ": magic (" + hex(m) + ") is not an IDX file (0x000008nn)");
    int type = magic[2] & 0xFF;
    if (type != UBYTE) throw new BadInputException(name + ": element type (" + String.format("0x%02x", type) + ") is not unsigned byte (0x08)");
    int ndim = magic[3] & 0xFF;
    if (ndim == 0) throw new BadInputException(name + ": number of dimensions (0) must be >= 1");
    byte[] dimBytes = in.readNBytes(4 * ndim);
    if (dimBytes.length < 4 * ndim) throw new BadInputException(name + ": file is truncated in the dimensions (" + dimBytes.length + " of " + 4 * ndim + " bytes)");
    int[] dims = new int[ndim];
    long n = 1;
    for (int i = 0; i < ndim; i++) {
      dims[i] = ((dimBytes[4 * i] & 0xFF) << 24) | ((dimBytes[4 * i + 1] & 0xFF) << 16) | ((dimBytes[4 * i + 2] & 0xFF) << 8) | (dimBytes[4 * i + 3] & 0xFF);
      if (dims[i] <= 0) throw new BadInputException(name + ": dimension " + i + " (" + Integer.toUnsignedString(dims[i]) + ") must be > 0 and < 2^31");
      n *= dims[i];
      if (n > Integer.MAX_VALUE - 8) throw new BadInputException(name + ": dimensions " + Arrays.toString(dims) + " have 2^31 or more elements");
    }
    long header = 4 + 4L * ndim;
    if (size >= 0 && size - header < n) {
      throw new BadInputException(name + ": file is truncated: dimensions " + Arrays.toString(dims) + " need " + n + " data bytes, found " + (size - header));
    }
    Heap.require(n, name + ": dimensions " + Arrays.toString(dims) + " (" + n + " bytes)");
    byte[] data = readBounded(in, (int) n);
    if (data.length < n) {
      throw new BadInputException(name + ": file is truncated: dimensions " + Arrays.toString(dims) + " need " + n + " data bytes, found " + data.length);
    }
    long extra = 0;
    byte[] rest = new byte[8192];
    for (int r; (r = in.read(rest)) >= 0; ) extra += r;
    if (extra > 0) {
      throw new BadInputException(name + ": " + extra + " trailing bytes after the " + n + " data bytes of dimensions " + Arrays.toString(dims));
    }
    return new Idx(dims, data);
  }

  /** Up to {@code n} bytes of {@code in}, in a buffer grown as bytes arrive (at most doubling), never beyond n. */
  private static byte[] readBounded(InputStream in, int n) throws IOException {
    byte[] buf = new byte[Math.min(n, 1 << 20)];
    int len = 0;
    while (len < n) {
      if (len == buf.length) buf = Arrays.copyOf(buf, (int) Math.min(n, 2L * buf.length));
      int r = in.read(buf, len, buf.length - len);
      if (r < 0) break;
      len += r;
    }
    return len == buf.length ? buf : Arrays.copyOf(buf, len);
  }

  /**
   * Writes this array to {@code file} (atomically), gzip-compressed if {@code gzip}.
   *
   * @param file the file to write
   * @param gzip whether to compress
   * @throws IOException if the file cannot be written
   */
  public void write(Path file, boolean gzip) throws IOException {
    AtomicFiles.write(file, out -> {
      if (gzip) {
        GZIPOutputStream gz = new GZIPOutputStream(out, 1 << 16);
        writeTo(gz);
        gz.finish();
      } else {
        writeTo(out);
      }
    });
  }

  /**
   * Writes the uncompressed IDX bytes to {@code out}.
   *
   * @param out the stream to write to (not closed)
   * @throws IOException if the stream fails
   */
  public void writeTo(OutputStream out) throws IOException {
    out.write(new byte[] {0, 0, UBYTE, (byte) dims.length});
    for (int d : dims) out.write(new byte[] {(byte) (d >>> 24), (byte) (d >>> 16), (byte) (d >>> 8), (byte) d});
    out.write(data);
  }

  private static String hex(int v) {
    return String.format("0x%08x", v);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Idx x && Arrays.equals(dims, x.dims) && Arrays.equals(data, x.data);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(dims) + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "Idx" + Arrays.toString(dims);
  }
}
