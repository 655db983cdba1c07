package dev.fivefold.spark;

import dev.fivefold.dist.Node;
import dev.fivefold.dist.Simulator;

/**
 * One worker's local-SGD round, the same code on every engine, and the simulator's: the task
 * rebuilds worker w as a {@code dist.Node} (its shard, its {@code Worker} and {@code Replica} from
 * the run's seed), sets θ from the driver's weights, restores the state the worker returned last
 * round ({@link Node#loadState}: the optimizer state, which the simulator keeps across rounds, the
 * batch position and the compressor's error-feedback residual), runs {@link Node#localSteps()} — the
 * H steps and the compressed delta of {@code Simulator}'s local SGD, the same method — and returns the
 * payload with its new state ({@link Node#saveState()}).
 *
 * <p>A round is a pure function of its arguments, so a task Spark re-runs after a lost executor
 * returns the same bytes.
 */
public final class LocalWorker {
  private LocalWorker() {}

  /**
   * Runs worker {@code shard.worker()}'s round (see the class comment).
   *
   * @param cfg the run (the same on every worker; H &gt; 1)
   * @param shard the worker's samples, {@code train.subset(Shards.deal(...)[w])}
   * @param global θ, one array per parameter tensor (not modified)
   * @param state what the worker returned last round; empty before its first
   * @return the payload, the new state, the loss sum and the compute time
   */
  public static WorkerResult run(Simulator.Config cfg, Shard shard, float[][] global, byte[] state) {
    long t0 = System.nanoTime();
    int w = shard.worker();
    Node node = new Node(cfg, shard.dataset(), w);
    node.setGlobal(global);
    if (state.length > 0) node.loadState(state, "worker " + w + "'s state");
    Node.Local l = node.localSteps();
    byte[] next = node.saveState();
    return new WorkerResult(w, l.payload(), next, l.lossSum(), System.nanoTime() - t0);
  }
}
