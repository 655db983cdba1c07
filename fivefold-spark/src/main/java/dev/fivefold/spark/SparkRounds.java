package dev.fivefold.spark;

import java.io.Serial;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.api.java.function.PairFunction;
import org.apache.spark.broadcast.Broadcast;
import scala.Tuple2;

/**
 * Local SGD rounds as Spark jobs. {@link #prepare} broadcasts each shard once (an executor fetches
 * only the shards of the tasks it runs, and keeps them) and makes an RDD of the worker indices with
 * one partition per worker. A {@link #round}:
 * <ol>
 *   <li>broadcasts the global weights (4 bytes per parameter, fetched once per executor);</li>
 *   <li>maps each partition (worker {@code w}) to {@link LocalWorker#run}: H local steps from the
 *       broadcast weights and the worker's {@link WorkerState}, sent with the task;</li>
 *   <li>aggregates the coded deltas in {@link Averaging}'s fixed order: with one group, the
 *       payloads go to the driver, which decodes and sums them; with several, a shuffle by group
 *       sums each group on an executor (a tree aggregate of depth 2) and the driver sums the groups;</li>
 *   <li>destroys the weights' broadcast.</li>
 * </ol>
 * A task depends only on broadcasts and its own arguments, so when an executor is lost Spark's
 * re-run of the task (or of the lost shuffle output) returns the same bytes.
 */
public final class SparkRounds implements RoundEngine {
  private final JavaSparkContext sc;
  private final boolean owns;
  private LocalWorker.Spec spec;
  private List<Broadcast<Shard>> shards;
  private JavaRDD<Integer> workers;
  private int n;
  private int fanIn;

  /** Rounds on {@code sc}; with {@code owns}, {@link #close} stops it. */
  public SparkRounds(JavaSparkContext sc, boolean owns) {
    this.sc = sc;
    this.owns = owns;
  }

  /** Opens a context with {@link SparkContexts#open} (checked for {@code workers} slots) and owns it. */
  public static SparkRounds open(SparkOptions o, int workers) {
    return new SparkRounds(SparkContexts.open(o, workers), true);
  }

  public JavaSparkContext context() {
    return sc;
  }

  @Override
  public void prepare(LocalWorker.Spec spec, List<Shard> shards, int fanIn) {
    unpersist();
    this.spec = spec;
    this.n = shards.size();
    this.fanIn = fanIn;
    this.shards = new ArrayList<>();
    for (Shard s : shards) this.shards.add(sc.broadcast(s));
    List<Integer> idx = new ArrayList<>();
    for (int w = 0; w < n; w++) idx.add(w);
    this.workers = sc.parallelize(idx, n);
  }

  @Override
  public List<Averaging.GroupSum> round(int round, float[] weights, List<WorkerState> states) {
    Broadcast<float[]> w = sc.broadcast(weights.clone()); // a copy: in local mode tasks read the driver's object
    try {
      sc.setJobDescription("fivefold local SGD round " + round);
      JavaRDD<WorkerResult> results = workers.map(new Task(spec, shards, w, List.copyOf(states), round));
      int groups = Averaging.groups(n, fanIn);
      if (groups == 1) return List.of(Averaging.groupSum(0, results.collect(), spec.codec(), weights.length));
      return results.mapToPair(new ByGroup(n, fanIn)).groupByKey(groups).map(new SumGroup(spec.codec(), weights.length)).collect();
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
  private record Task(LocalWorker.Spec spec, List<Broadcast<Shard>> shards, Broadcast<float[]> weights, List<WorkerState> states, int round)
      implements Function<Integer, WorkerResult> {
    @Serial private static final long serialVersionUID = 1L;

    @Override
    public WorkerResult call(Integer w) {
      return LocalWorker.run(spec, shards.get(w).value(), weights.value(), states.get(w), round);
    }
  }

  private record ByGroup(int workers, int fanIn) implements PairFunction<WorkerResult, Integer, WorkerResult> {
    @Serial private static final long serialVersionUID = 1L;

    @Override
    public Tuple2<Integer, WorkerResult> call(WorkerResult r) {
      return new Tuple2<>(Averaging.groupOf(r.worker(), workers, fanIn), r);
    }
  }

  private record SumGroup(DeltaCodec codec, int length) implements Function<Tuple2<Integer, Iterable<WorkerResult>>, Averaging.GroupSum>, Serializable {
    @Serial private static final long serialVersionUID = 1L;

    @Override
    public Averaging.GroupSum call(Tuple2<Integer, Iterable<WorkerResult>> g) {
      List<WorkerResult> m = new ArrayList<>();
      g._2().forEach(m::add);
      return Averaging.groupSum(g._1(), m, codec, length);
    }
  }
}
