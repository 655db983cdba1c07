package dev.fivefold.compress;

import dev.fivefold.nn.Module;
import dev.fivefold.tensor.Tensor;
import java.util.Map;

/**
 * The lottery-ticket experiment (Frankle &amp; Carbin, ICLR 2019, §2; rewinding to an early step:
 * Frankle et al., "Stabilizing the Lottery Ticket Hypothesis", 2019): iterative magnitude
 * pruning (IMP) with rewinding.
 *
 * <pre>
 *   θ_0 ← snapshot (at init, or {@link #snapshot()} again after k steps for late rewinding)
 *   m ← 1
 *   repeat rounds: train(m) ; prune p of the remaining weights by |θ| (masked) ;
 *                  θ ← θ_0 (every parameter, biases included) ; θ ← θ ⊙ m
 * </pre>
 *
 * After round r the sparsity is 1 − (1 − p)^r. The caller's {@code train} must keep the masks
 * ({@link Masks#step}, {@link Masks#observer()} ...).
 */
public final class LotteryTicket {
  /** Trains the model under the given masks (pruned weights must stay 0). */
  @FunctionalInterface
  public interface Training {
    /**
     * Trains under the masks.
     *
     * @param masks the current masks, to be held during training
     */
    void train(Masks masks);
  }

  private final Module model;
  private final Pruner pruner;
  private final Masks masks;
  private final double rate;
  private Map<String, Tensor> rewind;
  private int rounds;

  /**
   * Snapshots the model's initial weights as the rewind point and starts with all-ones masks.
   *
   * @param model the model; its weights of rank &ge; 2 are pruned and all its parameters rewound
   * @param rate p, the fraction of the remaining weights pruned per round, in (0, 1)
   * @param scope per layer (Frankle &amp; Carbin's fully connected nets) or global (their conv nets)
   * @throws IllegalArgumentException if {@code rate} is outside (0, 1) or the model has no weights to prune
   */
  public LotteryTicket(Module model, double rate, Pruner.Scope scope) {
    if (!(rate > 0 && rate < 1)) throw new IllegalArgumentException("rate (" + rate + ") must be in (0, 1)");
    this.model = model;
    this.rate = rate;
    this.pruner = new Pruner(Pruner.weights(model), scope);
    this.masks = pruner.prepare();
    this.rewind = model.stateDict();
  }

  /** Takes the rewind point now (call after k early training steps for late rewinding). */
  public void snapshot() {
    rewind = model.stateDict();
  }

  /**
   * The rewind point's weights.
   *
   * @return the state dict held as the rewind point
   */
  public Map<String, Tensor> rewindPoint() {
    return rewind;
  }

  /**
   * Runs one IMP round: train, prune, rewind. Returns the masks (the ticket).
   *
   * @param training trains the model under the masks
   * @return the masks after the round, shared and updated in place
   */
  public Masks round(Training training) {
    training.train(masks);
    rounds++;
    pruner.step(sparsityAfter(rounds));
    model.loadStateDict(rewind, "lottery-ticket rewind point");
    masks.apply();
    return masks;
  }

  /**
   * 1 − (1 − p)^r.
   *
   * @param r the round count, &ge; 0
   * @return the sparsity after {@code r} rounds, in [0, 1)
   */
  public double sparsityAfter(int r) {
    return 1 - Math.pow(1 - rate, r);
  }

  /**
   * The number of rounds run.
   *
   * @return the rounds run
   */
  public int rounds() {
    return rounds;
  }

  /**
   * The current masks, updated by each round.
   *
   * @return the masks
   */
  public Masks masks() {
    return masks;
  }

  /**
   * The paper's control: the same masks on a fresh random initialisation. Every parameter of the
   * model (biases included) takes {@code init}'s values, then the masks zero the pruned weights.
   *
   * @param init a full state dict of the model from another initialisation (another seed)
   * @throws dev.fivefold.io.BadInputException if {@code init} lacks a parameter or has a wrong shape
   */
  public void randomReinit(Map<String, Tensor> init) {
    model.loadStateDict(init, "random re-initialisation");
    masks.apply();
  }
}
