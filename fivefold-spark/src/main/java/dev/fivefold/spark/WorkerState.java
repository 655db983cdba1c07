package dev.fivefold.spark;

import java.io.Serial;
import java.io.Serializable;

/**
 * What a worker carries from one round to the next, kept by the driver and sent with each task:
 * its batch position ({@code Batches.State}: epoch, position in it, shuffle generator state) and
 * the {@link DeltaCodec}'s own state (an error-feedback residual; empty for a stateless codec).
 * Keeping it on the driver makes a task a pure function of its inputs, so a re-run task returns the
 * same result; the price is that a stateful codec's state travels both ways every round.
 *
 * @param epoch batch epoch, -1 before the first batch (the worker starts fresh)
 */
public record WorkerState(int worker, int epoch, int position, long rngState, byte[] codecState) implements Serializable {
  @Serial private static final long serialVersionUID = 1L;

  public WorkerState {
    if (worker < 0) throw new IllegalArgumentException("worker (" + worker + ") must be >= 0");
    if (codecState == null) codecState = new byte[0];
  }

  /** A worker before its first round. */
  public static WorkerState fresh(int worker) {
    return new WorkerState(worker, -1, 0, 0, new byte[0]);
  }

  public boolean isFresh() {
    return epoch < 0;
  }
}
