package dev.fivefold.spark;

import dev.fivefold.dist.Simulator;
import java.io.Serial;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.broadcast.Broadcast;
import scala.Tuple2;

/**
 * Local SGD rounds as Spark jobs. {@link #prepare} broadcasts each shard once (an executor fetches
 * only the shards of the tasks it runs, and keeps them). A {@link #round}:
 * <ol>
 *   <li>broadcasts θ (4 bytes per parameter, fetched once per executor);</li>
 *   <li>makes an RDD of the workers' states, one partition per worker (so a task carries its own
 *       state, not all N), and maps each to {@link LocalWorker#run}: worker w rebuilt, its state
 *       restored, H local steps, its compressed delta and its new state back to the driver;</li>
 *   <li>collects the N results (the driver aggregates them in rank order, {@link LocalSgd});</li>
 *   <li>destroys θ's broadcast.</li>
 * </ol>
 * A task depends only on broadcasts and its partition, so when an executor is lost Spark's re-run
 * of the task returns the same bytes.
 */
public final class SparkRounds implements RoundEngine {
  private final JavaSparkContext sc;
  private final boolean owns;
  private BarrierSgd.Job job;
  private List<Broadcast<Shard>> shards;

  /**
   * Rounds on {@code sc}.
   *
   * @param sc the Spark context
   * @param owns whether {@link #close} stops it
   */
  public SparkRounds(JavaSparkContext sc, boolean owns) {
    this.sc = sc;
    this.owns = owns;
  }

  /**
   * Opens a context with {@link SparkContexts#open} (checked for {@code workers} slots) and owns it.
   *
   * @param o the master and timeouts
   * @param workers the task slots the run needs
   * @return the engine
   */
  public static SparkRounds open(SparkOptions o, int workers) {
    return new SparkRounds(SparkContexts.open(o, workers), true);
  }

  /**
   * The Spark context the rounds run on.
   *
   * @return the context
   */
  public JavaSparkContext context() {
    return sc;
  }

  @Override
  public void prepare(Simulator.Config cfg, List<Shard> shards) {
    unpersist();
    this.job = BarrierSgd.Job.of(cfg, 0, 0);
    this.shards = new ArrayList<>();
    for (Shard s : shards) this.shards.add(sc.broadcast(s));
  }

  @Override
  public List<WorkerResult> round(int round, float[][] weights, List<byte[]> states) {
    float[][] copy = new float[weights.length][]; // a copy: in local mode tasks read the driver's object
    for (int i = 0; i < copy.length; i++) copy[i] = weights[i].clone();
    Broadcast<float[][]> w = sc.broadcast(copy);
    try {
      sc.setJobDescription("fivefold local SGD round " + round);
      List<Tuple2<Integer, byte[]>> in = new ArrayList<>();
      for (int k = 0; k < states.size(); k++) in.add(new Tuple2<>(k, states.get(k)));
      List<WorkerResult> out = new ArrayList<>(sc.parallelize(in, in.size()).map(new Task(job, shards, w)).collect());
      out.sort((a, b) -> Integer.compare(a.worker(), b.worker()));
      return out;
    } finally {
      w.destroy();
    }
  }

  @Override
  public String name() {
    return "spark " + sc.master();
  }

  private void unpersist() {
    if (shards != null) for (Broadcast<Shard> b : shards) b.destroy();
    shards = null;
  }

  @Override
  public void close() {
    unpersist();
    if (owns) sc.stop();
  }

  /** One worker's round inside a Spark task. */
  private record Task(BarrierSgd.Job job, List<Broadcast<Shard>> shards, Broadcast<float[][]> weights)
      implements Function<Tuple2<Integer, byte[]>, WorkerResult> {
    @Serial private static final long serialVersionUID = 2L;

    @Override
    public WorkerResult call(Tuple2<Integer, byte[]> s) {
      return LocalWorker.run(job.sim(), shards.get(s._1()).value(), weights.value(), s._2());
    }
  }
}
