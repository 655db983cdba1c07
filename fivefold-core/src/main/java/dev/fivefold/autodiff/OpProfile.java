package dev.fivefold.autodiff;

import java.util.EnumMap;
import java.util.Map;

/**
 * Wall time spent per op, forward and backward, accumulated over the steps of a
 * {@link Tape#profile profiled} tape. For finding where a model's step goes, not for timing tests.
 */
public final class OpProfile {
  private final Map<Op, long[]> nanos = new EnumMap<>(Op.class);

  /** An empty profile; pass it to {@link Tape#profile} to start filling it. */
  public OpProfile() {}

  void add(Op op, boolean backward, long ns) {
    nanos.computeIfAbsent(op, k -> new long[4])[backward ? 1 : 0] += ns;
    nanos.get(op)[backward ? 3 : 2]++;
  }

  /**
   * Total nanoseconds over all ops, forward and backward.
   * @return the sum of forward and backward nanoseconds, ≥ 0
   */
  public long total() {
    long t = 0;
    for (long[] v : nanos.values()) t += v[0] + v[1];
    return t;
  }

  /**
   * A table: op, forward ms, backward ms, share of the total, sorted by time.
   * @return the table as text, one line per op that ran, with a header line
   */
  public String table() {
    double tot = Math.max(1, total());
    StringBuilder sb = new StringBuilder(String.format("%-22s %10s %10s %7s%n", "op", "fwd ms", "bwd ms", "share"));
    nanos.entrySet().stream()
        .sorted((a, b) -> Long.compare(b.getValue()[0] + b.getValue()[1], a.getValue()[0] + a.getValue()[1]))
        .forEach(e -> sb.append(String.format("%-22s %10.1f %10.1f %6.1f%%%n", e.getKey(), e.getValue()[0] / 1e6,
            e.getValue()[1] / 1e6, 100 * (e.getValue()[0] + e.getValue()[1]) / tot)));
    return sb.toString();
  }
}
