package dev.fivefold.io;

import java.util.Locale;

/**
 * The Java heap as a budget, checked before a large allocation so that a hostile or mistaken size
 * (an IDX header claiming millions of images, a safetensors tensor of 2^31 elements, a model of
 * 100,000 layers) is refused with a message instead of an {@link OutOfMemoryError}.
 *
 * <p>Available = {@code Runtime.maxMemory()} − used; when a request does not fit, one
 * {@code System.gc()} is tried before refusing (garbage counts as used until collected). The
 * message says how to raise the limit: the {@code fivefold} launcher reads {@value #ENV} (e.g.
 * {@code FIVEFOLD_HEAP=16g}), a plain {@code java} takes {@code -Xmx16g}.
 */
public final class Heap {
  /** The launcher's environment variable for the maximum heap (its -Xmx). */
  public static final String ENV = "FIVEFOLD_HEAP";

  /** Largest Java array length (elements) the JVM allocates reliably. */
  public static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

  private Heap() {}

  /**
   * Bytes the heap can still grow into: max − (total − free).
   * @return the bytes available, ≥ 0, at most {@link #max()}
   */
  public static long available() {
    Runtime r = Runtime.getRuntime();
    long free = r.maxMemory() - (r.totalMemory() - r.freeMemory());
    return Math.max(0, Math.min(free, max()));
  }

  /**
   * The heap's limit: -Xmx, or the smaller system property {@value #LIMIT_PROPERTY} (bytes), which
   * lets tests try hostile sizes against a small budget (it then also caps {@link #available}).
   * @return the limit in bytes
   */
  public static long max() {
    long m = Runtime.getRuntime().maxMemory();
    String p = System.getProperty(LIMIT_PROPERTY);
    if (p != null) {
      try {
        m = Math.min(m, Long.parseLong(p.strip()));
      } catch (NumberFormatException e) {
        // ignored: -Xmx stands
      }
    }
    return m;
  }

  /** System property capping {@link #max} (bytes). */
  public static final String LIMIT_PROPERTY = "fivefold.heap.limit";

  /**
   * Refuses {@code bytes} (≥ 0; saturate products with {@link #times}) that do not fit the heap.
   * @param bytes the bytes needed; a negative value (an overflow) counts as {@code Long.MAX_VALUE}
   * @param what what needs the memory, e.g. "train-images.gz: 2,739,000 images of 28×28 as float32"
   * @throws BadInputException {@code "<what> needs 10.9 GB, more than the 7.8 GB of Java heap available
   *     (limit 8.0 GB); raise it with FIVEFOLD_HEAP=16g (java -Xmx16g)"}
   */
  public static void require(long bytes, String what) {
    if (bytes < 0) bytes = Long.MAX_VALUE;
    if (bytes <= available()) return;
    System.gc();
    long avail = available();
    if (bytes <= avail) return;
    long suggest = Math.max(1, (long) Math.ceil((max() - avail + (double) bytes) * 1.25 / (1L << 30)));
    throw new BadInputException(what + " needs " + gb(bytes) + ", more than the " + gb(avail) + " of Java heap available (limit "
        + gb(max()) + "); raise it with " + ENV + "=" + suggest + "g (java -Xmx" + suggest + "g)");
  }

  /**
   * a × b × ..., saturating at Long.MAX_VALUE for non-negative factors (a negative one gives MAX_VALUE too).
   * @param factors the factors
   * @return the product, or {@code Long.MAX_VALUE} on overflow or a negative factor; 1 for no factor
   */
  public static long times(long... factors) {
    long p = 1;
    for (long f : factors) {
      if (f < 0) return Long.MAX_VALUE;
      if (f != 0 && p > Long.MAX_VALUE / f) return Long.MAX_VALUE;
      p *= f;
    }
    return p;
  }

  /**
   * Sum saturating at Long.MAX_VALUE (arguments ≥ 0).
   * @param a the first term, ≥ 0
   * @param b the second term, ≥ 0
   * @return {@code a + b}, or {@code Long.MAX_VALUE} on overflow
   */
  public static long plus(long a, long b) {
    long s = a + b;
    return s < 0 ? Long.MAX_VALUE : s;
  }

  /**
   * Bytes as "1.2 GB" / "340.0 MB" / "2^63 bytes".
   * @param bytes the size, ≥ 0
   * @return GB with one decimal from 1 GiB up, else MB; "more than 2^63 bytes" for {@code Long.MAX_VALUE}
   */
  public static String gb(long bytes) {
    if (bytes == Long.MAX_VALUE) return "more than 2^63 bytes";
    if (bytes >= 1L << 30) return String.format(Locale.ROOT, "%.1f GB", bytes / (double) (1L << 30));
    return String.format(Locale.ROOT, "%.1f MB", bytes / (double) (1L << 20));
  }
}
