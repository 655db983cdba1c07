package dev.fivefold.dist;

import dev.fivefold.compress.grad.Compressors;
import dev.fivefold.compress.grad.GradientCompressor;
import dev.fivefold.compress.grad.Layout;
import dev.fivefold.data.Dataset;
import dev.fivefold.io.BadInputException;
import dev.fivefold.nn.Module;
import dev.fivefold.perception.Models;
import dev.fivefold.tensor.Tensor;
import dev.fivefold.train.TrainState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * N data-parallel workers in one process, deterministically: each with its shard
 * ({@link Shards}) of the training data ({@link TrainingData}: image samples, or a text's token
 * windows for the GPT), its batches and its compressor state ({@link Worker}), run one after the other
 * in worker order, so the result does not depend on the thread count (the kernels' results do not
 * either) and equals what the same workers produce on any engine that sums payloads in worker order.
 *
 * <p>Two modes, by the local steps H:
 * <ul>
 *   <li>H = 1, synchronous SGD: per step every worker computes the gradient of its next batch (of
 *       {@code accumulation} micro-batches) on the shared model, compresses it, the payloads are
 *       aggregated ({@link GradientCompressor}), and one replica applies the mean — all replicas
 *       would apply the same bits, so one stands for all. With the dense compressor this is
 *       large-batch SGD on a batch of N·K·b (to float rounding: the mean of per-worker means sums in
 *       another order than one big batch).</li>
 *   <li>H &gt; 1, local SGD / federated averaging (Stich 2019; McMahan et al. 2017): each worker
 *       runs H steps of its own SGD on its own replica, then the model deltas θ_w − θ are
 *       compressed and averaged, θ ← θ + mean Δ, and every replica restarts from θ (each keeps its
 *       own momentum). Momentum-correcting compressors (DGC) are refused here: they compress
 *       gradients, not deltas.</li>
 * </ul>
 * Per round it reports the mean loss, the payload bytes per worker (all exchanges of the round),
 * the dense bytes they replace (4·d per step), the measured compute time (the slowest worker
 * plus aggregation and the update) and the simulated communication time of the {@link Network}.
 * {@link #state()} and {@link #load} make a run resumable bit-identically.
 */
public final class Simulator {
  /**
   * A simulated run: model, workers, batches, compressor, optimizer and network.
   *
   * @param model a {@link Models} spec ("mlp", "lenet5", ...)
   * @param workers N &ge; 1
   * @param batch samples per worker per micro-batch, &ge; 1
   * @param accumulation micro-batches per worker per step, &ge; 1
   * @param compressor a {@link Compressors} spec
   * @param localSteps H &ge; 1 (1: synchronous SGD)
   * @param lr learning rate &gt; 0
   * @param momentum SGD momentum in [0, 1) (ignored, 0, when the compressor carries the momentum)
   * @param seed weights, shards, batches and compressor streams
   * @param network the simulated links, for the communication time (null: {@link Network#defaults()})
   * @param schedule the learning rate over the optimizer steps: "constant" (η every step) or "cosine"
   *     (η_t = η·½(1 + cos(π·min(t, T)/T)), from η at step 0 to 0 at step T; Loshchilov &amp; Hutter 2017)
   * @param plannedSteps T, the steps the cosine decays over (&ge; 1 for "cosine"; 0 allowed for "constant")
   * @param nesterov Nesterov momentum in the optimizer (Sutskever et al. 2013, PyTorch's form) instead of
   *     heavy-ball; a momentum-correcting compressor takes it in its own spec ({@code dgc:...,nesterov=on})
   */
  public record Config(String model, int workers, int batch, int accumulation, String compressor, int localSteps, double lr,
      double momentum, long seed, Network network, String schedule, long plannedSteps, boolean nesterov) {
    /**
     * Validates the components and parses {@code compressor}; a null {@code network} becomes {@link
     * Network#defaults()}.
     *
     * @throws IllegalArgumentException if a component is out of range, the compressor spec does not parse, or a
     *     momentum-correcting compressor is combined with {@code localSteps > 1}, or a run with Nesterov momentum has a
     *     compressor that carries heavy-ball momentum
     */
    public Config {
      if (model == null) throw new IllegalArgumentException("model must be given");
      if (workers < 1) throw new IllegalArgumentException("workers (" + workers + ") must be >= 1");
      if (batch < 1) throw new IllegalArgumentException("batch (" + batch + ") must be >= 1");
      if (accumulation < 1) throw new IllegalArgumentException("accumulation (" + accumulation + ") must be >= 1");
      if (localSteps < 1) throw new IllegalArgumentException("localSteps (" + localSteps + ") must be >= 1");
      if (!(lr > 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("lr (" + lr + ") must be > 0");
      if (!(momentum >= 0 && momentum < 1)) throw new IllegalArgumentException("momentum (" + momentum + ") must be in [0, 1)");
      if (nesterov && momentum == 0) throw new IllegalArgumentException("nesterov needs momentum > 0 (momentum = 0)");
      if (network == null) network = Network.defaults();
      if (!SCHEDULES.contains(schedule)) throw new IllegalArgumentException("schedule (" + schedule + ") must be one of " + String.join(", ", SCHEDULES));
      if (plannedSteps < (schedule.equals("cosine") ? 1 : 0)) {
        throw new IllegalArgumentException("planned steps (" + plannedSteps + ") must be >= " + (schedule.equals("cosine") ? 1 : 0) + " for the " + schedule
            + " schedule");
      }
      GradientCompressor c = Compressors.parse(compressor);
      if (localSteps > 1 && c.correctsMomentum()) {
        throw new IllegalArgumentException("compressor (" + compressor + ") corrects momentum, which local SGD (localSteps " + localSteps
            + ") does not use: use topk, or dgc with correction=off");
      }
      if (nesterov && c.correctsMomentum() && !c.correctsNesterov()) {
        throw new IllegalArgumentException("compressor (" + compressor + ") carries heavy-ball momentum, not the Nesterov momentum of this run: use dgc with nesterov=on");
      }
      if (localSteps > 1 && c.weightsByRate()) {
        throw new IllegalArgumentException("compressor (" + compressor + ") keeps a residual of rate-weighted steps, which local SGD (localSteps "
            + localSteps + ") does not use: use residual=grad");
      }
    }

    /**
     * A run at a constant learning rate.
     *
     * @param model a {@link Models} spec
     * @param workers N &ge; 1
     * @param batch samples per worker per micro-batch
     * @param accumulation micro-batches per worker per step
     * @param compressor a {@link Compressors} spec
     * @param localSteps H &ge; 1
     * @param lr learning rate &gt; 0
     * @param momentum SGD momentum in [0, 1)
     * @param seed the run's seed
     * @param network the simulated links (null: the defaults)
     */
    public Config(String model, int workers, int batch, int accumulation, String compressor, int localSteps, double lr, double momentum, long seed,
        Network network) {
      this(model, workers, batch, accumulation, compressor, localSteps, lr, momentum, seed, network, "constant", 0);
    }

    /**
     * A run with heavy-ball momentum.
     *
     * @param model a {@link Models} spec
     * @param workers N &ge; 1
     * @param batch samples per worker per micro-batch
     * @param accumulation micro-batches per worker per step
     * @param compressor a {@link Compressors} spec
     * @param localSteps H &ge; 1
     * @param lr learning rate &gt; 0
     * @param momentum SGD momentum in [0, 1)
     * @param seed the run's seed
     * @param network the simulated links (null: the defaults)
     * @param schedule "constant" or "cosine"
     * @param plannedSteps T for "cosine"
     */
    public Config(String model, int workers, int batch, int accumulation, String compressor, int localSteps, double lr, double momentum, long seed,
        Network network, String schedule, long plannedSteps) {
      this(model, workers, batch, accumulation, compressor, localSteps, lr, momentum, seed, network, schedule, plannedSteps, false);
    }

    /**
     * This config with another model, workers, per-worker batch, accumulation, compressor and local steps (rate, schedule, seed and network kept).
     *
     * @param model a {@link Models} spec
     * @param workers N
     * @param batch samples per worker per micro-batch
     * @param accumulation micro-batches per worker per step
     * @param compressor a {@link Compressors} spec
     * @param localSteps H
     * @return the new config
     */
    public Config with(String model, int workers, int batch, int accumulation, String compressor, int localSteps) {
      return new Config(model, workers, batch, accumulation, compressor, localSteps, lr, momentum, seed, network, schedule, plannedSteps, nesterov);
    }

    /**
     * The learning rate of optimizer step t (0-based) under the schedule.
     *
     * @param t the step about to be taken
     * @return η for "constant"; η·½(1 + cos(π·min(t, T)/T)) for "cosine"
     */
    public double lrAt(long t) {
      return schedule.equals("constant") ? lr : dev.fivefold.control.Schedules.cosine(lr, plannedSteps, 0).at(t, 0);
    }
  }

  /** The learning-rate schedules a run takes ({@link Config#schedule}). */
  public static final List<String> SCHEDULES = List.of("constant", "cosine");

  /**
   * One step (H = 1) or one averaging round (H &gt; 1): the mean loss of its batches, the payload
   * bytes one worker sent (every exchange of the round, mean over workers), and {@code denseBytes}
   * = 4·d·H, what dense synchronous SGD would have sent for the same steps (one float32 all-reduce
   * per step), so {@link #ratio()} is the traffic saved against dense all-reduce — H for dense local
   * SGD, and PowerSGD's two exchanges counted against one.
   *
   * @param step optimizer steps taken after this round
   * @param loss mean training loss of the round's batches, nats
   * @param bytesPerWorker payload bytes one worker sent in the round (mean over workers)
   * @param denseBytes 4·d·H, the bytes dense synchronous SGD would have sent per worker
   * @param computeSeconds measured compute seconds of the round (the slowest worker plus aggregation and
   *     update)
   * @param commSeconds simulated communication seconds of the round on the config's network
   */
  public record Round(long step, double loss, double bytesPerWorker, long denseBytes, double computeSeconds, double commSeconds) {
    /**
     * Dense bytes over the bytes sent.
     *
     * @return {@code denseBytes / bytesPerWorker}
     */
    public double ratio() {
      return denseBytes / bytesPerWorker;
    }
  }

  /** The field holding the optimizer steps every replica has taken (the schedule's position), in states and node slices. */
  static final String STEPS = "dist.steps";

  private final Config cfg;
  private final GradientCompressor compressor;
  private final Layout layout;
  private final List<Worker> workers = new ArrayList<>();
  private final List<Replica> replicas = new ArrayList<>();
  private float[][] global; // local SGD: θ
  private long step;
  private long rounds;
  private double bytesSent, denseSent, computeSeconds, commSeconds; // totals of the run, restored with a checkpoint

  /**
   * A run on the image samples {@code train} ({@link TrainingData.Images}): builds the replicas
   * (one, or one per worker in local SGD, all from the config's seed), deals {@code train} into one
   * shard per worker and gives each worker its compressor state.
   *
   * @param cfg the run's configuration
   * @param train the training set, dealt into N shards
   */
  public Simulator(Config cfg, Dataset train) {
    this(cfg, new TrainingData.Images(train));
  }

  /**
   * A run on {@code data}: image samples, or the windows of a text for a language model
   * ({@link TrainingData.Text}; the config's model a {@code gpt:...} spec whose vocabulary covers the text's).
   *
   * @param cfg the run's configuration
   * @param data the training data, dealt into N shards
   * @throws IllegalArgumentException if there are fewer units (samples, windows) than workers
   */
  public Simulator(Config cfg, TrainingData data) {
    this.cfg = cfg;
    this.compressor = Compressors.parse(cfg.compressor());
    double momentum = compressor.correctsMomentum() ? 0 : cfg.momentum();
    int copies = cfg.localSteps() > 1 ? cfg.workers() : 1;
    for (int w = 0; w < copies; w++) replicas.add(new Replica(cfg, momentum, compressor.weightsByRate()));
    this.layout = Layout.of(replicas.getFirst().model().namedParameters());
    int[][] shards = Shards.deal(data.size(), cfg.workers(), cfg.seed());
    for (int w = 0; w < cfg.workers(); w++) {
      workers.add(new Worker(data.minibatches(shards[w], cfg.batch(), cfg.seed(), w), cfg.accumulation(), compressor, layout, cfg.seed(), w, cfg.workers()));
    }
    if (copies > 1) global = replicas.getFirst().weights();
  }

  /**
   * The configuration this simulator was built with.
   *
   * @return the config
   */
  public Config config() {
    return cfg;
  }

  /**
   * The compressor parsed from the config's spec, shared by all workers.
   *
   * @return the compressor
   */
  public GradientCompressor compressor() {
    return compressor;
  }

  /**
   * The model's parameters as one flat gradient layout, in {@code namedParameters()} order.
   *
   * @return the layout
   */
  public Layout layout() {
    return layout;
  }

  /**
   * The workers, in rank order.
   *
   * @return an unmodifiable copy of the list
   */
  public List<Worker> workers() {
    return List.copyOf(workers);
  }

  /**
   * The model every worker holds after the last round (the global θ).
   *
   * @return the first replica's model
   */
  public Module model() {
    return replicas.getFirst().model();
  }

  /**
   * Optimizer steps taken (H per round in local SGD).
   *
   * @return the step count, &ge; 0
   */
  public long step() {
    return step;
  }

  /**
   * Rounds done.
   *
   * @return the round count, &ge; 0
   */
  public long rounds() {
    return rounds;
  }

  /**
   * Runs one step (H = 1) or one round of H local steps and an average.
   *
   * @return the round's loss, bytes and times (also added to the run's totals)
   */
  public Round round() {
    Round r = cfg.localSteps() == 1 ? syncStep() : localRound();
    bytesSent += r.bytesPerWorker();
    denseSent += r.denseBytes();
    computeSeconds += r.computeSeconds();
    commSeconds += r.commSeconds();
    return r;
  }

  /**
   * Payload bytes one worker sent since the run began (mean over workers; a resumed run counts from its start).
   *
   * @return the bytes, &ge; 0
   */
  public double bytesPerWorker() {
    return bytesSent;
  }

  /**
   * The bytes dense float32 exchanges of the same rounds would have sent per worker.
   *
   * @return the bytes, &ge; 0
   */
  public double denseBytesPerWorker() {
    return denseSent;
  }

  /**
   * Measured compute seconds since the run began (the slowest worker's per round).
   *
   * @return the seconds, &ge; 0
   */
  public double computeSeconds() {
    return computeSeconds;
  }

  /**
   * Simulated communication seconds since the run began.
   *
   * @return the seconds, &ge; 0
   */
  public double commSeconds() {
    return commSeconds;
  }

  private Round syncStep() {
    int n = workers.size();
    List<byte[]> payloads = new ArrayList<>(n);
    double loss = 0;
    long slowest = 0;
    Module m = model();
    for (Worker w : workers) {
      Worker.Sent s = w.compute(m, replicas.getFirst().rateScale());
      payloads.add(s.payload());
      loss += s.loss();
      slowest = Math.max(slowest, s.computeNanos());
    }
    long t0 = System.nanoTime();
    Exchange x = exchange(payloads);
    replicas.getFirst().apply(x.update);
    step++;
    rounds++;
    double compute = (slowest + System.nanoTime() - t0) / 1e9 - x.workerSeconds;
    return new Round(step, loss / n, x.bytes, 4L * layout.total(), compute, x.comm);
  }

  private Round localRound() {
    int n = workers.size(), h = cfg.localSteps();
    List<byte[]> payloads = new ArrayList<>(n);
    double loss = 0;
    long slowest = 0;
    for (int w = 0; w < n; w++) {
      long t0 = System.nanoTime();
      Node.Local l = Node.localSteps(workers.get(w), replicas.get(w), global, h);
      loss += l.lossSum();
      payloads.add(l.payload());
      slowest = Math.max(slowest, System.nanoTime() - t0);
    }
    long t0 = System.nanoTime();
    Exchange x = exchange(payloads);
    for (int i = 0; i < global.length; i++) for (int j = 0; j < global[i].length; j++) global[i][j] += x.update[i][j];
    for (Replica r : replicas) r.setWeights(global);
    step += h;
    rounds++;
    double compute = (slowest + System.nanoTime() - t0) / 1e9 - x.workerSeconds;
    return new Round(step, loss / (n * (double) h), x.bytes, 4L * layout.total() * h, compute, x.comm);
  }

  /** The rounds of the compressor's protocol after round 0; bytes per worker and simulated time. */
  private record Exchange(float[][] update, double bytes, double comm, double workerSeconds) {}

  private Exchange exchange(List<byte[]> payloads) {
    int n = workers.size();
    double bytes = 0, comm = 0, parallel = 0;
    float[][] agg = null;
    for (int r = 0; r < compressor.rounds(); r++) {
      if (r > 0) {
        List<byte[]> next = new ArrayList<>(n);
        long slowest = 0, total = 0;
        for (Worker w : workers) {
          long t0 = System.nanoTime();
          next.add(w.next(r, agg));
          long dt = System.nanoTime() - t0;
          slowest = Math.max(slowest, dt);
          total += dt;
        }
        parallel += (total - slowest) / 1e9; // run one after the other here, side by side on a cluster
        payloads = next;
      }
      double mean = 0;
      for (byte[] p : payloads) mean += p.length;
      mean /= n;
      bytes += mean;
      comm += cfg.network().exchange(mean, n, compressor.summable());
      agg = compressor.aggregate(r, payloads, agg, layout);
    }
    float[][] update = null;
    for (Worker w : workers) {
      float[][] u = w.receive(agg); // every worker finishes (PowerSGD keeps its warm start); all equal
      if (update == null) update = u;
    }
    return new Exchange(update, bytes, comm, parallel);
  }

  // ---- the state

  /**
   * Everything the run's future depends on: the model ("model.&lt;name&gt;", the global θ), the
   * optimizer state of each replica ("optim.…" for the one of synchronous SGD,
   * "replica.&lt;w&gt;.optim.…" in local SGD), each worker's batch position and compressor state
   * ("worker.&lt;w&gt;.…"), the step and round counts, the run's byte and time totals, and the
   * config's model spec (so {@code fivefold eval} reads the file as a model).
   *
   * @return the step count, the compute seconds, the tensors and the metadata
   */
  public TrainState state() {
    Map<String, Tensor> t = new LinkedHashMap<>();
    Map<String, String> m = new LinkedHashMap<>();
    for (var e : model().namedParameters().entrySet()) t.put("model." + e.getKey(), e.getValue().value().copy());
    for (int r = 0; r < replicas.size(); r++) {
      Map<String, Tensor> ot = new LinkedHashMap<>();
      Map<String, String> om = new LinkedHashMap<>();
      replicas.get(r).optimizer().saveState(ot, om);
      String p = replicas.size() == 1 ? "" : "replica." + r + ".";
      for (var e : ot.entrySet()) t.put(p + e.getKey(), e.getValue());
      if (r == 0) m.putAll(om);
    }
    for (int w = 0; w < workers.size(); w++) workers.get(w).save("worker." + w + ".", t, m);
    m.put(STEPS, Long.toString(step));
    new Totals(rounds, bytesSent, denseSent, computeSeconds, commSeconds).write(cfg, m);
    return new TrainState(step, computeSeconds, t, m);
  }

  /**
   * Restores a {@link #state()} of a run with the same config.
   *
   * @throws BadInputException naming {@code source} if it is of another run (workers, compressor, H, Nesterov momentum) or incomplete
   * @param s a state saved by {@link #state()}
   * @param source names the checkpoint in error messages
   */
  public void load(TrainState s, String source) {
    require(s, "dist.workers", Integer.toString(cfg.workers()), source);
    require(s, "dist.compressor", compressor.toString(), source);
    require(s, "dist.localSteps", Integer.toString(cfg.localSteps()), source);
    require(s, "dist.nesterov", "off", onOff(cfg.nesterov()), source); // checkpoints before session 20 are heavy-ball
    model().loadStateDict(s.tensors("model."), source);
    for (int r = 0; r < replicas.size(); r++) {
      Map<String, Tensor> ot = replicas.size() == 1 ? s.tensors() : s.tensors("replica." + r + ".");
      replicas.get(r).optimizer().loadState(ot, s.meta(), source);
    }
    if (global != null) {
      global = replicas.getFirst().weights();
      for (Replica r : replicas) r.setWeights(global);
    }
    for (int w = 0; w < workers.size(); w++) workers.get(w).load("worker." + w + ".", s.tensors(), s.meta(), source);
    step = s.step();
    for (Replica r : replicas) r.seek(step);
    Totals tot = Totals.read(s, source);
    rounds = tot.rounds();
    bytesSent = tot.bytesPerWorker();
    denseSent = tot.denseBytesPerWorker();
    computeSeconds = tot.computeSeconds();
    commSeconds = tot.commSeconds();
  }

  /**
   * A run's identity and totals as its checkpoints keep them: "model" and the "dist.…" fields.
   * {@link #state()} writes them, and so does any engine that writes the simulator's checkpoints.
   *
   * @param rounds rounds run (steps in synchronous SGD, averages in local SGD)
   * @param bytesPerWorker payload bytes each worker sent (mean over workers)
   * @param denseBytesPerWorker the bytes dense float32 exchanges would have sent per worker
   * @param computeSeconds measured compute seconds
   * @param commSeconds communication seconds
   */
  public record Totals(long rounds, double bytesPerWorker, double denseBytesPerWorker, double computeSeconds, double commSeconds) {
    /** Nothing run yet. */
    public static final Totals NONE = new Totals(0, 0, 0, 0, 0);

    /**
     * These totals after one more round.
     *
     * @param bytes the round's payload bytes per worker
     * @param dense the round's dense bytes per worker
     * @param compute the round's compute seconds
     * @param comm the round's communication seconds
     * @return the sums, with one more round
     */
    public Totals plus(double bytes, double dense, double compute, double comm) {
      return new Totals(rounds + 1, bytesPerWorker + bytes, denseBytesPerWorker + dense, computeSeconds + compute, commSeconds + comm);
    }

    /**
     * Writes "model", "dist.workers", "dist.compressor", "dist.localSteps", "dist.nesterov" (from {@code cfg}) and the totals.
     *
     * @param cfg the run's config
     * @param meta receives the fields
     */
    public void write(Config cfg, Map<String, String> meta) {
      meta.put("model", cfg.model());
      meta.put("dist.workers", Integer.toString(cfg.workers()));
      meta.put("dist.compressor", Compressors.parse(cfg.compressor()).toString());
      meta.put("dist.localSteps", Integer.toString(cfg.localSteps()));
      meta.put("dist.nesterov", onOff(cfg.nesterov()));
      meta.put("dist.rounds", Long.toString(rounds));
      meta.put("dist.bytesPerWorker", Double.toString(bytesPerWorker));
      meta.put("dist.denseBytesPerWorker", Double.toString(denseBytesPerWorker));
      meta.put("dist.computeSeconds", Double.toString(computeSeconds));
      meta.put("dist.commSeconds", Double.toString(commSeconds));
    }

    /**
     * Reads the totals {@link #write} wrote.
     *
     * @param s the state
     * @param source names it in error messages
     * @return the totals
     * @throws BadInputException naming {@code source} and the field if one is missing or not a number ≥ 0
     */
    public static Totals read(TrainState s, String source) {
      return new Totals((long) number(s, "dist.rounds", source), number(s, "dist.bytesPerWorker", source),
          number(s, "dist.denseBytesPerWorker", source), number(s, "dist.computeSeconds", source), number(s, "dist.commSeconds", source));
    }
  }

  private static String onOff(boolean b) {
    return b ? "on" : "off";
  }

  private static double number(TrainState s, String key, String source) {
    String v = s.meta().get(key);
    try {
      double d = Double.parseDouble(v);
      if (d >= 0 && !Double.isInfinite(d)) return d;
    } catch (RuntimeException e) {
      // named below
    }
    throw new BadInputException(source + ": field '" + key + "' (" + v + ") is missing or not a number >= 0");
  }

  private static void require(TrainState s, String key, String expected, String source) {
    require(s, key, null, expected, source);
  }

  /** As {@link #require(TrainState, String, String, String)}, an absent field read as {@code absent}. */
  private static void require(TrainState s, String key, String absent, String expected, String source) {
    String v = s.meta().getOrDefault(key, absent);
    if (!expected.equals(v)) throw new BadInputException(source + ": field '" + key + "' (" + v + ") does not match this run's (" + expected + ")");
  }
}
