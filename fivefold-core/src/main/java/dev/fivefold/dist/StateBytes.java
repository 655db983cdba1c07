package dev.fivefold.dist;

import dev.fivefold.io.BadInputException;
import dev.fivefold.tensor.Tensor;
import dev.fivefold.train.TrainState;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@link TrainState}'s tensors and fields as one byte array, for a state that travels rather than
 * lands in a file: one worker's slice of {@link Simulator#state()} ({@link Node#saveState()}), sent
 * with a Spark task and returned with its result. The keys and values are the checkpoint's; only
 * the container differs (a checkpoint is a safetensors file).
 *
 * <p>Layout (big-endian, {@link DataOutputStream}): the tensor count, then per tensor its name
 * (modified UTF-8), its rank, its dimensions and its float32 values; the field count, then per field
 * its key and value. Floats travel as their bits, so a round trip is exact (NaN payloads included).
 */
public final class StateBytes {
  private StateBytes() {}

  /**
   * Encodes {@code tensors} and {@code meta}, in their iteration order.
   *
   * @param tensors the tensors by name
   * @param meta the fields
   * @return the bytes
   */
  public static byte[] encode(Map<String, Tensor> tensors, Map<String, String> meta) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(tensors.size());
      for (var e : tensors.entrySet()) {
        out.writeUTF(e.getKey());
        int[] dims = e.getValue().shape().dims();
        out.writeInt(dims.length);
        for (int d : dims) out.writeInt(d);
        float[] v = e.getValue().data();
        for (float f : v) out.writeInt(Float.floatToRawIntBits(f));
      }
      out.writeInt(meta.size());
      for (var e : meta.entrySet()) {
        out.writeUTF(e.getKey());
        out.writeUTF(e.getValue());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    }
    return bytes.toByteArray();
  }

  /**
   * Decodes what {@link #encode} wrote, as a state at step 0 and 0 seconds.
   *
   * @param bytes the encoded state
   * @param source names the bytes in error messages
   * @return the tensors and fields, in their encoded order
   * @throws BadInputException naming {@code source} if the bytes are truncated or malformed
   */
  public static TrainState decode(byte[] bytes, String source) {
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    Map<String, String> meta = new LinkedHashMap<>();
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      int n = in.readInt();
      for (int k = 0; k < n; k++) {
        String name = in.readUTF();
        int rank = in.readInt();
        if (rank < 0 || rank > 8) throw new IOException("tensor " + name + " has rank " + rank);
        int[] dims = new int[rank];
        long size = 1;
        for (int i = 0; i < rank; i++) {
          dims[i] = in.readInt();
          if (dims[i] < 0) throw new IOException("tensor " + name + " has dimension " + dims[i]);
          size *= dims[i];
          if (4 * size > in.available()) throw new IOException("tensor " + name + " is truncated");
        }
        if (4 * size > in.available()) throw new IOException("tensor " + name + " is truncated");
        float[] v = new float[(int) size];
        for (int i = 0; i < v.length; i++) v[i] = Float.intBitsToFloat(in.readInt());
        tensors.put(name, Tensor.of(v, dims));
      }
      int m = in.readInt();
      for (int k = 0; k < m; k++) meta.put(in.readUTF(), in.readUTF());
      if (in.available() != 0) throw new IOException(in.available() + " bytes after the fields");
    } catch (IOException | RuntimeException e) {
      throw new BadInputException(source + ": the encoded state is malformed (" + e.getMessage() + ")", e);
    }
    return new TrainState(0, 0, tensors, meta);
  }
}
