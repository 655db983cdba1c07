package dev.fivefold.dist;

import java.util.List;

/**
 * How the N workers of a run exchange what they send, seen from one of them (rank r of N): the two
 * collectives a {@link Node} needs. An engine implements it (fivefold-spark: a TCP ring between
 * the tasks of a barrier stage); the {@link Simulator} needs none, since it holds every payload.
 *
 * <p>Both are defined by their result, not their route, so that every engine gives the simulator's
 * bits: {@link #allGather} returns the payloads in rank order, and {@link #sumInOrder} the sum
 * {@code ((x_0 + x_1) + x_2) + …} in rank order — the order {@code GradientCompressor.aggregate}
 * adds in — not the rotated orders of a textbook ring all-reduce.
 */
public interface Collective {
  /**
   * This worker's index r, in [0, N).
   *
   * @return r, in [0, N)
   */
  int rank();

  /**
   * The number of workers N.
   *
   * @return N, &ge; 1
   */
  int size();

  /**
   * Every worker's bytes, in rank order (index {@link #rank()} is {@code mine}); on every worker.
   *
   * @param mine this worker's payload
   * @return the N payloads, in rank order
   */
  List<byte[]> allGather(byte[] mine);

  /**
   * The element-wise sum of every worker's array, added in rank order ({@code x_0 + x_1}, then
   * {@code + x_2}, …), on every worker.
   *
   * @throws IllegalArgumentException if the workers' arrays differ in length (mismatched shapes between workers)
   * @param mine this worker's array
   * @return the sum, of the same length, identical on every worker
   */
  float[] sumInOrder(float[] mine);

  /**
   * Bytes this worker has put on the wire so far (framing included).
   *
   * @return the bytes sent, &ge; 0
   */
  long wireBytes();
}
