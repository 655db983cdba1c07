package dev.fivefold.dist;

import dev.fivefold.nn.Module;
import dev.fivefold.nn.Parameter;
import dev.fivefold.optim.Optimizer;
import dev.fivefold.optim.Optimizers;
import dev.fivefold.perception.Models;
import java.util.List;

/**
 * One copy of the model with its optimizer: SGD (momentum m, or plain when the compressor carries
 * the momentum itself), θ ← θ + chain(ĝ), at the run's scheduled rate for its step count. Every worker holds one; they start equal (same spec and
 * seed) and stay equal, since each applies the same aggregated gradient with the same operations.
 * The simulator of synchronous SGD keeps one for all workers; local SGD one per worker.
 */
public final class Replica {
  private final Module model;
  private final Optimizer optimizer;
  private final List<Parameter> params;
  private final Simulator.Config schedule; // null: the optimizer's rate stays as built
  private final boolean byRate; // the updates come weighted by η_t/η_0: the optimizer stays at η_0
  private long steps;

  /**
   * A model built from {@code modelSpec} and {@code seed}, with SGD (no Nesterov, no weight decay).
   *
   * @param modelSpec a {@link Models} spec string ("mlp", "lenet5", ...)
   * @param seed the weights' seed (the same on every worker)
   * @param lr learning rate &gt; 0
   * @param momentum in [0, 1)
   */
  public Replica(String modelSpec, long seed, double lr, double momentum) {
    this.model = Models.create(modelSpec, seed);
    this.params = model.parameters();
    this.optimizer = Optimizers.sgd(params, lr, momentum, false, 0);
    this.schedule = null;
    this.byRate = false;
  }

  /**
   * The replica of run {@code cfg}: its model and seed, SGD with momentum {@code momentum}, and its
   * learning-rate schedule ({@link Simulator.Config#lrAt}) applied at every {@link #apply}.
   *
   * @param cfg the run
   * @param momentum in [0, 1) (0 when the compressor carries the momentum)
   */
  public Replica(Simulator.Config cfg, double momentum) {
    this(cfg, momentum, false);
  }

  /**
   * The replica of run {@code cfg} (its momentum Nesterov's if the config says so), its rate either following the schedule or, with {@code byRate}
   * (a compressor that {@linkplain dev.fivefold.compress.grad.GradientCompressor#weightsByRate() weights
   * by rate} has already applied η_t/η_0), staying at the base rate η_0.
   *
   * @param cfg the run
   * @param momentum in [0, 1) (0 when the compressor carries the momentum)
   * @param byRate whether the updates it applies are already weighted by η_t/η_0
   */
  public Replica(Simulator.Config cfg, double momentum, boolean byRate) {
    this.model = Models.create(cfg.model(), cfg.seed());
    this.params = model.parameters();
    this.optimizer = Optimizers.sgd(params, cfg.lrAt(0), momentum, momentum > 0 && cfg.nesterov(), 0);
    this.schedule = cfg;
    this.byRate = byRate;
  }

  /**
   * η_t/η_0 at this replica's step for a replica built {@code byRate}, else 1: the weight its
   * workers' compressors give the next gradient.
   *
   * @return the rate weight, &ge; 0
   */
  public double rateScale() {
    return byRate ? schedule.lrAt(steps) / schedule.lrAt(0) : 1; // only the schedule's constructor sets byRate
  }

  /**
   * Optimizer steps this replica has taken (or was {@link #seek}ed to): the schedule's position.
   *
   * @return the count, &ge; 0
   */
  public long steps() {
    return steps;
  }

  /**
   * Sets the step count, as a resumed run restores it.
   *
   * @param t the optimizer steps taken, &ge; 0
   * @throws IllegalArgumentException if {@code t < 0}
   */
  public void seek(long t) {
    if (t < 0) throw new IllegalArgumentException("steps (" + t + ") must be >= 0");
    steps = t;
  }

  /**
   * The model copy.
   *
   * @return the live model
   */
  public Module model() {
    return model;
  }

  /**
   * The SGD optimizer over the model's parameters.
   *
   * @return the optimizer (its state is saved with checkpoints)
   */
  public Optimizer optimizer() {
    return optimizer;
  }

  /**
   * One optimizer step with {@code update} as the gradient (copied into the parameters' gradients).
   *
   * @param update one array per parameter tensor, in {@code parameters()} order
   * @throws IllegalArgumentException if the tensor count or a tensor's length differs from the model's
   */
  public void apply(float[][] update) {
    if (update.length != params.size()) throw new IllegalArgumentException("update has " + update.length + " tensors, the model " + params.size());
    for (int i = 0; i < update.length; i++) {
      float[] g = params.get(i).grad();
      if (update[i].length != g.length) throw new IllegalArgumentException("update tensor " + i + " has " + update[i].length + " values, the model " + g.length);
      System.arraycopy(update[i], 0, g, 0, g.length);
    }
    if (schedule != null) optimizer.learningRate().set(schedule.lrAt(byRate ? 0 : steps));
    optimizer.step();
    steps++;
  }

  /**
   * Copies of the parameter values, in order.
   *
   * @return one array per parameter tensor
   */
  public float[][] weights() {
    float[][] w = new float[params.size()][];
    for (int i = 0; i < w.length; i++) w[i] = params.get(i).value().data().clone();
    return w;
  }

  /**
   * Overwrites the parameter values with {@code w}.
   *
   * @param w one array per parameter tensor, in order, each at most the tensor's length
   */
  public void setWeights(float[][] w) {
    for (int i = 0; i < w.length; i++) System.arraycopy(w[i], 0, params.get(i).value().data(), 0, w[i].length);
  }
}
