package dev.fivefold.spark;

import dev.fivefold.data.Dataset;
import dev.fivefold.dist.DistributedExperiment;
import dev.fivefold.dist.Network;
import dev.fivefold.dist.Node;
import dev.fivefold.dist.Replica;
import dev.fivefold.dist.Shards;
import dev.fivefold.dist.Simulator;
import dev.fivefold.dist.TrainingData;
import java.io.IOException;
import java.io.Serial;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.rdd.RDD;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;

/**
 * The simulator's run ({@link Simulator}: synchronous SGD with compressed gradients, or local SGD)
 * on Spark, per step, inside one barrier stage: task w is worker w, a {@link Node} of the
 * {@code dist} package on its shard ({@link Shards}: image samples, each worker's shard broadcast
 * once, or a text's token windows, the text broadcast once and dealt by every task), running the same
 * {@code Worker}, compressor and {@code Replica} code as the simulator. The tasks meet once
 * ({@code BarrierTaskContext.allGather} of each one's {@code host:port}, about a second: Spark's
 * barrier coordinator polls once a second), join a TCP {@link Ring}, and then exchange every step
 * directly, without the driver: summable payloads by an in-order chain reduce, the others by a ring
 * all-gather. The final weights equal the simulator's bit for bit (tested on {@code local[2]} and on
 * a standalone cluster).
 *
 * <p>Why a barrier stage for per-step SGD, and jobs for local SGD ({@link LocalSgd}): a Spark job
 * costs tens of milliseconds (scheduling, task launch, result return: 30–120 ms on this machine,
 * see {@link SparkTimings}), more than a small model's step; a barrier sync costs about a second.
 * Per-step exchange through Spark is therefore too slow whichever way; inside one stage the tasks
 * talk over TCP at wire speed (a 1 MB exchange in about a millisecond on localhost) and Spark
 * only places them. Rounds of H local steps amortise a job's cost over H steps and keep Spark's
 * own fault tolerance per round.
 *
 * <p>Faults: the barrier stage is wrapped in a shuffle (a barrier ResultStage is never retried;
 * a ShuffleMapStage is), so when a task or an executor is lost Spark kills the others and re-runs
 * the whole stage, up to {@code spark.stage.maxConsecutiveAttempts} (4) times; the peers notice at
 * once (EOF on the ring). The re-run starts from step 0 with the same seed and ends with the same
 * weights.
 */
public final class BarrierSgd {
  private BarrierSgd() {}

  /**
   * @param result the run as {@code distributed --engine sim} reports it (compute: the slowest
   *     node's; communication: the measured time in the collectives, mean over nodes)
   * @param weights the final weights, one array per parameter tensor (every node's are checked equal)
   * @param stageSeconds the barrier stage on the driver, from submission to the results
   * @param rendezvousSeconds the slowest node's allGather and ring connection
   * @param wireBytesPerWorker bytes one node put on the TCP ring (mean; framing included)
   */
  public record Result(DistributedExperiment.Result result, float[][] weights, double stageSeconds, double rendezvousSeconds,
      double wireBytesPerWorker) {}

  /** What every task needs, Java-serializable (the config less its simulated network). */
  record Job(String model, int workers, int batch, int accumulation, String compressor, int localSteps, double lr, double momentum, long seed,
      String schedule, long plannedSteps, boolean nesterov, long rounds, int timeoutMillis) implements Serializable {
    @Serial private static final long serialVersionUID = 1L;

    static Job of(Simulator.Config s, long rounds, int timeoutMillis) {
      return new Job(s.model(), s.workers(), s.batch(), s.accumulation(), s.compressor(), s.localSteps(), s.lr(), s.momentum(), s.seed(), s.schedule(),
          s.plannedSteps(), s.nesterov(), rounds, timeoutMillis);
    }

    Simulator.Config sim() {
      return new Simulator.Config(model, workers, batch, accumulation, compressor, localSteps, lr, momentum, seed, Network.defaults(), schedule,
          plannedSteps, nesterov);
    }
  }

  /** One node's report. */
  record Report(int rank, double[] lossSum, long[] bytes, long[] computeNanos, long[] commNanos, long wireBytes, long rendezvousNanos,
      float[][] weights, int checksum) implements Serializable {
    @Serial private static final long serialVersionUID = 1L;
  }

