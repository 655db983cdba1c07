package dev.fivefold.io.tensorboard;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writes one TensorBoard event file: {@code events.out.tfevents.<seconds>.<host>.<pid>.<n>} in a
 * directory ({@code tensorboard --logdir DIR} reads it, live). Each call appends one {@code Event}
 * record ({@link TfRecord} framing) holding a {@code Summary} with one value; the first record is
 * the file version {@code "brain.Event:2"}. The messages, with their field numbers
 * ({@code tensorflow/core/util/event.proto}, {@code framework/summary.proto}):
 * <pre>
 *   Event          { double wall_time = 1; int64 step = 2; string file_version = 3; Summary summary = 5; }
 *   Summary        { repeated Value value = 1; }
 *   Summary.Value  { string tag = 1; float simple_value = 2; Image image = 4; HistogramProto histo = 5; }
 *   Summary.Image  { int32 height = 1; int32 width = 2; int32 colorspace = 3; bytes encoded_image_string = 4; }
 *   HistogramProto { double min = 1; double max = 2; double num = 3; double sum = 4; double sum_squares = 5;
 *                    repeated double bucket_limit = 6 [packed]; repeated double bucket = 7 [packed]; }
 * </pre>
 * Records are buffered and reach the file at {@link #flush}, at {@link #close}, and when more than
 * {@value #FLUSH_MILLIS} ms passed since the last flush. Not thread-safe.
 */
public final class EventWriter implements AutoCloseable {
  /** Buckets of a histogram: equal widths between the smallest and the largest value. */
  public static final int BUCKETS = 30;

  static final long FLUSH_MILLIS = 2000;
  private static final AtomicInteger FILES = new AtomicInteger();

  private final Path file;
  private final OutputStream out;
  private long lastFlush = System.currentTimeMillis();

  private EventWriter(Path file) throws IOException {
    this.file = file;
    this.out = new BufferedOutputStream(Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
    event(0, new Proto().string(3, "brain.Event:2"));
    flush();
  }

  /**
   * Creates {@code dir} if needed and a new event file in it.
   * The file is named as TensorFlow names them: {@code events.out.tfevents.<seconds>.<host>.<pid>.<n>}.
   * @param dir the log folder
   * @return a writer of a new file, its version record written
   * @throws IOException if the folder or the file cannot be created
   */
  public static EventWriter open(Path dir) throws IOException {
    Files.createDirectories(dir);
    String host = System.getenv().getOrDefault("HOSTNAME", "localhost").replaceAll("[^A-Za-z0-9.-]", "_");
    String name = "events.out.tfevents." + System.currentTimeMillis() / 1000 + "." + (host.isEmpty() ? "localhost" : host) + "."
        + ProcessHandle.current().pid() + "." + FILES.getAndIncrement();
    return new EventWriter(dir.resolve(name));
  }

  /**
   * The event file.
   * @return the path of the file written
   */
  public Path file() {
    return file;
  }

  /**
   * A scalar ({@code simple_value}, stored as float32 as TensorBoard does).
   * @param tag the series name, not blank
   * @param step the training step (TensorBoard's x axis)
   * @param value the value
   * @throws IllegalArgumentException if the tag is blank
   * @throws IOException if the write fails
   */
  public void scalar(String tag, long step, double value) throws IOException {
    summary(step, new Proto().string(1, tag(tag)).float32(2, (float) value));
  }

  /**
   * A PNG image; its width, height and colour space are read from the PNG header.
   * @param tag the series name, not blank
   * @param step the training step (TensorBoard's x axis)
   * @param png the PNG file's bytes
   * @throws IllegalArgumentException if {@code png} is not a PNG file or the tag is blank
   * @throws IOException if the write fails
   */
  public void image(String tag, long step, byte[] png) throws IOException {
    int[] whc = pngHeader(png);
    Proto img = new Proto().varint(1, whc[1]).varint(2, whc[0]).varint(3, whc[2]).bytes(4, png);
    summary(step, new Proto().string(1, tag(tag)).message(4, img));
  }

  /**
   * A histogram of {@code values}: {@value #BUCKETS} equal-width buckets from min to max, each
   * counting the values in (previous limit, limit] (the first from min). Non-finite values are left
   * out; with none finite nothing is written. All values equal: one bucket.
   * @param tag the series name, not blank
   * @param step the training step (TensorBoard's x axis)
   * @param values the values
   * @throws IllegalArgumentException if the tag is blank
   * @throws IOException if the write fails
   */
  public void histogram(String tag, long step, float[] values) throws IOException {
    double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY, sum = 0, sumSq = 0;
    long n = 0;
    for (float v : values) {
      if (!Float.isFinite(v)) continue;
      min = Math.min(min, v);
      max = Math.max(max, v);
      sum += v;
      sumSq += (double) v * v;
      n++;
    }
    if (n == 0) return;
    int k = max > min ? BUCKETS : 1;
    double[] limits = new double[k], counts = new double[k];
    double w = (max - min) / k;
    for (int i = 0; i < k; i++) limits[i] = i == k - 1 ? max : min + (i + 1) * w;
    for (float v : values) {
      if (!Float.isFinite(v)) continue;
      int b = k == 1 ? 0 : (int) Math.ceil((v - min) / w) - 1;
      counts[Math.clamp(b, 0, k - 1)]++;
    }
    Proto h = new Proto().float64(1, min).float64(2, max).float64(3, n).float64(4, sum).float64(5, sumSq)
        .packedDoubles(6, limits).packedDoubles(7, counts);
    summary(step, new Proto().string(1, tag(tag)).message(5, h));
  }

  /**
   * Writes buffered records to the file.
   * @throws IOException if the write fails
   */
  public void flush() throws IOException {
    out.flush();
    lastFlush = System.currentTimeMillis();
  }

  @Override
  public void close() throws IOException {
    out.close();
  }

  private void summary(long step, Proto value) throws IOException {
    event(step, new Proto().message(5, new Proto().message(1, value)));
    if (System.currentTimeMillis() - lastFlush > FLUSH_MILLIS) flush();
  }

  /** Event { wall_time = 1; step = 2; ...body }: the body's fields (3 or 5) follow in field order. */
  private void event(long step, Proto body) throws IOException {
    Proto e = new Proto().float64(1, System.currentTimeMillis() / 1000.0);
    if (step != 0) e.varint(2, step);
    byte[] head = e.toByteArray(), tail = body.toByteArray();
    byte[] data = new byte[head.length + tail.length];
    System.arraycopy(head, 0, data, 0, head.length);
    System.arraycopy(tail, 0, data, head.length, tail.length);
    TfRecord.write(out, data);
  }

  private static String tag(String tag) {
    if (tag == null || tag.isBlank()) throw new IllegalArgumentException("tag (" + tag + ") must not be blank");
    return tag;
  }

  /** {width, height, colorspace} from a PNG's IHDR chunk; colour space 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA. */
  static int[] pngHeader(byte[] png) {
    byte[] sig = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    if (png == null || png.length < 33) throw new IllegalArgumentException("image is not a PNG file (" + (png == null ? 0 : png.length) + " bytes)");
    for (int i = 0; i < 8; i++) {
      if (png[i] != sig[i]) throw new IllegalArgumentException("image is not a PNG file (bad signature)");
    }
    int w = java.nio.ByteBuffer.wrap(png, 16, 4).getInt(), h = java.nio.ByteBuffer.wrap(png, 20, 4).getInt();
    int colorspace = switch (png[25]) {
      case 0 -> 1;
      case 4 -> 2;
      case 6 -> 4;
      default -> 3; // 2 RGB, 3 palette
    };
    return new int[] {w, h, colorspace};
  }
}
