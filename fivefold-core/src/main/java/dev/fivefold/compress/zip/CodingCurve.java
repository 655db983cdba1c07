package dev.fivefold.compress.zip;

/**
 * Bits per byte against position: chunk i covers bytes {@code [i·chunk, (i+1)·chunk)} in coding
 * order (round by round across the segments). {@code contextOnly} and {@code networkOnly} are the
 * shadow measurements of the same run (NaN where that part was not measured).
 *
 * @param chunk bytes per point
 * @param mixed bits per byte of the coder's final probabilities
 * @param contextOnly bits per byte of the context models alone
 * @param networkOnly bits per byte of the network alone
 */
public record CodingCurve(long chunk, double[] mixed, double[] contextOnly, double[] networkOnly) {
  /**
   * Checks the chunk size and that the curves have one length.
   *
   * @throws IllegalArgumentException if {@code chunk} &lt; 1 or the curves differ in length
   */
  public CodingCurve {
    if (chunk < 1) throw new IllegalArgumentException("chunk (" + chunk + ") must be >= 1");
    if (contextOnly.length != mixed.length || networkOnly.length != mixed.length) {
      throw new IllegalArgumentException("curves (" + mixed.length + ", " + contextOnly.length + ", " + networkOnly.length + ") must have one length");
    }
  }
}
