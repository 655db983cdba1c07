package dev.fivefold.spark;

import dev.fivefold.compress.grad.Compressors;
import dev.fivefold.compress.grad.GradientCompressor;
import dev.fivefold.compress.grad.Layout;
import dev.fivefold.data.Dataset;
import dev.fivefold.dist.Node;
import dev.fivefold.dist.Replica;
import dev.fivefold.dist.Shards;
import dev.fivefold.dist.Simulator;
import dev.fivefold.dist.StateBytes;
import dev.fivefold.io.AtomicFiles;
import dev.fivefold.io.BadInputException;
import dev.fivefold.nn.Module;
import dev.fivefold.tensor.Tensor;
import dev.fivefold.train.Checkpoint;
import dev.fivefold.train.ClassificationTask;
import dev.fivefold.train.TrainState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The simulator's local SGD ({@link Simulator} with H &gt; 1: Stich, "Local SGD converges fast and
 * communicates little", ICLR 2019; McMahan et al. 2017's FedAvg with every client in every round),
 * one round per {@link RoundEngine} call, one Spark job per round on {@link SparkRounds}:
 * <pre>
 *   θ_0 = the model built from its spec with the run's seed
 *   round r = 0 … R−1:
 *     every worker w (one task each): rebuild its Worker and Replica, restore its state, set θ_r;
 *                                     H steps of SGD with momentum on its next H batches (its momentum kept
 *                                     across rounds); payload_w = compress(θ_w − θ_r) with its error feedback
 *     driver: m = compressor.aggregate(0, [payload_0 … payload_{N−1}])   (decoded, summed in rank order, / N)
 *             θ_{r+1} = θ_r + m;  keep every worker's returned state for round r + 1
 * </pre>
 * The tasks run {@link Node#localSteps()}, the code of {@code Simulator}'s rounds, and the driver
 * aggregates as {@code Simulator}'s exchange does, so the weights equal the simulator's with the same
 * config, bit for bit (tested for dense and top-k, on {@link InProcessRounds} and Spark
 * {@code local[2]}), and do not depend on the engine, the executors, the order tasks finish in, or
 * tasks re-run after a failure.
 *
 * <p>Compressors: every one-exchange compressor the simulator takes with H &gt; 1 (dense, onebit,
 * signsgd, topk, dgc with correction=off, randomk, qsgd). PowerSGD is refused: its second exchange
 * per step would cost a second Spark job per round ({@code distributed --engine spark} runs it in a
 * barrier stage). There is no aggregation tree: the simulator's sum is one rank-order sum, which a
 * tree of partial sums on the executors would reorder (float addition does not associate), and for
 * the sparse, sign and quantised payloads the sum of a group is not a payload the driver could take
 * instead of the group's.
 *
 * <p>Checkpoints: with a run folder, after every round the run's state goes to {@code
 * <runDir>/localsgd.safetensors} (written to a temporary name, then moved) in {@link
 * Simulator#state()}'s keys — θ as "model.…" ({@code fivefold eval} reads it), each worker's slice
 * ({@link Node#save}), the "dist.…" fields — so {@link Simulator#load} reads it too; one line per
 * round goes to {@code rounds.csv}. With {@code resume}, a run continues from that checkpoint (it
 * must have been written by the same config) and ends bit-identical to an uninterrupted run.
 */
public final class LocalSgd {
  private LocalSgd() {}

  /** File name of the round checkpoint in the run folder. */
  public static final String CHECKPOINT = "localsgd.safetensors";

  /**
   * A run.
   *
   * @param train the training set, dealt to the workers by {@code dist.Shards.deal} as the simulator deals it
   * @param test the evaluation set (test loss and accuracy of θ)
   * @param sim the simulator's config: model, workers N, batch, accumulation, compressor, H &ge; 2, lr, momentum, seed
   *     (its network is not used: the rounds are measured, not simulated)
   * @param rounds R, &ge; 1
   * @param evalEvery evaluate θ every this many rounds (0: only at the end)
   * @param runDir where round checkpoints go (null: none)
   * @param resume continue from the run folder's checkpoint if there is one
   */
  public record Config(Dataset train, Dataset test, Simulator.Config sim, int rounds, int evalEvery, Path runDir, boolean resume) {
    /**
     * Validates the components.
     *
     * @throws IllegalArgumentException if one is missing or out of range, H is 1, or the compressor takes more than one exchange per step
     */
    public Config {
      if (train == null || test == null || sim == null) throw new IllegalArgumentException("train, test and sim must be given");
      if (sim.localSteps() < 2) {
        throw new IllegalArgumentException("local steps (" + sim.localSteps() + ") must be >= 2: synchronous SGD on Spark is distributed --engine spark");
      }
      GradientCompressor c = Compressors.parse(sim.compressor());
      if (c.rounds() > 1) {
        throw new IllegalArgumentException("compressor (" + sim.compressor() + ") takes " + c.rounds()
            + " exchanges per step, a Spark job each: not in spark-train (distributed --engine spark runs it)");
      }
      if (rounds < 1) throw new IllegalArgumentException("rounds (" + rounds + ") must be >= 1");
      if (evalEvery < 0) throw new IllegalArgumentException("eval every (" + evalEvery + ") must be >= 0");
      if (train.size() < sim.workers()) throw new IllegalArgumentException("training samples (" + train.size() + ") must be >= workers (" + sim.workers() + ")");
      if (resume && runDir == null) throw new IllegalArgumentException("resume needs a run folder");
    }

    /** What a checkpoint must match to be resumed (everything that shapes the numbers). */
    String identity() {
      return sim.model() + "|" + sim.workers() + "|" + sim.batch() + "|" + sim.accumulation() + "|" + Compressors.parse(sim.compressor()) + "|"
          + sim.localSteps() + "|" + sim.lr() + "|" + sim.momentum() + "|" + sim.seed() + "|" + train.size()
          + (sim.schedule().equals("constant") ? "" : "|" + sim.schedule() + ":" + sim.plannedSteps()) + (sim.nesterov() ? "|nesterov" : "");
    }
  }

  /**
   * One round as measured on the driver.
   *
   * @param round the round, from 0
   * @param loss mean training loss of the round's local steps over all workers (nats; the simulator's)
   * @param bytesPerWorker payload bytes one worker sent (mean over workers; the simulator's)
   * @param broadcastBytes θ sent to each worker (bytes down; 4 per parameter)
   * @param wallSeconds the round on the driver, from broadcast to θ updated
   * @param computeSeconds the slowest worker's task work (rebuild, local steps, coding, state)
   * @param commSeconds wall − compute: scheduling, shipping, aggregation, the update
   * @param testAccuracy of θ after the round (NaN when not evaluated)
   */
  public record Round(int round, double loss, double bytesPerWorker, long broadcastBytes, double wallSeconds, double computeSeconds,
                      double commSeconds, double testAccuracy) {}

  /**
   * A run's outcome.
   *
   * @param weights θ at the end, one array per parameter tensor ({@code Module.parameters()} order)
   * @param rounds the rounds run by this call (after a resume: only the new ones)
   * @param startRound the round this call started at (0, or the checkpoint's)
   * @param testLoss test loss of θ
   * @param testAccuracy test accuracy of θ
   * @param bytesSent payload bytes all workers sent over the rounds of this call
   * @param engine the engine's name
   */
  public record Result(float[][] weights, List<Round> rounds, int startRound, double testLoss, double testAccuracy, long bytesSent, String engine) {}

  /** Progress, round by round (after the round's checkpoint is written). */
  @FunctionalInterface
  public interface Listener {
    /**
     * Sees one round.
     *
     * @param r the round
     */
    void onRound(Round r);
  }

  /**
   * Runs the rounds on {@code engine} (prepared here with the shards; not closed).
   *
   * @param c the run
   * @param engine where the workers run
   * @param listener sees every round, or null
   * @return θ, the rounds and the test scores
   * @throws IOException if a checkpoint cannot be read or written
   */
  public static Result run(Config c, RoundEngine engine, Listener listener) throws IOException {
    Simulator.Config s = c.sim();
    int n = s.workers(), h = s.localSteps();
    GradientCompressor compressor = Compressors.parse(s.compressor());
    Replica theta = new Replica(s.model(), s.seed(), s.lr(), 0); // holds θ for evaluation and checkpoints; its optimizer is unused
    Module model = theta.model();
    Layout layout = Layout.of(model.namedParameters());
    float[][] global = theta.weights();
    List<byte[]> states = new ArrayList<>();
    for (int w = 0; w < n; w++) states.add(new byte[0]);
    Simulator.Totals totals = Simulator.Totals.NONE;
    int start = 0;
    Path ckpt = c.runDir() == null ? null : c.runDir().resolve(CHECKPOINT);
    if (c.runDir() != null) Files.createDirectories(c.runDir());
    if (c.resume() && Files.exists(ckpt)) {
      totals = restore(Checkpoint.read(ckpt), c, model, states, ckpt.toString());
      start = (int) totals.rounds();
      global = theta.weights();
    }
    int[][] deal = Shards.deal(c.train().size(), n, s.seed());
    List<Shard> shards = new ArrayList<>();
    for (int w = 0; w < n; w++) shards.add(Shard.of(w, c.train().subset(deal[w])));
    engine.prepare(s, shards);
    List<Round> out = new ArrayList<>();
    long bytes = 0;
    for (int r = start; r < c.rounds(); r++) {
      long t0 = System.nanoTime();
      List<WorkerResult> results = engine.round(r, global, states);
      List<byte[]> payloads = new ArrayList<>(n);
      double loss = 0, mean = 0;
      long compute = 0;
      for (int w = 0; w < n; w++) {
        WorkerResult x = results.get(w);
        if (x.worker() != w) throw new IllegalStateException("result " + w + " is worker " + x.worker() + "'s");
        payloads.add(x.payload());
        states.set(w, x.state());
        loss += x.lossSum();
        mean += x.payload().length;
        bytes += x.payload().length;
        compute = Math.max(compute, x.computeNanos());
      }
      // the simulator's exchange: one round, aggregated in rank order; finish is the aggregate for a one-exchange compressor
      float[][] update = compressor.aggregate(0, payloads, layout);
      for (int i = 0; i < global.length; i++) for (int j = 0; j < global[i].length; j++) global[i][j] += update[i][j];
      double wall = (System.nanoTime() - t0) / 1e9, cs = compute / 1e9;
      double acc = Double.NaN;
      boolean last = r == c.rounds() - 1;
      if (!last && c.evalEvery() > 0 && (r + 1) % c.evalEvery() == 0) acc = evaluate(theta, global, c.test()).get("accuracy");
      Round rd = new Round(r, loss / (n * (double) h), mean / n, 4L * layout.total(), wall, cs, Math.max(0, wall - cs), acc);
      totals = totals.plus(rd.bytesPerWorker(), 4.0 * layout.total() * h, rd.computeSeconds(), rd.commSeconds());
      if (ckpt != null) save(c, ckpt, theta, global, states, totals, rd);
      out.add(rd);
      if (listener != null) listener.onRound(rd);
    }
    Map<String, Double> ev = evaluate(theta, global, c.test());
    return new Result(global, out, start, ev.get("loss"), ev.get("accuracy"), bytes, engine.name());
  }

  /** Test loss and accuracy of {@code weights} set into {@code theta}'s model. */
  private static Map<String, Double> evaluate(Replica theta, float[][] weights, Dataset test) {
    theta.setWeights(weights);
    return ClassificationTask.evaluate(theta.model(), test, 1000);
  }

  /** {@link Simulator#state()}'s tensors and fields for this run after {@code totals.rounds()} rounds, and the round's line of rounds.csv. */
  private static void save(Config c, Path ckpt, Replica theta, float[][] global, List<byte[]> states, Simulator.Totals totals, Round rd)
      throws IOException {
    Simulator.Config s = c.sim();
    theta.setWeights(global);
    Map<String, Tensor> t = new LinkedHashMap<>();
    Map<String, String> m = new LinkedHashMap<>();
    for (var e : theta.model().namedParameters().entrySet()) t.put("model." + e.getKey(), e.getValue().value().copy());
    for (int w = 0; w < states.size(); w++) {
      TrainState slice = StateBytes.decode(states.get(w), "worker " + w + "'s state");
      t.putAll(slice.tensors());
      m.putAll(slice.meta());
    }
    totals.write(s, m);
    m.put("localsgd.config", c.identity());
    Checkpoint.write(ckpt, new TrainState(totals.rounds() * s.localSteps(), totals.computeSeconds(), t, m), Map.of());
    Path csv = c.runDir().resolve("rounds.csv");
    String line = rd.round() + "," + rd.loss() + "," + rd.bytesPerWorker() + "," + rd.broadcastBytes() + "," + rd.wallSeconds() + ","
        + rd.computeSeconds() + "," + rd.commSeconds() + "," + (Double.isNaN(rd.testAccuracy()) ? "" : rd.testAccuracy()) + "\n";
    String old = rd.round() == 0 || !Files.exists(csv) ? "round,loss,bytes_per_worker,broadcast_bytes,wall_s,compute_s,comm_s,test_accuracy\n" : Files.readString(csv);
    AtomicFiles.writeString(csv, old + line);
  }

  /** Restores θ into {@code model} and every worker's state; returns the run's totals (its rounds: where to go on). */
  private static Simulator.Totals restore(TrainState s, Config c, Module model, List<byte[]> states, String src) {
    String id = s.meta().get("localsgd.config");
    if (!c.identity().equals(id)) {
      throw new BadInputException(src + ": field 'localsgd.config' (" + id + ") was written by another run than this one (" + c.identity() + ")");
    }
    Simulator.Totals totals = Simulator.Totals.read(s, src);
    if (totals.rounds() > c.rounds()) {
      throw new BadInputException(src + ": field 'dist.rounds' (" + totals.rounds() + ") is past the run's " + c.rounds() + " rounds");
    }
    model.loadStateDict(s.tensors("model."), src);
    for (int w = 0; w < states.size(); w++) {
      TrainState slice = Node.slice(s, w, true);
      states.set(w, StateBytes.encode(slice.tensors(), slice.meta()));
    }
    return totals;
  }
}
