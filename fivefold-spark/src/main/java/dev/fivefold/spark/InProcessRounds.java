package dev.fivefold.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The reference engine: the workers of a round run one after another in this JVM, on the same
 * shards, with the same {@link LocalWorker} code and the same {@link Averaging} order as on Spark.
 * A Spark run with the same config must give the same weights, bit for bit.
 */
public final class InProcessRounds implements RoundEngine {
  private LocalWorker.Spec spec;
  private List<Shard> shards;
  private int fanIn;

  @Override
  public void prepare(LocalWorker.Spec spec, List<Shard> shards, int fanIn) {
    this.spec = spec;
    this.shards = List.copyOf(shards);
    this.fanIn = fanIn;
  }

  @Override
  public List<Averaging.GroupSum> round(int round, float[] weights, List<WorkerState> states) {
    int n = shards.size();
    Map<Integer, List<WorkerResult>> byGroup = new TreeMap<>();
    for (int w = 0; w < n; w++) {
      WorkerResult r = LocalWorker.run(spec, shards.get(w), weights, states.get(w), round);
      byGroup.computeIfAbsent(Averaging.groupOf(w, n, fanIn), g -> new ArrayList<>()).add(r);
    }
    List<Averaging.GroupSum> out = new ArrayList<>();
    for (var e : byGroup.entrySet()) out.add(Averaging.groupSum(e.getKey(), e.getValue(), spec.codec(), weights.length));
    return out;
  }

  @Override
  public String name() {
    return "in-process";
  }
}
