package dev.fivefold.perception.generate;

/**
 * The keys and values of every position seen so far, per layer and head, and attention of one
 * new query against them: for head h with head size hs,
 * {@code y_h = softmax(q_h·K_h[0..n)ᵀ / √hs)·V_h[0..n)}.
 *
 * <p>{@link #float32} stores them exactly and computes the scores and the weighted sum in the order
 * of the training forward's fused attention, so a decoded row equals the full forward's row bit for
 * bit; {@link #quantized} stores each position's key and value rows per head as int8 or int4 with
 * one scale each (see {@link QuantizedKvCache}).
 */
public interface KvCache {
  /**
   * Positions it can hold (the model's context).
   *
   * @return the capacity, positions
   */
  int capacity();

  /**
   * Stores the key and value of position {@code pos} of {@code layer}, all heads: the key at
   * {@code src[kOff .. kOff + C)} and the value at {@code src[vOff .. vOff + C)}, heads side by side.
   *
   * @param layer the layer
   * @param pos the position, in [0, capacity)
   * @param src the buffer holding the key and value
   * @param kOff the offset of the key (C floats)
   * @param vOff the offset of the value (C floats)
   */
  void put(int layer, int pos, float[] src, int kOff, int vOff);

  /**
   * For every head: y_h = softmax(q_h·Kᵀ/√hs)·V over positions [0, n) of {@code layer}, into {@code y[yOff + h·hs ..]}.
   *
   * @param layer the layer
   * @param n the positions to attend over, in [1, capacity]
   * @param q the buffer holding the query (C floats, heads side by side)
   * @param qOff the query's offset
   * @param y receives the C outputs
   * @param yOff where in {@code y} to write them
   */
  void attend(int layer, int n, float[] q, int qOff, float[] y, int yOff);

  /**
   * Bytes of the stored keys and values (and scales) at full capacity.
   *
   * @return the bytes
   */
  long bytes();

  /**
   * Exact float32 storage; keys transposed per head so the scores of all positions run as vectors.
   *
   * @param layers L
   * @param heads H
   * @param headSize hs
   * @param capacity the positions
   * @return an empty cache
   */
  static KvCache float32(int layers, int heads, int headSize, int capacity) {
    return new FloatKvCache(layers, heads, headSize, capacity);
  }

  /**
   * int8 or int4 symmetric storage, one scale per (layer, position, head) for keys and one for values.
   *
   * @param bits 8 or 4
   * @param layers L
   * @param heads H
   * @param headSize hs
   * @param capacity the positions
   * @return an empty cache
   */
  static KvCache quantized(int bits, int layers, int heads, int headSize, int capacity) {
    return new QuantizedKvCache(bits, layers, heads, headSize, capacity);
  }
}
