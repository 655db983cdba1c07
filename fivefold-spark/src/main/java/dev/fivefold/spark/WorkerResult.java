package dev.fivefold.spark;

import java.io.Serial;
import java.io.Serializable;

/**
 * One worker's answer for one round.
 *
 * @param payload the coded weight delta (what the worker sends; its length is the bytes on the wire)
 * @param state the worker's state after the round (batch position, codec state)
 * @param lossSum sum of the training losses of its local steps (nats)
 * @param steps local steps run
 * @param computeNanos wall time of the local steps and the coding, inside the task
 */
public record WorkerResult(int worker, byte[] payload, WorkerState state, double lossSum, int steps, long computeNanos) implements Serializable {
  @Serial private static final long serialVersionUID = 1L;
}
