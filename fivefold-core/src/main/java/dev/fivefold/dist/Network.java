package dev.fivefold.dist;

/**
 * The α–β cost of moving bytes between N workers (Hockney 1994; Thakur, Rabenseifner &amp; Gropp
 * 2005): a message of b bytes over one link takes α + b/β. The collectives, on a ring:
 * <pre>
 *   all-reduce of b bytes (reduce-scatter + all-gather):  2(N−1)·α + 2·(N−1)/N · b/β
 *   all-gather of b bytes from every worker:              (N−1)·α + (N−1) · b/β
 * </pre>
 * Summable payloads (dense, PowerSGD) are all-reduced; the others, which cannot be added in
 * transit, are all-gathered. With one worker nothing moves (0 s).
 *
 * @param latency α, seconds per message, &ge; 0
 * @param bandwidth β, bytes per second per link, &gt; 0
 */
public record Network(double latency, double bandwidth) {
  /**
   * Validates the components.
   *
   * @throws IllegalArgumentException if {@code latency} is negative or infinite or {@code bandwidth} is not
   *     &gt; 0
   */
  public Network {
    if (!(latency >= 0) || Double.isInfinite(latency)) throw new IllegalArgumentException("latency (" + latency + ") must be >= 0 and finite");
    if (!(bandwidth > 0)) throw new IllegalArgumentException("bandwidth (" + bandwidth + ") must be > 0");
  }

  /**
   * 10 Gbit/s Ethernet with 50 µs per message.
   *
   * @return α = 50e-6 s, β = 1.25e9 bytes/s
   */
  public static Network defaults() {
    return ofGbit(50e-6, 10);
  }

  /**
   * α in seconds, β in Gbit/s.
   *
   * @param latency α, seconds per message, &ge; 0
   * @param gbit β in Gbit/s (10⁹ bits per second), &gt; 0
   * @return the network with β = gbit·10⁹/8 bytes per second
   * @throws IllegalArgumentException if {@code gbit} is not &gt; 0
   */
  public static Network ofGbit(double latency, double gbit) {
    if (!(gbit > 0)) throw new IllegalArgumentException("bandwidth (" + gbit + " Gbit/s) must be > 0");
    return new Network(latency, gbit * 1e9 / 8);
  }

  /**
   * Seconds for a ring all-reduce of {@code bytes} held by each worker: {@code 2(N−1)·α + 2·(N−1)/N · b/β}.
   *
   * @param bytes b, the bytes each worker contributes (and receives summed)
   * @param workers N; 1 or fewer costs 0
   * @return the time, seconds
   */
  public double allReduce(double bytes, int workers) {
    if (workers <= 1) return 0;
    return 2.0 * (workers - 1) * latency + 2.0 * (workers - 1) / workers * bytes / bandwidth;
  }

  /**
   * Seconds for a ring all-gather of {@code bytes} from every worker: {@code (N−1)·α + (N−1) · b/β}.
   *
   * @param bytes b, the bytes each worker contributes
   * @param workers N; 1 or fewer costs 0
   * @return the time, seconds
   */
  public double allGather(double bytes, int workers) {
    if (workers <= 1) return 0;
    return (workers - 1) * latency + (workers - 1) * bytes / bandwidth;
  }

  /**
   * The cost of one exchange of {@code bytes} per worker: an all-reduce if summable, else an all-gather.
   *
   * @param bytes the bytes each worker sends
   * @param workers N
   * @param summable whether payloads can be added in transit
   * @return the time, seconds
   */
  public double exchange(double bytes, int workers, boolean summable) {
    return summable ? allReduce(bytes, workers) : allGather(bytes, workers);
  }
}
