package dev.fivefold.dist;

import java.util.ArrayList;
import java.util.List;

/**
 * Time per synchronous step of N workers, dense against compressed, from the α–β model of a link
 * (a message of b bytes takes α + b/β; Hockney 1994) with α fitted to measured timings
 * ({@link #fit}: least squares of t = α + b/β over message sizes, e.g. {@code fivefold
 * spark-timings}' ring exchanges), and the collectives of {@link Network} on a ring:
 * <pre>
 *   dense:       t = compute + 2(N−1)·α + 2·(N−1)/N · 4d/β                 (ring all-reduce)
 *   compressed:  t = compute + overhead + (N−1)·α + (N−1) · b/β            (all-gather of b-byte payloads)
 *                t = compute + overhead + 2(N−1)·α + 2·(N−1)/N · b/β       (summable payloads: all-reduce)
 * </pre>
 * where {@code overhead} is the measured cost of compressing and decoding. Compression pays where
 * the compressed step is the shorter: at low bandwidth and few workers; an all-gather's traffic
 * grows with N (every worker receives every payload) while an all-reduce's does not, so for
 * sparse and sign payloads there is a worker count beyond which even a 1000× ratio stops paying.
 *
 * @param alpha latency per message, seconds, &ge; 0
 * @param computeSeconds one step's compute on one worker (forward, backward, update)
 * @param parameters d, the gradient's floats
 */
public record CostModel(double alpha, double computeSeconds, long parameters) {
  /**
   * Validates the components.
   *
   * @throws IllegalArgumentException if {@code alpha} or {@code computeSeconds} is negative or infinite, or
   *     {@code parameters < 1}
   */
  public CostModel {
    if (!(alpha >= 0) || Double.isInfinite(alpha)) throw new IllegalArgumentException("alpha (" + alpha + ") must be >= 0 and finite");
    if (!(computeSeconds >= 0) || Double.isInfinite(computeSeconds)) throw new IllegalArgumentException("computeSeconds (" + computeSeconds + ") must be >= 0");
    if (parameters < 1) throw new IllegalArgumentException("parameters (" + parameters + ") must be >= 1");
  }

  /**
   * A fitted line t = α + b/β: α in seconds, β in bytes per second (+∞ if t does not grow with b), and the points' RMS residual.
   *
   * @param alpha α, the fitted latency, seconds, &ge; 0
   * @param beta β, the fitted bandwidth, bytes per second (+∞ if time does not grow with size)
   * @param rmsSeconds root-mean-square residual of the points around the line, seconds
   * @param points the number of points fitted
   */
  public record Fit(double alpha, double beta, double rmsSeconds, int points) {}

  /**
   * Least squares of {@code seconds[i] = α + bytes[i]/β}. α is clamped at 0 (a negative intercept
   * is measurement noise on a fast link).
   *
   * @throws IllegalArgumentException with fewer than two points or two distinct sizes
   * @param bytes message sizes, bytes
   * @param seconds the measured time of each message, seconds
   * @return the fitted α, β and residual
   * @throws IllegalArgumentException if {@code bytes} and {@code seconds} differ in length
   */
  public static Fit fit(double[] bytes, double[] seconds) {
    if (bytes.length != seconds.length) throw new IllegalArgumentException("bytes (" + bytes.length + ") and seconds (" + seconds.length + ") must pair up");
    int k = bytes.length;
    if (k < 2) throw new IllegalArgumentException("points (" + k + ") must be >= 2 to fit alpha and beta");
    double mx = 0, my = 0;
    for (int i = 0; i < k; i++) {
      mx += bytes[i] / k;
      my += seconds[i] / k;
    }
    double sxy = 0, sxx = 0;
    for (int i = 0; i < k; i++) {
      sxy += (bytes[i] - mx) * (seconds[i] - my);
      sxx += (bytes[i] - mx) * (bytes[i] - mx);
    }
    if (!(sxx > 0)) throw new IllegalArgumentException("message sizes must differ to fit a bandwidth");
    double slope = sxy / sxx;
    double alpha = Math.max(0, my - slope * mx);
    double rss = 0;
    for (int i = 0; i < k; i++) {
      double r = seconds[i] - (alpha + slope * bytes[i]);
      rss += r * r;
    }
    return new Fit(alpha, slope > 0 ? 1 / slope : Double.POSITIVE_INFINITY, Math.sqrt(rss / k), k);
  }