  /**
   * Runs {@code cfg} on {@code sc} (which must offer {@code cfg.sim().workers()} task slots at
   * once: a barrier stage runs all its tasks together) and evaluates the final model on {@code test}
   * (only at the end: evalEvery is not used). {@code onRound} (may be null) sees every round after the stage.
   *
   * @param sc the Spark context
   * @param cfg the run
   * @param train the training samples
   * @param test the test samples (accuracy at the end)
   * @param label names the run in its result (null: the compressor's name)
   * @param onRound sees every round, or null
   * @return the run's result, weights and timings
   */
  public static Result run(JavaSparkContext sc, DistributedExperiment.Config cfg, Dataset train, Dataset test, String label,
      Consumer<Simulator.Round> onRound) {
    return run(sc, cfg, new TrainingData.Images(train), DistributedExperiment.Evaluator.accuracy(test), label, onRound);
  }

  /**
   * Runs {@code cfg} on {@code sc} on any training data the simulator takes: image samples, or a
   * text's token windows for a GPT ({@link TrainingData.Text}); the final model is scored by
   * {@code test} on the driver (test accuracy, or held-out bits per character).
   *
   * @param sc the Spark context, with {@code cfg.sim().workers()} task slots at once
   * @param cfg the run
   * @param train the training data, dealt as the simulator deals it
   * @param test how the final model is scored
   * @param label names the run in its result (null: the compressor's name)
   * @param onRound sees every round, or null
   * @return the run's result, weights and timings
   */
  public static Result run(JavaSparkContext sc, DistributedExperiment.Config cfg, TrainingData train, DistributedExperiment.Evaluator test,
      String label, Consumer<Simulator.Round> onRound) {
    Simulator.Config s = cfg.sim();
    int n = s.workers();
    Job job = Job.of(s, cfg.rounds(),
        300_000);
    int[][] deal = Shards.deal(train.size(), n, s.seed()); // fewer units than workers fails here, on the driver
    List<Broadcast<Shard>> shards = new ArrayList<>();
    Broadcast<TextData> text = null;
    if (train instanceof TrainingData.Images im) {
      for (int w = 0; w < n; w++) shards.add(sc.broadcast(Shard.of(w, im.train().subset(deal[w]))));
    } else {
      text = sc.broadcast(new TextData((TrainingData.Text) train));
    }
    List<Integer> idx = new ArrayList<>();
    for (int w = 0; w < n; w++) idx.add(w);
    long t0 = System.nanoTime();
    List<Report> reports;
    try {
      sc.setJobDescription("fivefold barrier SGD: " + n + " workers, " + s.compressor() + ", " + cfg.rounds() + " rounds");
      RDD<Integer> workers = sc.parallelize(idx, n).rdd();
      ClassTag<Report> tag = ClassTag$.MODULE$.apply(Report.class);
      RDD<Report> stage = workers.barrier().mapPartitions(new Task(job, shards, text), false, tag);
      // a shuffle after the barrier stage makes it a ShuffleMapStage, which Spark re-runs when a task is lost
      reports = new ArrayList<>(new JavaRDD<>(stage, tag).repartition(1).collect());
    } finally {
      for (Broadcast<Shard> b : shards) b.destroy();
      if (text != null) text.destroy();
    }
    double stageSeconds = (System.nanoTime() - t0) / 1e9;
    reports.sort((a, b) -> Integer.compare(a.rank(), b.rank()));
    if (reports.size() != n) throw new IllegalStateException("barrier stage returned " + reports.size() + " reports for " + n + " workers");
    for (Report r : reports) {
      if (r.checksum() != reports.getFirst().checksum()) throw new IllegalStateException("worker " + r.rank() + "'s weights differ from worker 0's");
    }
    int rounds = (int) cfg.rounds(), h = s.localSteps();
    long d = 0;
    float[][] weights = reports.getFirst().weights();
    for (float[] w : weights) d += w.length;
    List<Simulator.Round> out = new ArrayList<>();
    double bytesTotal = 0, compTotal = 0, commTotal = 0, wire = 0, rendezvous = 0;
    for (Report r : reports) {
      wire += r.wireBytes() / (double) n;
      rendezvous = Math.max(rendezvous, r.rendezvousNanos() / 1e9);
    }
    for (int k = 0; k < rounds; k++) {
      double loss = 0, bytes = 0, comm = 0;
      long slowest = 0;
      for (Report r : reports) {
        loss += r.lossSum()[k];
        bytes += r.bytes()[k];
        comm += r.commNanos()[k] / 1e9 / n;
        slowest = Math.max(slowest, r.computeNanos()[k]);
      }
      Simulator.Round rd = new Simulator.Round((long) (k + 1) * h, loss / (n * (double) h), bytes / n, 4L * d * h, slowest / 1e9, comm);
      bytesTotal += rd.bytesPerWorker();
      compTotal += rd.computeSeconds();
      commTotal += rd.commSeconds();
      out.add(rd);
      if (onRound != null) onRound.accept(rd);
    }
    Replica model = new Replica(s.model(), s.seed(), s.lr(), 0);
    model.setWeights(weights);
    List<DistributedExperiment.Eval> evals = List.of(test.evaluate(model.model(), (long) rounds * h));
    String name = label != null ? label : dev.fivefold.compress.grad.Compressors.parse(s.compressor()).name();
    DistributedExperiment.Result res = new DistributedExperiment.Result(name, out, evals, bytesTotal, 4.0 * d * h * rounds, compTotal, commTotal);
    return new Result(res, weights, stageSeconds, rendezvous, wire);
  }

