package dev.fivefold.compress.grad;

import java.util.List;

/**
 * A gradient compressor for data-parallel training: each worker turns its gradient (one
 * {@code float[]} per parameter tensor, shaped by a {@link Layout}) and its own
 * {@link WorkerState} (error-feedback residual, momentum, warm start, random stream) into a byte
 * payload; the payloads of all workers are aggregated into the mean gradient estimate that every
 * worker applies.
 *
 * <p>The protocol of one step, over {@link #rounds()} exchanges (1 for every scheme but PowerSGD,
 * which all-reduces P and then Q):
 * <pre>
 *   m = null
 *   for r in 0 .. rounds−1:
 *     payload_w = compress(r, g_w, m, state_w)         on every worker w (g_w used in round 0)
 *     m = aggregate(r, [payload_0 .. payload_{N−1}])   the mean of decode(r, payload_w), in worker order
 *   ĝ = finish(m, state_w)                             the same on every worker
 * </pre>
 * The aggregate is a deterministic function of the ordered payloads (a sum in worker order, then
 * one division by N), so every replica that sees the same payloads applies the same bits.
 *
 * <p>Error feedback (Seide et al. 2014; Karimireddy et al. 2019): a compressor with a residual
 * {@code e} sends {@code C(g + e)} and keeps {@code e ← g + e − C(g + e)}, so what it sends plus
 * what it keeps is the accumulated gradient, to float rounding. Payload bytes are the real bytes:
 * {@code payload.length} is what a worker puts on the wire.
 *
 * <p>Implementations are immutable and thread-safe; all mutable state is in the {@link WorkerState}s.
 * Inputs with the wrong number or length of tensors throw {@link IllegalArgumentException} naming
 * the tensor; a corrupt payload throws {@link dev.fivefold.io.BadInputException}.
 */
public interface GradientCompressor {
  /**
   * A short name for tables, e.g. {@code "topk(0.001)"}.
   *
   * @return the name
   */
  String name();

  /**
   * Exchanges per step (1; PowerSGD 2).
   *
   * @return the number of rounds, &ge; 1
   */
  default int rounds() {
    return 1;
  }

  /**
   * Whether the payloads can be summed in transit (dense, PowerSGD's P and Q): then a ring
   * all-reduce carries them; otherwise each worker must receive every other's (an all-gather).
   *
   * @return true when payloads can be summed in transit
   */
  default boolean summable() {
    return false;
  }

  /**
   * Whether the compressor applies momentum itself (DGC's momentum correction): the update after
   * it is then plain SGD, without a second momentum.
   *
   * @return true when the compressor applies momentum
   */
  default boolean correctsMomentum() {
    return false;
  }

  /**
   * Whether the momentum the compressor applies ({@link #correctsMomentum()}) is Nesterov's rather
   * than heavy-ball, so a run with Nesterov momentum may use it.
   *
   * @return true when the compressor corrects Nesterov momentum
   */
  default boolean correctsNesterov() {
    return false;
  }

  /**
   * Whether the compressor's residual holds rate-weighted steps rather than gradients: the engine
   * then sets {@link WorkerState#rateScale(double)} to η_t/η_0 before each step's round 0 and applies the
   * aggregate at the base rate η_0, so a value sent k steps after it was computed is applied at the
   * rate of the step that computed it, not at the (smaller, with a decaying schedule) rate of the
   * step that sends it. With a constant rate nothing changes. This is error feedback in units of
   * parameter change, as in the analyses of Stich, Cordonnier &amp; Jaggi (NeurIPS 2018) and
   * Karimireddy et al. (ICML 2019); DGC as published accumulates gradients.
   *
   * @return true when the residual is kept in rate-weighted steps
   */
  default boolean weightsByRate() {
    return false;
  }

  /**
   * A fresh state for worker {@code worker} of a run seeded {@code seed}: its random stream is
   * drawn from both; a state every worker must share (PowerSGD's initial Q) from {@code seed} alone.
   *
   * @param layout the parameter tensors' shapes
   * @param seed the run's seed
   * @param worker the worker's index, &ge; 0
   * @return the new state
   */
  WorkerState init(Layout layout, long seed, int worker);