  /**
   * The network at {@code gbit} Gbit/s per link with this model's α.
   *
   * @param gbit the link bandwidth, Gbit/s, &gt; 0
   * @return the network α, gbit·10⁹/8 bytes/s
   */
  public Network network(double gbit) {
    return Network.ofGbit(alpha, gbit);
  }

  /**
   * Seconds per dense step: compute and a float32 ring all-reduce of 4d bytes.
   *
   * @param workers N
   * @param gbit the link bandwidth, Gbit/s
   * @return the step time, seconds
   */
  public double dense(int workers, double gbit) {
    return computeSeconds + network(gbit).allReduce(4.0 * parameters, workers);
  }

  /**
   * Seconds per compressed step: compute, {@code overheadSeconds} of coding, and the exchange of
   * {@code bytes} per worker (an all-reduce if {@code summable}, else an all-gather).
   *
   * @param workers N
   * @param gbit the link bandwidth, Gbit/s
   * @param bytes the payload bytes each worker sends per step
   * @param summable whether the payloads can be all-reduced
   * @param overheadSeconds the measured compression and decoding time per step, seconds
   * @return the step time, seconds
   */
  public double compressed(int workers, double gbit, double bytes, boolean summable, double overheadSeconds) {
    return computeSeconds + overheadSeconds + network(gbit).exchange(bytes, workers, summable);
  }

  /**
   * The bandwidth (Gbit/s) below which the compressed step is the shorter, by bisection on a log
   * scale in [1e-3, 1e5] Gbit/s: +∞ if it pays at every bandwidth there, 0 if at none.
   *
   * @param workers N
   * @param bytes the payload bytes each worker sends per step
   * @param summable whether the payloads can be all-reduced
   * @param overheadSeconds the compression and decoding time per step, seconds
   * @return the break-even bandwidth, Gbit/s (0 or +∞ at the ends of the range)
   */
  public double paysBelowGbit(int workers, double bytes, boolean summable, double overheadSeconds) {
    double lo = 1e-3, hi = 1e5;
    boolean atLo = compressed(workers, lo, bytes, summable, overheadSeconds) < dense(workers, lo);
    boolean atHi = compressed(workers, hi, bytes, summable, overheadSeconds) < dense(workers, hi);
    if (atHi) return Double.POSITIVE_INFINITY;
    if (!atLo) return 0;
    for (int i = 0; i < 100; i++) {
      double mid = Math.sqrt(lo * hi);
      if (compressed(workers, mid, bytes, summable, overheadSeconds) < dense(workers, mid)) lo = mid;
      else hi = mid;
    }
    return Math.sqrt(lo * hi);
  }

  /**
   * One predicted row: workers, bandwidth, seconds per dense and per compressed step.
   *
   * @param workers N
   * @param gbit the link bandwidth, Gbit/s
   * @param denseSeconds seconds per dense step
   * @param compressedSeconds seconds per compressed step
   */
  public record Prediction(int workers, double gbit, double denseSeconds, double compressedSeconds) {
    /**
     * Dense time over compressed time (&gt; 1: compression pays).
     *
     * @return {@code denseSeconds / compressedSeconds}
     */
    public double speedup() {
      return denseSeconds / compressedSeconds;
    }
  }

  /**
   * Predictions for every pair of {@code workers} and {@code gbits}.
   *
   * @param workers the worker counts N, each &ge; 1
   * @param gbits the link bandwidths, Gbit/s
   * @param bytes the payload bytes each worker sends per step
   * @param summable whether the payloads can be all-reduced
   * @param overheadSeconds the compression and decoding time per step, seconds
   * @return one prediction per (workers, gbit) pair, workers in the outer loop
   * @throws IllegalArgumentException if a worker count is below 1
   */
  public List<Prediction> predict(int[] workers, double[] gbits, double bytes, boolean summable, double overheadSeconds) {
    List<Prediction> out = new ArrayList<>();
    for (int n : workers) {
      if (n < 1) throw new IllegalArgumentException("workers (" + n + ") must be >= 1");
      for (double g : gbits) out.add(new Prediction(n, g, dense(n, g), compressed(n, g, bytes, summable, overheadSeconds)));
    }
    return out;
  }
}
