package dev.fivefold.spark;

import dev.fivefold.nn.Parameter;
import java.util.List;

/** A model's parameters as one flat array, in {@code Module.parameters()} order (what a round ships). */
public final class Flat {
  private Flat() {}

  /** The parameters' values, concatenated (a copy). */
  public static float[] of(List<Parameter> ps) {
    long n = 0;
    for (Parameter p : ps) n += p.value().size();
    if (n > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("model (" + n + " parameters) is too large for one array");
    float[] out = new float[(int) n];
    int o = 0;
    for (Parameter p : ps) {
      float[] d = p.value().data();
      System.arraycopy(d, 0, out, o, p.value().size());
      o += p.value().size();
    }
    return out;
  }

  /** Writes {@code flat} into the parameters; {@code what} names it if the length does not match. */
  public static void load(List<Parameter> ps, float[] flat, String what) {
    long n = 0;
    for (Parameter p : ps) n += p.value().size();
    if (n != flat.length) throw new IllegalArgumentException(what + " (" + flat.length + " floats) must match the model's " + n + " parameters");
    int o = 0;
    for (Parameter p : ps) {
      System.arraycopy(flat, o, p.value().data(), 0, p.value().size());
      o += p.value().size();
    }
  }
}
