package dev.fivefold.optim;

import dev.fivefold.io.BadInputException;
import dev.fivefold.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The mutable state of a {@link GradientTransform}: named slots holding one buffer per parameter
 * (e.g. Adam's "mu" and "nu"), a step count, and the states of chained children.
 *
 * <p>{@link #save} flattens it to named tensors for a checkpoint; {@link #load} restores it and
 * fails with a message naming the slot when the shapes or names differ (another optimizer, or a
 * model with other shapes).
 */
public final class OptState {
  private final Map<String, float[][]> slots = new LinkedHashMap<>();
  private final List<OptState> children = new ArrayList<>();
  long count;

  /** An empty state: no slots, no children, count 0. */
  public OptState() {}

  /**
   * Adds a slot of zero buffers sized like {@code sizes}.
   *
   * @param name the slot's name, e.g. "nu"
   * @param sizes the buffer sizes, one per parameter
   * @return the buffers
   */
  public float[][] addSlot(String name, int[] sizes) {
    float[][] b = new float[sizes.length][];
    for (int i = 0; i < sizes.length; i++) b[i] = new float[sizes[i]];
    slots.put(name, b);
    return b;
  }

  /**
   * The slot's buffers, one per parameter.
   *
   * @param name the slot's name
   * @return the buffers
   * @throws IllegalStateException if this state has no such slot
   */
  public float[][] slot(String name) {
    float[][] s = slots.get(name);
    if (s == null) throw new IllegalStateException("no slot " + name);
    return s;
  }

  /**
   * The slot's buffers, one per parameter (e.g. Adam's "nu"); null when this state has no such slot.
   *
   * @param name the slot's name
   * @return the buffers, or null
   */
  public float[][] slotOrNull(String name) {
    return slots.get(name);
  }

  /**
   * The state in this tree (this one, then its children depth-first) that holds slot {@code name},
   * e.g. {@code opt.state().find("nu")} for Adam's second moment and, with {@link #count()}, its
   * step count; null when none does.
   *
   * @param name the slot's name
   * @return the state holding it, or null
   */
  public OptState find(String name) {
    if (slots.containsKey(name)) return this;
    for (OptState c : children) {
      OptState f = c.find(name);
      if (f != null) return f;
    }
    return null;
  }

  /**
   * {@return the states of the chained transforms (the live list: a combinator adds to it in {@code init})}
   */
  public List<OptState> children() {
    return children;
  }

  /**
   * Steps taken (incremented by the transform that owns this state).
   *
   * @return the count
   */
  public long count() {
    return count;
  }

  /**
   * Sets the step count (e.g. a reset of the bias correction).
   *
   * @param c the count
   */
  public void setCount(long c) {
    count = c;
  }

  /**
   * Named tensors: prefix + "slot.i" for buffers, prefix + "count" for the step.
   *
   * @param prefix put before every name, e.g. "optim."
   * @param out receives the tensors
   */
  public void save(String prefix, Map<String, Tensor> out) {
    out.put(prefix + "count", Tensor.of(new float[] {Float.intBitsToFloat((int) count), Float.intBitsToFloat((int) (count >>> 32))}, 2));
    for (var e : slots.entrySet()) {
      float[][] b = e.getValue();
      for (int i = 0; i < b.length; i++) out.put(prefix + e.getKey() + "." + i, Tensor.of(b[i].clone(), b[i].length));
    }
    for (int c = 0; c < children.size(); c++) children.get(c).save(prefix + c + ".", out);
  }

  /**
   * Restores from tensors written by {@link #save}; {@code source} names the file for errors.
   *
   * @param prefix the prefix given to {@link #save}
   * @param in the saved tensors
   * @param source names the file in messages
   * @throws BadInputException if the count or a buffer is missing or a buffer is of another size
   */
  public void load(String prefix, Map<String, Tensor> in, String source) {
    Tensor cnt = in.get(prefix + "count");
    if (cnt == null || cnt.size() != 2) throw new BadInputException(source + ": optimizer state '" + prefix + "count' missing: saved by another optimizer?");
    count = (Float.floatToRawIntBits(cnt.data()[0]) & 0xffffffffL) | ((long) Float.floatToRawIntBits(cnt.data()[1]) << 32);
    for (var e : slots.entrySet()) {
      float[][] b = e.getValue();
      for (int i = 0; i < b.length; i++) {
        String k = prefix + e.getKey() + "." + i;
        Tensor t = in.get(k);
        if (t == null) throw new BadInputException(source + ": optimizer state '" + k + "' missing: saved by another optimizer or model?");
        if (t.size() != b[i].length) throw new BadInputException(source + ": optimizer state '" + k + "' has " + t.size() + " values, expected " + b[i].length);
        System.arraycopy(t.data(), 0, b[i], 0, b[i].length);
      }
    }
    for (int c = 0; c < children.size(); c++) children.get(c).load(prefix + c + ".", in, source);
  }
}
