package dev.fivefold.spark;

import java.io.Serial;
import java.io.Serializable;

/**
 * One worker's answer for one local-SGD round ({@link LocalWorker#run}).
 *
 * @param worker the worker's rank w
 * @param payload its compressed model delta, round 0 of the compressor's exchange (its length is the bytes on the wire)
 * @param state its state after the round, {@code dist.Node#saveState()}: optimizer state, batch position, compressor state
 * @param lossSum the sum of the training losses of its H local steps, nats
 * @param computeNanos wall time of the task's work: rebuilding the worker, the H steps, the compression, saving the state
 */
public record WorkerResult(int worker, byte[] payload, byte[] state, double lossSum, long computeNanos) implements Serializable {
  @Serial private static final long serialVersionUID = 2L;
}
