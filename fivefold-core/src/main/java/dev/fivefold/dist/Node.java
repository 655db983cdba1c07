package dev.fivefold.dist;

import dev.fivefold.compress.grad.Compressors;
import dev.fivefold.compress.grad.GradientCompressor;
import dev.fivefold.compress.grad.Layout;
import dev.fivefold.data.Dataset;
import dev.fivefold.tensor.Tensor;
import dev.fivefold.train.TrainState;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One worker of a run on a real engine (a Spark task): a {@link Worker} and its own
 * {@link Replica}, stepping in lock step with the others through a {@link Collective}. It does
 * what the {@link Simulator} does for that worker, with the same calls in the same order —
 * {@code Worker.compute}, {@code GradientCompressor.aggregate} (or a sum in rank order and the same
 * division for summable payloads), {@code Worker.receive}, {@code Replica.apply} — so N nodes end
 * with the simulator's weights, bit for bit.
 *
 * <p>Summable payloads (dense, PowerSGD) are decoded and summed in transit ({@link
 * Collective#sumInOrder}): each link carries d floats, not N payloads. The others (sign, sparse,
 * quantised: their sum is not a payload of the same kind) are all-gathered and every node
 * aggregates all N, as the simulator does.
 *
 * <p>An engine without a collective (one Spark job per local-SGD round, the driver aggregating)
 * uses the halves of a round: a node built afresh takes θ ({@link #setGlobal}) and the state it
 * returned last round ({@link #loadState}), runs {@link #localSteps()} and returns its payload and
 * {@link #saveState()}; the driver aggregates the N payloads in rank order. {@code Simulator}'s
 * local-SGD rounds call the same H-step code.
 */
public final class Node {
  /**
   * One step (H = 1) or round (H &gt; 1) on this node.
   *
   * @param lossSum the sum of its H batch losses (the mean over the round is Σ over nodes / (N·H), as the simulator takes it)
   * @param payloadBytes the payload bytes it sent (every exchange of the round)
   * @param computeNanos wall time of the round less {@code commNanos}
   * @param commNanos wall time inside the collectives (waiting for the slowest node included)
   */
  public record Step(double lossSum, long payloadBytes, long computeNanos, long commNanos) {}

  /**
   * What one worker's H local steps of a local-SGD round produced.
   *
   * @param payload the round-0 payload of its model delta θ_w − θ (compressed with its error feedback)
   * @param lossSum the sum of its H batch losses, nats
   */
  public record Local(byte[] payload, double lossSum) {}

  private final Simulator.Config cfg;
  private final GradientCompressor compressor;
  private final Replica replica;
  private final Layout layout;
  private final Worker worker;
  private float[][] global; // local SGD: θ

  /**
   * Worker {@code rank} of the run {@code cfg}, on its shard of image samples
   * ({@code train.subset(Shards.of(train.size(), cfg.workers(), cfg.seed(), rank))}).
   *
   * @param cfg the run's configuration, the same on every node
   * @param shard this node's training samples
   * @param rank r, in [0, N)
   * @throws IllegalArgumentException if {@code rank} is out of range
   */
  public Node(Simulator.Config cfg, Dataset shard, int rank) {
    this(cfg, TrainingData.Images.of(shard, cfg.batch(), cfg.seed(), checkRank(cfg, rank)), rank);
  }

  /**
   * Worker {@code rank} of the run {@code cfg} on {@code data}: its batches are those the
   * {@link Simulator} gives worker {@code rank} ({@code data.minibatches(Shards.deal(data.size(),
   * N, seed)[rank], batch, seed, rank)}), for images or a text's token windows.
   *
   * @param cfg the run's configuration, the same on every node
   * @param data the whole training data (every node deals the same shards)
   * @param rank r, in [0, N)
   * @return the node
   * @throws IllegalArgumentException if {@code rank} is out of range or there are fewer units than workers
   */
  public static Node of(Simulator.Config cfg, TrainingData data, int rank) {
    checkRank(cfg, rank);
    int[] shard = Shards.deal(data.size(), cfg.workers(), cfg.seed())[rank];
    return new Node(cfg, data.minibatches(shard, cfg.batch(), cfg.seed(), rank), rank);
  }

  /** Both public ways in have checked {@code rank}. */
  private Node(Simulator.Config cfg, Minibatches batches, int rank) {
    this.cfg = cfg;
    this.compressor = Compressors.parse(cfg.compressor());
    double momentum = compressor.correctsMomentum() ? 0 : cfg.momentum();
    this.replica = new Replica(cfg, momentum, compressor.weightsByRate());
    this.layout = Layout.of(replica.model().namedParameters());
    this.worker = new Worker(batches, cfg.accumulation(), compressor, layout, cfg.seed(), rank, cfg.workers());
    if (cfg.localSteps() > 1) global = replica.weights();
  }

  private static int checkRank(Simulator.Config cfg, int rank) {
    if (rank < 0 || rank >= cfg.workers()) throw new IllegalArgumentException("rank (" + rank + ") must be in [0, " + cfg.workers() + ")");
    return rank;
  }

  /**
   * This node's model copy and optimizer.
   *
   * @return the replica
   */
  public Replica replica() {
    return replica;
  }

  /**
   * This node's worker: its shard, batches and compressor state.
   *
   * @return the worker
   */
  public Worker worker() {
    return worker;
  }

  /**
   * One synchronous step (H = 1) or one local-SGD round of H steps and an average, with the other nodes through {@code c}.
   *
   * @param c the collective joining this node to the others, of size N
   * @return the round's loss sum, bytes sent and times
   * @throws IllegalArgumentException if {@code c} does not have the run's worker count
   */
  public Step step(Collective c) {
    if (c.size() != cfg.workers()) throw new IllegalArgumentException("collective has " + c.size() + " workers, the run " + cfg.workers());
    long t0 = System.nanoTime();
    byte[] payload;
    double loss;
    if (global == null) {
      Worker.Sent s = worker.compute(replica.model(), replica.rateScale());
      payload = s.payload();
      loss = s.loss();
    } else {
      Local l = localSteps(worker, replica, global, cfg.localSteps());
      payload = l.payload();
      loss = l.lossSum();
    }
    long[] comm = new long[1];
    long[] bytes = new long[1];
    float[][] update = exchange(payload, c, comm, bytes);
    if (global == null) replica.apply(update);
    else finish(update);
    return new Step(loss, bytes[0], System.nanoTime() - t0 - comm[0], comm[0]);
  }

  /**
   * The first half of a local-SGD round (H &gt; 1) without the exchange, for an engine that
   * aggregates elsewhere (a Spark driver collecting one task per worker): H steps of this node's
   * optimizer on its next H batches from θ, then the delta θ_w − θ compressed by its worker. The
   * driver then aggregates the N payloads in rank order ({@code compressor.aggregate(0, payloads,
   * layout)}, as {@link Simulator} does) and every node applies the mean with {@link #finish}.
   *
   * @return the payload and the loss sum
   * @throws IllegalStateException if the run is synchronous SGD (H = 1)
   */
  public Local localSteps() {
    if (global == null) throw new IllegalStateException("localSteps is local SGD's (H > 1); this run has H = 1");
    return localSteps(worker, replica, global, cfg.localSteps());
  }

  /**
   * The H steps of worker {@code worker} on its replica from θ ({@code global}, not modified) and its compressed delta:
   * the one code of a local-SGD round's compute, for the {@link Simulator} and every node.
   */
  static Local localSteps(Worker worker, Replica replica, float[][] global, int h) {
    double loss = 0;
    for (int k = 0; k < h; k++) {
      loss += worker.gradient(replica.model());
      replica.apply(worker.gradient());
    }
    float[][] delta = replica.weights();
    for (int i = 0; i < delta.length; i++) for (int j = 0; j < delta[i].length; j++) delta[i][j] -= global[i][j];
    return new Local(worker.send(delta), loss);
  }

  /**
   * The second half of a local-SGD round: θ ← θ + update (the aggregate of the round's payloads,
   * through {@code compressor.finish}), and the replica restarts from θ, keeping its optimizer state.
   *
   * @param update the mean delta, one array per parameter tensor
   * @throws IllegalStateException if the run is synchronous SGD (H = 1)
   */
  public void finish(float[][] update) {
    if (global == null) throw new IllegalStateException("finish is local SGD's (H > 1); this run has H = 1");
    for (int i = 0; i < global.length; i++) for (int j = 0; j < global[i].length; j++) global[i][j] += update[i][j];
    replica.setWeights(global);
  }

  /**
   * Sets θ (local SGD) and the replica's weights to {@code weights}: how a node built afresh
   * joins a run in progress, with {@link #loadState}.
   *
   * @param weights one array per parameter tensor, in {@code parameters()} order (copied)
   * @throws IllegalStateException if the run is synchronous SGD (H = 1)
   * @throws IllegalArgumentException if the tensor count or a length differs from the model's
   */
  public void setGlobal(float[][] weights) {
    if (global == null) throw new IllegalStateException("setGlobal is local SGD's (H > 1); this run has H = 1");
    if (weights.length != global.length) throw new IllegalArgumentException("weights have " + weights.length + " tensors, the model " + global.length);
    for (int i = 0; i < weights.length; i++) {
      if (weights[i].length != global[i].length) {
        throw new IllegalArgumentException("weights tensor " + i + " has " + weights[i].length + " values, the model " + global[i].length);
      }
      global[i] = weights[i].clone();
    }
    replica.setWeights(global);
  }

  /**
   * θ, the global weights this node last averaged to (local SGD).
   *
   * @return a copy, one array per parameter tensor
   * @throws IllegalStateException if the run is synchronous SGD (H = 1)
   */
  public float[][] global() {
    if (global == null) throw new IllegalStateException("global is local SGD's (H > 1); this run has H = 1");
    float[][] out = new float[global.length][];
    for (int i = 0; i < out.length; i++) out[i] = global[i].clone();
    return out;
  }

  /**
   * This node's slice of {@link Simulator#state()}, with the simulator's keys: its optimizer state
   * ("replica.&lt;rank&gt;.optim.…" in local SGD, "optim.…" in synchronous SGD, and the optimizer's
   * fields) and its worker's batch position and compressor state ("worker.&lt;rank&gt;.…"). The weights
   * are not in it (θ: {@link #global()}). The slices of all N nodes, with θ as "model.…" and the
   * simulator's "dist.…" fields, are a checkpoint {@link Simulator#load} reads.
   *
   * @param tensors receives the tensors
   * @param meta receives the fields
   */
  public void save(Map<String, Tensor> tensors, Map<String, String> meta) {
    Map<String, Tensor> ot = new LinkedHashMap<>();
    replica.optimizer().saveState(ot, meta);
    for (var e : ot.entrySet()) tensors.put(replicaPrefix() + e.getKey(), e.getValue());
    meta.put(Simulator.STEPS, Long.toString(replica.steps()));
    worker.save("worker." + worker.index() + ".", tensors, meta);
  }

  /**
   * Restores this node's slice from {@code s} (a {@link #save}d slice, or a whole {@link Simulator#state()}).
   *
   * @param s the state
   * @param source names the state in error messages
   * @throws dev.fivefold.io.BadInputException naming {@code source} if the slice is missing or invalid
   */
  public void load(TrainState s, String source) {
    replica.optimizer().loadState(s.tensors(replicaPrefix()), s.meta(), source);
    replica.seek(steps(s, source));
    worker.load("worker." + worker.index() + ".", s.tensors(), s.meta(), source);
  }

  /**
   * {@link #save} as bytes ({@link StateBytes}): what a Spark task returns for its worker.
   *
   * @return the encoded slice
   */
  public byte[] saveState() {
    Map<String, Tensor> t = new LinkedHashMap<>();
    Map<String, String> m = new LinkedHashMap<>();
    save(t, m);
    return StateBytes.encode(t, m);
  }

  /**
   * Restores what {@link #saveState} encoded.
   *
   * @param state the encoded slice
   * @param source names the state in error messages
   * @throws dev.fivefold.io.BadInputException naming {@code source} if the bytes or the slice are invalid
   */
  public void loadState(byte[] state, String source) {
    load(StateBytes.decode(state, source), source);
  }

  /**
   * Worker {@code rank}'s slice of a whole-run state (a {@link Simulator#state()}, or the slices of
   * all nodes merged): its replica's and worker's tensors and every field but the other workers'.
   *
   * @param full the whole-run state
   * @param rank the worker
   * @param localSgd whether the run is local SGD (per-replica optimizer tensors)
   * @return the slice, as {@link #save} writes it
   */
  public static TrainState slice(TrainState full, int rank, boolean localSgd) {
    String rp = localSgd ? "replica." + rank + "." : "optim.", wp = "worker." + rank + ".";
    Map<String, Tensor> t = new LinkedHashMap<>();
    for (var e : full.tensors().entrySet()) if (e.getKey().startsWith(rp) || e.getKey().startsWith(wp)) t.put(e.getKey(), e.getValue());
    Map<String, String> m = new LinkedHashMap<>();
    for (var e : full.meta().entrySet()) if (!e.getKey().startsWith("worker.") || e.getKey().startsWith(wp)) m.put(e.getKey(), e.getValue());
    return new TrainState(full.step(), 0, t, m);
  }

  /** The replicas' step count in {@code s}: its "dist.steps" field, or (a state without it) its step. */
  private static long steps(TrainState s, String source) {
    String v = s.meta().get(Simulator.STEPS);
    if (v == null) return s.step();
    try {
      long t = Long.parseLong(v);
      if (t >= 0) return t;
    } catch (NumberFormatException e) {
      // named below
    }
    throw new dev.fivefold.io.BadInputException(source + ": field '" + Simulator.STEPS + "' (" + v + ") is not a step count >= 0");
  }

  private String replicaPrefix() {
    return global == null ? "" : "replica." + worker.index() + ".";
  }

  private float[][] exchange(byte[] payload, Collective c, long[] comm, long[] bytes) {
    float[][] agg = null;
    for (int r = 0; r < compressor.rounds(); r++) {
      if (r > 0) payload = worker.next(r, agg);
      bytes[0] += payload.length;
      long t0 = System.nanoTime();
      if (compressor.summable()) {
        float[][] mine = compressor.decode(r, payload, layout);
        float[] sum = c.sumInOrder(flatten(mine));
        comm[0] += System.nanoTime() - t0;
        agg = unflatten(sum, mine);
        float n = c.size();
        if (n > 1) for (float[] s : agg) for (int j = 0; j < s.length; j++) s[j] /= n; // as GradientCompressor.aggregate divides
      } else {
        List<byte[]> all = c.allGather(payload);
        comm[0] += System.nanoTime() - t0;
        agg = compressor.aggregate(r, all, agg, layout);
      }
    }
    return worker.receive(agg);
  }

  private static float[] flatten(float[][] a) {
    int n = 0;
    for (float[] x : a) n += x.length;
    float[] out = new float[n];
    int o = 0;
    for (float[] x : a) {
      System.arraycopy(x, 0, out, o, x.length);
      o += x.length;
    }
    return out;
  }

  private static float[][] unflatten(float[] flat, float[][] like) {
    float[][] out = new float[like.length][];
    int o = 0;
    for (int i = 0; i < like.length; i++) {
      out[i] = new float[like[i].length];
      System.arraycopy(flat, o, out[i], 0, out[i].length);
      o += out[i].length;
    }
    return out;
  }
}