  /**
   * {@link #init(Layout, long, int)} for worker {@code worker} of {@code workers}: a compressor
   * whose workers take turns (a leader per step) needs the count; the others ignore it.
   *
   * @param layout the parameter tensors' shapes
   * @param seed the run's seed
   * @param worker the worker's index, in [0, workers)
   * @param workers the number of workers N, &ge; 1
   * @return the new state
   */
  default WorkerState init(Layout layout, long seed, int worker, int workers) {
    return init(layout, seed, worker);
  }

  /**
   * Round {@code round} of a step on one worker: the bytes it sends. Round 0 reads
   * {@code gradient} (not modified) and {@code previous} is null; later rounds read the previous
   * round's aggregate.
   *
   * @param round the round, in [0, rounds)
   * @param gradient the worker's gradient, one array per tensor (round 0)
   * @param previous the previous round's aggregate, or null in round 0
   * @param state the worker's state, updated
   * @return the payload
   */
  byte[] compress(int round, float[][] gradient, float[][] previous, WorkerState state);

  /**
   * One payload of round {@code round} as its dense contribution (what the aggregate averages).
   *
   * @param round the round, in [0, rounds)
   * @param payload one worker's payload
   * @param layout the parameter tensors' shapes
   * @return a new dense array per tensor
   * @throws dev.fivefold.io.BadInputException if the payload is corrupt
   */
  float[][] decode(int round, byte[] payload, Layout layout);

  /**
   * The mean of the decoded payloads, summed in list order, then divided by their count.
   *
   * @param round the round, in [0, rounds)
   * @param payloads one payload per worker, in worker order
   * @param layout the parameter tensors' shapes
   * @return the mean, one array per tensor
   * @throws IllegalArgumentException if the list is null or empty or the payloads disagree on the shapes
   */
  default float[][] aggregate(int round, List<byte[]> payloads, Layout layout) {
    if (payloads == null || payloads.isEmpty()) throw new IllegalArgumentException("payloads (" + (payloads == null ? "null" : "none") + ") must hold one per worker");
    float[][] sum = null;
    for (byte[] p : payloads) {
      float[][] d = decode(round, p, layout);
      if (sum == null) {
        sum = d;
        continue;
      }
      if (d.length != sum.length) throw new IllegalArgumentException("payloads have " + d.length + " and " + sum.length + " tensors: mismatched shapes between workers");
      for (int i = 0; i < d.length; i++) {
        if (d[i].length != sum[i].length) {
          throw new IllegalArgumentException("payloads disagree on tensor " + i + " (" + d[i].length + " vs " + sum[i].length + " values): mismatched shapes between workers");
        }
        float[] s = sum[i], x = d[i];
        for (int j = 0; j < s.length; j++) s[j] += x[j];
      }
    }
    float n = payloads.size();
    if (n > 1) for (float[] s : sum) for (int j = 0; j < s.length; j++) s[j] /= n;
    return sum;
  }

  /**
   * The aggregate of round {@code round} when it depends on the previous round's: a round-1
   * payload that carries values only, for the indices round 0 agreed on, is read against that
   * round's aggregate. The engines call this form; by default it is {@link #aggregate(int, List, Layout)}.
   *
   * @param round the round, in [0, rounds)
   * @param payloads one payload per worker, in worker order
   * @param previous the previous round's aggregate, or null in round 0
   * @param layout the parameter tensors' shapes
   * @return the mean, one array per tensor
   */
  default float[][] aggregate(int round, List<byte[]> payloads, float[][] previous, Layout layout) {
    return aggregate(round, payloads, layout);
  }

  /**
   * The gradient estimate every worker applies, from the last round's aggregate (the aggregate
   * itself for a one-round scheme; P̂·Qᵀ for PowerSGD, which also keeps Q for its warm start).
   *
   * @param aggregate the last round's aggregate
   * @param state the worker's state
   * @return the gradient estimate, one array per tensor
   */
  default float[][] finish(float[][] aggregate, WorkerState state) {
    return aggregate;
  }
}
