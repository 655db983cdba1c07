package dev.fivefold.spark;

import java.util.List;

/**
 * Where the workers of a local SGD round run: {@link InProcessRounds} (one after another in this
 * JVM, the reference) or {@link SparkRounds} (one Spark job per round). Both return the group sums
 * of {@link Averaging}, so the driver's update is the same code on both.
 */
public interface RoundEngine extends AutoCloseable {
  /** Hands the engine the shards (once, before the first round; shard {@code w} is worker {@code w}'s). */
  void prepare(LocalWorker.Spec spec, List<Shard> shards, int fanIn);

  /**
   * Runs round {@code round}: every worker starts from {@code weights} and its state
   * ({@code states.get(w)}); returns the group sums (any order).
   */
  List<Averaging.GroupSum> round(int round, float[] weights, List<WorkerState> states);

  /** A short description for reports ("in-process", "spark local[2]"). */
  String name();

  @Override
  default void close() {}
}
