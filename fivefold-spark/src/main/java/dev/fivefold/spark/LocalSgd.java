package dev.fivefold.spark;

import dev.fivefold.data.Dataset;
import dev.fivefold.io.AtomicFiles;
import dev.fivefold.io.BadInputException;
import dev.fivefold.nn.Module;
import dev.fivefold.nn.Parameter;
import dev.fivefold.perception.Models;
import dev.fivefold.tensor.Tensor;
import dev.fivefold.train.Checkpoint;
import dev.fivefold.train.ClassificationTask;
import dev.fivefold.train.TrainState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Local SGD / model averaging (Stich, "Local SGD converges fast and communicates little", ICLR
 * 2019; McMahan et al. 2017's FedAvg with every client in every round) on any {@link RoundEngine}:
 * <pre>
 *   w_0 = the model built from its spec with the run's seed
 *   round r = 0 … R−1:
 *     every worker k (in parallel): w_k = w_r; H local steps of its optimizer on its shard;
 *                                   sends Δ_k = code(w_k − w_r)
 *     w_{r+1} = w_r + (Σ_k decode(Δ_k)) / N      (summed in {@link Averaging}'s fixed order)
 * </pre>
 * With H = 1 and plain SGD this is synchronous data-parallel SGD with an N× larger batch.
 *
 * <p>Determinism: the result depends only on the config (seed included), not on the engine, the
 * number of executors, the order tasks finish in, or tasks re-run after a failure; the test
 * compares Spark on {@code local[2]} and on a standalone cluster with {@link InProcessRounds}, bit for bit.
 *
 * <p>Checkpoints: with a run folder, after every round the global weights, the round and every
 * worker's state go to {@code <runDir>/localsgd.safetensors} (written to a temporary name, then
 * moved; a fivefold checkpoint whose {@code model.*} tensors {@code fivefold eval} reads), and one
 * line per round to {@code rounds.csv}. With {@code resume}, a run continues from that checkpoint
 * (it must have been written by the same config) and ends bit-identical to an uninterrupted run.
 */
public final class LocalSgd {
  private LocalSgd() {}

  /** File name of the round checkpoint in the run folder. */
  public static final String CHECKPOINT = "localsgd.safetensors";

  /**
   * @param train the training set, dealt to the workers by {@link Shard#split}
   * @param test the evaluation set (test loss and accuracy of the averaged model)
   * @param worker what each worker runs (model, optimizer, rate, batch, H, seed, codec)
   * @param workers N, &ge; 1
   * @param rounds R, &ge; 1
   * @param fanIn group size of the aggregation tree ({@link Averaging}); 0: every payload to the driver
   * @param evalEvery evaluate the averaged model every this many rounds (0: only at the end)
   * @param runDir where round checkpoints go (null: none)
   * @param resume continue from the run folder's checkpoint if there is one
   */
  public record Config(Dataset train, Dataset test, LocalWorker.Spec worker, int workers, int rounds, int fanIn, int evalEvery, Path runDir, boolean resume) {
    public Config {
      if (train == null || test == null || worker == null) throw new IllegalArgumentException("train, test and worker spec must be given");
      if (workers < 1) throw new IllegalArgumentException("workers (" + workers + ") must be >= 1");
      if (rounds < 1) throw new IllegalArgumentException("rounds (" + rounds + ") must be >= 1");
      if (fanIn < 0) throw new IllegalArgumentException("fan-in (" + fanIn + ") must be >= 0");
      if (evalEvery < 0) throw new IllegalArgumentException("eval every (" + evalEvery + ") must be >= 0");
      if (train.size() < workers) throw new IllegalArgumentException("training samples (" + train.size() + ") must be >= workers (" + workers + ")");
      if (resume && runDir == null) throw new IllegalArgumentException("resume needs a run folder");
    }

    /** What a checkpoint must match to be resumed (everything that shapes the numbers). */
    String identity() {
      return worker.model() + "|" + worker.optimizer() + "|" + worker.lr() + "|" + worker.batch() + "|" + worker.localSteps() + "|"
          + worker.seed() + "|" + worker.codec().name() + "|" + workers + "|" + fanIn + "|" + train.size();
    }
  }

  /**
   * One round as measured on the driver.
   *
   * @param loss mean training loss of the round's local steps over all workers (nats)
   * @param bytesPerWorker the largest payload a worker sent (bytes up)
   * @param broadcastBytes the weights sent to each worker (bytes down; 4 per parameter)
   * @param wallSeconds the round on the driver, from broadcast to averaged weights
   * @param computeSeconds the slowest worker's local steps and coding, inside its task
   * @param commSeconds wall − compute: scheduling, shipping, aggregation, the update
   * @param testAccuracy of the averaged model after the round (NaN when not evaluated)
   */
  public record Round(int round, double loss, long bytesPerWorker, long broadcastBytes, double wallSeconds, double computeSeconds,
                      double commSeconds, double testAccuracy) {}

  /**
   * @param weights the final averaged weights (flat, {@code Module.parameters()} order)
   * @param rounds the rounds run by this call (after a resume: only the new ones)
   * @param startRound the round this call started at (0, or the checkpoint's)
   * @param bytesSent payload bytes all workers sent over the rounds of this call
   */
  public record Result(float[] weights, List<Round> rounds, int startRound, double testLoss, double testAccuracy, long bytesSent, String engine) {}

  /** Progress, round by round (after the round's checkpoint is written). */
  @FunctionalInterface
  public interface Listener {
    void onRound(Round r);
  }

  /** Runs the rounds on {@code engine} (prepared here with the shards; not closed). */
  public static Result run(Config c, RoundEngine engine, Listener listener) throws IOException {
    LocalWorker.Spec spec = c.worker();
    Module model = Models.create(spec.model(), spec.seed());
    List<Parameter> ps = model.parameters();
    float[] weights = Flat.of(ps);
    List<WorkerState> states = new ArrayList<>();
    for (int w = 0; w < c.workers(); w++) states.add(WorkerState.fresh(w));
    int start = 0;
    Path ckpt = c.runDir() == null ? null : c.runDir().resolve(CHECKPOINT);
    if (c.runDir() != null) Files.createDirectories(c.runDir());
    if (c.resume() && Files.exists(ckpt)) {
      TrainState s = Checkpoint.read(ckpt);
      start = restore(s, c, model, states, ckpt.toString());
      weights = Flat.of(ps);
    }
    engine.prepare(spec, Shard.split(c.train(), c.workers()), c.fanIn());
    List<Round> out = new ArrayList<>();
    long bytes = 0;
    for (int r = start; r < c.rounds(); r++) {
      long t0 = System.nanoTime();
      List<Averaging.GroupSum> groups = engine.round(r, weights, states);
      Averaging.apply(weights, Averaging.total(groups), c.workers());
      double wall = (System.nanoTime() - t0) / 1e9;
      List<WorkerState> next = new ArrayList<>(states);
      double loss = 0;
      long steps = 0, compute = 0, maxPayload = 0;
      groups = new ArrayList<>(groups);
      groups.sort((a, b) -> Integer.compare(a.group(), b.group()));
      for (Averaging.GroupSum g : groups) {
        for (WorkerState s : g.states()) next.set(s.worker(), s);
        loss += g.lossSum();
        steps += g.steps();
        compute = Math.max(compute, g.maxComputeNanos());
        for (long b : g.payloadBytes()) {
          maxPayload = Math.max(maxPayload, b);
          bytes += b;
        }
      }
      states = next;
      double acc = Double.NaN;
      boolean last = r == c.rounds() - 1;
      if (!last && c.evalEvery() > 0 && (r + 1) % c.evalEvery() == 0) acc = evaluate(model, weights, c.test()).get("accuracy");
      double cs = compute / 1e9;
      Round rd = new Round(r, loss / Math.max(1, steps), maxPayload, 4L * weights.length, wall, cs, Math.max(0, wall - cs), acc);
      if (ckpt != null) save(c, ckpt, model, weights, states, r + 1, rd);
      out.add(rd);
      if (listener != null) listener.onRound(rd);
    }
    Map<String, Double> ev = evaluate(model, weights, c.test());
    return new Result(weights, out, start, ev.get("loss"), ev.get("accuracy"), bytes, engine.name());
  }

  /** Test loss and accuracy of {@code weights} loaded into {@code model}. */
  public static Map<String, Double> evaluate(Module model, float[] weights, Dataset test) {
    Flat.load(model.parameters(), weights, "weights");
    return ClassificationTask.evaluate(model, test, 1000);
  }

  private static void save(Config c, Path ckpt, Module model, float[] weights, List<WorkerState> states, int round, Round rd) throws IOException {
    Flat.load(model.parameters(), weights, "weights");
    Map<String, Tensor> t = new LinkedHashMap<>();
    for (var e : model.namedParameters().entrySet()) t.put("model." + e.getKey(), e.getValue().value().copy());
    Map<String, String> m = new LinkedHashMap<>();
    m.put("model", c.worker().model());
    m.put("localsgd.config", c.identity());
    for (WorkerState s : states) {
      String p = "localsgd.worker." + s.worker() + ".";
      m.put(p + "epoch", Integer.toString(s.epoch()));
      m.put(p + "position", Integer.toString(s.position()));
      m.put(p + "rng", Long.toString(s.rngState()));
      m.put(p + "codec", Base64.getEncoder().encodeToString(s.codecState()));
    }
    Checkpoint.write(ckpt, new TrainState(round, 0, t, m), Map.of());
    Path csv = c.runDir().resolve("rounds.csv");
    String line = rd.round() + "," + rd.loss() + "," + rd.bytesPerWorker() + "," + rd.broadcastBytes() + "," + rd.wallSeconds() + ","
        + rd.computeSeconds() + "," + rd.commSeconds() + "," + (Double.isNaN(rd.testAccuracy()) ? "" : rd.testAccuracy()) + "\n";
    String old = rd.round() == 0 || !Files.exists(csv) ? "round,loss,bytes_per_worker,broadcast_bytes,wall_s,compute_s,comm_s,test_accuracy\n" : Files.readString(csv);
    AtomicFiles.writeString(csv, old + line);
  }

  private static int restore(TrainState s, Config c, Module model, List<WorkerState> states, String src) {
    String id = s.meta().get("localsgd.config");
    if (!c.identity().equals(id)) {
      throw new BadInputException(src + ": field 'localsgd.config' (" + id + ") was written by another run than this one (" + c.identity() + ")");
    }
    if (s.step() > c.rounds()) throw new BadInputException(src + ": round (" + s.step() + ") is past the run's " + c.rounds() + " rounds");
    model.loadStateDict(s.tensors("model."), src);
    try {
      for (int w = 0; w < c.workers(); w++) {
        String p = "localsgd.worker." + w + ".";
        states.set(w, new WorkerState(w, Integer.parseInt(s.meta().get(p + "epoch")), Integer.parseInt(s.meta().get(p + "position")),
            Long.parseLong(s.meta().get(p + "rng")), Base64.getDecoder().decode(s.meta().get(p + "codec"))));
      }
    } catch (RuntimeException e) {
      throw new BadInputException(src + ": worker state is missing or invalid (" + e.getMessage() + ")", e);
    }
    return (int) s.step();
  }
}
