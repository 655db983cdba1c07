package dev.fivefold.spark;

import dev.fivefold.dist.Simulator;
import java.util.List;

/**
 * Where the workers of a local-SGD round run: {@link InProcessRounds} (one after another in this
 * JVM) or {@link SparkRounds} (one Spark job per round). Both run {@link LocalWorker#run} and return
 * its results in rank order, so the driver's aggregation ({@link LocalSgd}) is the same code on both.
 */
public interface RoundEngine extends AutoCloseable {
  /**
   * Hands the engine the run and the shards (once, before the first round; shard {@code w} is worker {@code w}'s).
   *
   * @param cfg the run
   * @param shards one per worker, in rank order
   */
  void prepare(Simulator.Config cfg, List<Shard> shards);

  /**
   * Runs round {@code round}: every worker w starts from θ = {@code weights} and its state {@code states.get(w)}.
   *
   * @param round the round, for job descriptions
   * @param weights θ, one array per parameter tensor (not modified)
   * @param states each worker's state from its last round (empty before its first), in rank order
   * @return the workers' results, in rank order
   */
  List<WorkerResult> round(int round, float[][] weights, List<byte[]> states);

  /**
   * A short description for reports ("in-process", "spark local[2]").
   *
   * @return the name
   */
  String name();

  @Override
  default void close() {}
}
