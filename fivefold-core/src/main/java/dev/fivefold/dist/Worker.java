package dev.fivefold.dist;

import dev.fivefold.autodiff.Tape;
import dev.fivefold.autodiff.Var;
import dev.fivefold.compress.grad.GradientCompressor;
import dev.fivefold.compress.grad.Layout;
import dev.fivefold.compress.grad.WorkerState;
import dev.fivefold.nn.Module;
import dev.fivefold.nn.Parameter;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * One data-parallel worker, independent of the engine that runs it (the in-process
 * {@link Simulator}, or a Spark task): its shard of the training set, its seeded batches
 * ({@link Minibatches}: image samples, or token windows of a text), its compressor state. What it
 * needs: its batches ({@link TrainingData#minibatches}, or for images its shard
 * {@code train.subset(Shards.of(n, N, seed, w))} and the batch size), the accumulation count, the compressor ({@code Compressors.parse(spec)}), the
 * model's {@link Layout}, the run's seed and its index w. What it returns: payload bytes.
 *
 * <p>A synchronous step on worker w, with every worker's model replica equal:
 * <pre>
 *   Sent s = worker.compute(replica.model(), replica.rateScale()); // loss and round-0 payload of the next batch(es)
 *   ... exchange: m = compressor.aggregate(0, payloads of all workers in order) ...
 *   for r in 1 .. rounds−1:  payload = worker.next(r, m); m = aggregate(r, ...)
 *   replica.apply(worker.receive(m));                       // every replica applies the same ĝ
 * </pre>
 * With accumulation K the gradient is the mean of K micro-batches' gradients (backward adds into
 * the gradient buffers; one division by K), the same, to float rounding, as one batch of K·b.
 * Local SGD compresses a model delta instead: {@link #send(float[][])}.
 */
public final class Worker {
  /**
   * What a worker sends in round 0: the payload, the mean loss of its batches, and the compute time.
   *
   * @param payload the compressed round-0 payload
   * @param loss the mean training loss of the step's micro-batches, nats
   * @param computeNanos wall time of the forward, backward and compression, nanoseconds
   */
  public record Sent(byte[] payload, double loss, long computeNanos) {}

  private final int index;
  private final Minibatches batches;
  private final int accumulation;
  private final GradientCompressor compressor;
  private final Layout layout;
  private final WorkerState state;
  private final Tape tape = Tape.training().freeGradients(true);
  private final float[][] gradient;

  /**
   * A worker drawing its batches from {@code batches} (images or token windows of its shard: {@link TrainingData#minibatches}).
   *
   * @param batches this worker's batches
   * @param accumulation micro-batches per step, &ge; 1
   * @param compressor the run's gradient compressor (shared; the per-worker state is kept here)
   * @param layout the model's parameter layout, in {@code namedParameters()} order
   * @param seed the run's seed (the compressor's streams are derived from it and the index)
   * @param index this worker's index w, in [0, workers)
   * @param workers the number of workers N
   */
  public Worker(Minibatches batches, int accumulation, GradientCompressor compressor, Layout layout, long seed, int index, int workers) {
    if (accumulation < 1) throw new IllegalArgumentException("accumulation (" + accumulation + ") must be >= 1");
    this.index = index;
    this.batches = batches;
    this.accumulation = accumulation;
    this.compressor = compressor;
    this.layout = layout;
    this.state = compressor.init(layout, seed, index, workers);
    this.gradient = layout.zeros();
  }

  /**
   * The seed of worker {@code w}'s batch order in a run seeded {@code seed}.
   *
   * @param seed the run's seed
   * @param w the worker's index
   * @return {@code new Rng(seed ^ (0x9E3779B97F4A7C15 · (w + 1))).nextLong()}
   */
  public static long batchSeed(long seed, int w) {
    return new Rng(seed ^ (0x9E3779B97F4A7C15L * (w + 1))).nextLong();
  }

  /**
   * This worker's index w.
   *
   * @return w, &ge; 0
   */
  public int index() {
    return index;
  }

  /**
   * The compressor's state for this worker (error feedback, momentum, warm starts).
   *
   * @return the live state, not a copy
   */
  public WorkerState state() {
    return state;
  }

  /**
   * This worker's batch stream over its shard.
   *
   * @return the live stream, not a copy
   */
  public Minibatches batches() {
    return batches;
  }

  /**
   * The mean loss of the next {@code accumulation} micro-batches on {@code model}, their mean
   * gradient left in {@link #gradient()}; the model's gradient buffers are zero before and after.
   *
   * @throws IllegalArgumentException if the model's parameters do not match the layout (mismatched shapes)
   * @param model the replica to differentiate, with parameters matching the layout
   * @return the mean cross-entropy of the micro-batches, nats
   */
  public double gradient(Module model) {
    List<Parameter> ps = model.parameters();
    if (ps.size() != layout.tensors()) {
      throw new IllegalArgumentException("worker " + index + ": model has " + ps.size() + " parameter tensors, the layout " + layout.tensors());
    }
    model.zeroGrad();
    double loss = 0;
    for (int k = 0; k < accumulation; k++) {
      tape.reset();
      Var l = batches.nextLoss(model, tape);
      loss += l.item();
      tape.backward(l);
    }
    float inv = 1f / accumulation;
    for (int i = 0; i < ps.size(); i++) {
      float[] g = ps.get(i).grad();
      if (g.length != gradient[i].length) throw new IllegalArgumentException("worker " + index + ": tensor " + layout.names().get(i) + " has " + g.length + " values, the layout " + gradient[i].length);
      if (accumulation == 1) System.arraycopy(g, 0, gradient[i], 0, g.length);
      else for (int j = 0; j < g.length; j++) gradient[i][j] = g[j] * inv;
    }
    model.zeroGrad();
    return loss / accumulation;
  }

  /**
   * The gradient of the last {@link #gradient(Module)} (owned by the worker; overwritten by the next).
   *
   * @return one array per parameter tensor, in layout order
   */
  public float[][] gradient() {
    return gradient;
  }

  /**
   * A synchronous step's round 0: the gradient of the next batch(es) on {@code model}, compressed
   * at rate weight {@code rateScale} (η_t/η_0, used by compressors that
   * {@linkplain dev.fivefold.compress.grad.GradientCompressor#weightsByRate() weight by rate}, 1
   * otherwise; {@link Replica#rateScale()} gives it).
   *
   * @param model the replica to differentiate
   * @param rateScale η_t/η_0, finite and &ge; 0
   * @return the payload, the mean loss and the compute time
   */
  public Sent compute(Module model, double rateScale) {
    long t0 = System.nanoTime();
    double loss = gradient(model);
    state.rateScale(rateScale);
    byte[] p = compressor.compress(0, gradient, null, state);
    return new Sent(p, loss, System.nanoTime() - t0);
  }

  /**
   * Round 0 for an arbitrary input (local SGD: the model delta θ_w − θ).
   *
   * @param input one array per parameter tensor, in layout order
   * @return the round-0 payload
   */
  public byte[] send(float[][] input) {
    return compressor.compress(0, input, null, state);
  }

  /**
   * Round {@code round} ≥ 1, from the previous round's aggregate.
   *
   * @param round the round, in [1, rounds)
   * @param previous the aggregate of round {@code round − 1}
   * @return this worker's payload for {@code round}
   */
  public byte[] next(int round, float[][] previous) {
    return compressor.compress(round, null, previous, state);
  }

  /**
   * The gradient estimate to apply, from the last round's aggregate.
   *
   * @param aggregate the aggregate of the last round
   * @return ĝ, one array per parameter tensor (the same on every worker)
   */
  public float[][] receive(float[][] aggregate) {
    return compressor.finish(aggregate, state);
  }

  /**
   * Saves the batch position and the compressor state under {@code prefix}.
   *
   * @param prefix the key prefix, e.g. {@code "worker.0."}
   * @param tensors receives the compressor state's tensors
   * @param meta receives the batch position ({@code epoch,position,rngState}) and the compressor state's fields
   */
  public void save(String prefix, Map<String, Tensor> tensors, Map<String, String> meta) {
    meta.put(prefix + "batches", batches.position());
    state.save(prefix + "compressor.", tensors, meta);
  }

  /**
   * Restores what {@link #save} wrote.
   *
   * @param prefix the key prefix used when saving
   * @param tensors the saved tensors
   * @param meta the saved fields
   * @param source names the checkpoint in error messages
   * @throws dev.fivefold.io.BadInputException if the batch position or compressor state is missing or invalid
   */
  public void load(String prefix, Map<String, Tensor> tensors, Map<String, String> meta, String source) {
    try {
      batches.restore(meta.get(prefix + "batches"));
    } catch (RuntimeException e) {
      throw new dev.fivefold.io.BadInputException(source + ": worker " + index + "'s batch position is missing or invalid");
    }
    state.load(prefix + "compressor.", tensors, meta, source);
  }
}
