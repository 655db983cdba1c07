package dev.fivefold.spark;

import java.io.Serial;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The average of the workers' deltas in one fixed order, so that every engine gives the same bits
 * (float addition is not associative; Spark merges task results in the order they finish).
 *
 * <p>The order is a two-level tree: workers are cut into groups of {@code fanIn} consecutive
 * indices (group {@code g} = workers {@code g·fanIn … g·fanIn + fanIn − 1}); each group's decoded
 * deltas are summed in worker order ({@link #groupSum}); the group sums are summed in group order
 * ({@link #total}); then {@code w_i ← w_i + total_i / n} ({@link #apply}). With {@code fanIn ≥ n}
 * there is one group and the sum is a plain left-to-right sum. On Spark the group sums are formed on
 * the executors (a shuffle by group: a tree aggregate of depth 2) or, with one group, on the driver.
 */
public final class Averaging {
  private Averaging() {}

  /** One group's sum and what its members reported. */
  public record GroupSum(int group, float[] sum, List<WorkerState> states, double lossSum, long steps, long maxComputeNanos, long[] payloadBytes)
      implements Serializable {
    @Serial private static final long serialVersionUID = 1L;
  }

  /** Number of groups for {@code workers} workers and fan-in {@code fanIn} (0: one group). */
  public static int groups(int workers, int fanIn) {
    return fanIn <= 0 || fanIn >= workers ? 1 : (workers + fanIn - 1) / fanIn;
  }

  /** The group of {@code worker}. */
  public static int groupOf(int worker, int workers, int fanIn) {
    return groups(workers, fanIn) == 1 ? 0 : worker / fanIn;
  }

  /** Decodes and sums one group's results; {@code members} may come in any order (sorted here by worker). */
  public static GroupSum groupSum(int group, List<WorkerResult> members, DeltaCodec codec, int length) {
    List<WorkerResult> m = new ArrayList<>(members);
    m.sort((a, b) -> Integer.compare(a.worker(), b.worker()));
    float[] sum = null;
    List<WorkerState> states = new ArrayList<>();
    double loss = 0;
    long steps = 0, compute = 0;
    long[] bytes = new long[m.size()];
    for (int k = 0; k < m.size(); k++) {
      WorkerResult r = m.get(k);
      float[] d = codec.decode(r.payload(), length);
      if (sum == null) {
        sum = d;
      } else {
        for (int i = 0; i < length; i++) sum[i] += d[i];
      }
      states.add(r.state());
      loss += r.lossSum();
      steps += r.steps();
      compute = Math.max(compute, r.computeNanos());
      bytes[k] = r.payload().length;
    }
    return new GroupSum(group, sum, states, loss, steps, compute, bytes);
  }

  /** The sum of the group sums in group order; {@code groups} may come in any order. */
  public static float[] total(List<GroupSum> groups) {
    List<GroupSum> g = new ArrayList<>(groups);
    g.sort((a, b) -> Integer.compare(a.group(), b.group()));
    float[] total = g.get(0).sum().clone();
    for (int k = 1; k < g.size(); k++) {
      float[] s = g.get(k).sum();
      for (int i = 0; i < total.length; i++) total[i] += s[i];
    }
    return total;
  }

  /** {@code weights_i += total_i / n}, in place. */
  public static void apply(float[] weights, float[] total, int n) {
    float fn = n;
    for (int i = 0; i < weights.length; i++) weights[i] += total[i] / fn;
  }
}
