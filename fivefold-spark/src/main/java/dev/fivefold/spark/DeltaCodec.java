package dev.fivefold.spark;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * How a worker's weight delta becomes the bytes it sends, and back: the seam where gradient
 * compressors (1-bit with error feedback, top-k/DGC, QSGD, PowerSGD) plug into the Spark rounds.
 *
 * <p>Contract: {@code decode(encode(d, s).payload(), d.length)} is what the driver adds for this
 * worker; a lossy codec keeps what it did not send in its state (error feedback: sent + residual =
 * accumulated delta), which the driver carries to the worker's next round ({@link WorkerState}).
 * Implementations are deterministic functions of their arguments (no clock, no unseeded random),
 * so a task Spark re-runs gives the same bytes. They must be {@link Serializable}: the codec travels
 * with every task.
 */
public interface DeltaCodec extends Serializable {
  /** A payload and the codec state after coding it. */
  record Encoded(byte[] payload, byte[] state) {}

  /** Codes {@code delta}; {@code state} is this worker's codec state from its last round (empty at first). */
  Encoded encode(float[] delta, byte[] state);

  /** The delta a payload stands for, {@code length} floats. */
  float[] decode(byte[] payload, int length);

  /** A short name for reports. */
  String name();

  /** No compression: 4 bytes per float, little-endian IEEE 754; stateless; decode is exact. */
  static DeltaCodec dense() {
    return new Dense();
  }

  /** The dense codec (a record: copies compare equal). */
  record Dense() implements DeltaCodec {

    @Override
    public Encoded encode(float[] delta, byte[] state) {
      ByteBuffer b = ByteBuffer.allocate(4 * delta.length).order(ByteOrder.LITTLE_ENDIAN);
      b.asFloatBuffer().put(delta);
      return new Encoded(b.array(), new byte[0]);
    }

    @Override
    public float[] decode(byte[] payload, int length) {
      if (payload.length != 4L * length) throw new IllegalArgumentException("dense payload (" + payload.length + " bytes) must hold " + length + " floats");
      float[] out = new float[length];
      ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
      return out;
    }

    @Override
    public String name() {
      return "dense";
    }
  }
}
