package dev.fivefold.spark;

import dev.fivefold.nn.Module;
import dev.fivefold.nn.Parameter;
import dev.fivefold.optim.Optimizer;
import dev.fivefold.optim.Optimizers;
import dev.fivefold.perception.Models;
import dev.fivefold.tensor.Rng;
import dev.fivefold.train.ClassificationTask;
import dev.fivefold.train.TrainConfig;
import dev.fivefold.train.Trainer;
import java.io.Serial;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One worker's round of local SGD, the same code on every engine: build the model from its spec,
 * load the global weights, restore the worker's batch position, run {@code localSteps} steps of
 * the fivefold {@link Trainer} on the worker's shard, and code the weight delta
 * {@code w_local − w_global} with the {@link DeltaCodec}.
 *
 * <p>Seeds: worker {@code w}'s batch order is shuffled by {@code new Rng(workerSeed(seed, w))}
 * and continues across rounds (its {@link WorkerState}); the model built to receive the weights
 * (dropout masks, if any) is seeded by {@code (seed, w, round)}. The local optimizer starts fresh
 * every round (for momentum or Adam: local SGD with the optimizer state restarted at each average,
 * as Lin et al. 2020 "Don't use large mini-batches, use local SGD" do for their post-local phase).
 */
public final class LocalWorker {
  private LocalWorker() {}

  /**
   * What every worker runs, the same for all of them.
   *
   * @param model model spec ({@link Models#create})
   * @param optimizer local optimizer name ({@link Optimizers#byName})
   * @param lr local learning rate
   * @param batch local mini-batch size
   * @param localSteps H, steps between averages
   * @param seed the run's seed
   * @param codec how deltas are coded
   */
  public record Spec(String model, String optimizer, double lr, int batch, int localSteps, long seed, DeltaCodec codec) implements Serializable {
    @Serial private static final long serialVersionUID = 1L;

    public Spec {
      Models.parse(model); // names the spec if it is bad
      if (!Optimizers.NAMES.contains(optimizer)) throw new IllegalArgumentException("optimizer (" + optimizer + ") must be one of " + String.join(", ", Optimizers.NAMES));
      if (!(lr > 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("learning rate (" + lr + ") must be > 0");
      if (batch < 1) throw new IllegalArgumentException("batch (" + batch + ") must be >= 1");
      if (localSteps < 1) throw new IllegalArgumentException("local steps (" + localSteps + ") must be >= 1");
      if (codec == null) throw new IllegalArgumentException("codec must be given");
    }
  }

  /** The seed of worker {@code w}'s batch order. */
  public static long workerSeed(long seed, int worker) {
    return new Rng(seed ^ (0x9E3779B97F4A7C15L * (worker + 1))).nextLong();
  }

  /** Runs one worker's round (see the class comment). {@code weights} is not modified. */
  public static WorkerResult run(Spec spec, Shard shard, float[] weights, WorkerState state, int round) {
    long t0 = System.nanoTime();
    int w = shard.worker();
    Module model = Models.create(spec.model(), new Rng(workerSeed(spec.seed(), w) + 31L * round).nextLong());
    List<Parameter> ps = model.parameters();
    Flat.load(ps, weights, "global weights");
    ClassificationTask task = new ClassificationTask(model, shard.dataset(), shard.dataset(), spec.batch(), workerSeed(spec.seed(), w));
    if (!state.isFresh()) {
      Map<String, String> pos = new LinkedHashMap<>();
      pos.put("batches.epoch", Integer.toString(state.epoch()));
      pos.put("batches.position", Integer.toString(state.position()));
      pos.put("batches.rng", Long.toString(state.rngState()));
      task.loadState(pos, "worker " + w + " state");
    }
    Optimizer opt = Optimizers.byName(spec.optimizer(), ps, spec.lr());
    Trainer trainer = new Trainer(task, opt, new TrainConfig(1, spec.localSteps(), 0, 0));
    double lossSum = 0;
    for (int s = 0; s < spec.localSteps(); s++) lossSum += trainer.trainStep();
    float[] delta = Flat.of(ps);
    for (int i = 0; i < delta.length; i++) delta[i] -= weights[i];
    DeltaCodec.Encoded e = spec.codec().encode(delta, state.codecState());
    Map<String, String> pos = task.saveState();
    WorkerState next = new WorkerState(w, Integer.parseInt(pos.get("batches.epoch")), Integer.parseInt(pos.get("batches.position")),
        Long.parseLong(pos.get("batches.rng")), e.state());
    return new WorkerResult(w, e.payload(), next, lossSum, spec.localSteps(), System.nanoTime() - t0);
  }
}