  /** The address other tasks reach this one at: {@code SPARK_LOCAL_IP} if set, else this host's. */
  static String host() throws IOException {
    String ip = System.getenv("SPARK_LOCAL_IP");
    return ip != null && !ip.isBlank() ? ip : InetAddress.getLocalHost().getHostAddress();
  }

  /** One barrier task: rendezvous, ring, the node's rounds, its report. */
  private static final class Task extends AbstractFunction1<scala.collection.Iterator<Integer>, scala.collection.Iterator<Report>>
      implements Serializable {
    @Serial private static final long serialVersionUID = 1L;
    private final Job job;
    private final List<Broadcast<Shard>> shards;
    private final Broadcast<TextData> text;

    /** Image shards (one per worker) or, with {@code text} non-null, the text every task deals itself. */
    Task(Job job, List<Broadcast<Shard>> shards, Broadcast<TextData> text) {
      this.job = job;
      this.shards = shards;
      this.text = text;
    }

    @Override
    public scala.collection.Iterator<Report> apply(scala.collection.Iterator<Integer> it) {
      BarrierTaskContext ctx = BarrierTaskContext.get();
      int rank = ctx.partitionId();
      try {
        Node node = text != null ? Node.of(job.sim(), text.value().data(), rank) : new Node(job.sim(), shards.get(rank).value().dataset(), rank);
        long t0 = System.nanoTime();
        String host = host();
        ServerSocket server = Ring.listen(host);
        String[] addrs = ctx.allGather(host + ":" + server.getLocalPort());
        try (Ring ring = Ring.connect(rank, Arrays.asList(addrs), server, job.timeoutMillis())) {
          long rendezvous = System.nanoTime() - t0;
          int k = (int) job.rounds();
          double[] loss = new double[k];
          long[] bytes = new long[k], comp = new long[k], comm = new long[k];
          for (int r = 0; r < k; r++) {
            Node.Step st = node.step(ring);
            loss[r] = st.lossSum();
            bytes[r] = st.payloadBytes();
            comp[r] = st.computeNanos();
            comm[r] = st.commNanos();
          }
          float[][] w = node.replica().weights();
          int sum = 1;
          for (float[] a : w) sum = 31 * sum + Arrays.hashCode(a);
          Report rep = new Report(rank, loss, bytes, comp, comm, ring.wireBytes(), rendezvous, rank == 0 ? w : null, sum);
          return scala.jdk.javaapi.CollectionConverters.asScala(List.of(rep).iterator());
        }
      } catch (IOException e) {
        throw new UncheckedIOException("worker " + rank + ": " + e.getMessage(), e);
      }
    }
  }
}
