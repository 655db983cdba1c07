package dev.fivefold.spark;

import dev.fivefold.dist.Simulator;
import java.util.ArrayList;
import java.util.List;

/**
 * The workers of a round one after another in this JVM, on the same shards and with the same
 * {@link LocalWorker} code as on Spark: no Spark, the same numbers.
 */
public final class InProcessRounds implements RoundEngine {
  private Simulator.Config cfg;
  private List<Shard> shards;

  /** An engine to {@link #prepare}. */
  public InProcessRounds() {}

  @Override
  public void prepare(Simulator.Config cfg, List<Shard> shards) {
    this.cfg = cfg;
    this.shards = List.copyOf(shards);
  }

  @Override
  public List<WorkerResult> round(int round, float[][] weights, List<byte[]> states) {
    List<WorkerResult> out = new ArrayList<>();
    for (int w = 0; w < shards.size(); w++) out.add(LocalWorker.run(cfg, shards.get(w), weights, states.get(w)));
    return out;
  }

  @Override
  public String name() {
    return "in-process";
  }
}
