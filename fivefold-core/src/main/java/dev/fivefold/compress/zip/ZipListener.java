package dev.fivefold.compress.zip;

/** Progress of {@link Zip} or {@link Unzip}: called about every 64 KiB coded and at the end. */
@FunctionalInterface
public interface ZipListener {
  /**
   * {@code done} of {@code total} bytes coded, {@code bits} estimated so far, {@code seconds} since the start.
   *
   * @param done bytes coded so far
   * @param total bytes to code
   * @param bits estimated archive bits so far
   * @param seconds seconds since the start
   */
  void progress(long done, long total, double bits, double seconds);

  /** A listener that ignores progress. */
  ZipListener NONE = (d, t, b, s) -> {};
}
