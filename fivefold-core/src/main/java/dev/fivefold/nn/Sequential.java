package dev.fivefold.nn;

import dev.fivefold.autodiff.Var;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Modules applied in order; children are named "0", "1", ... unless names are given. */
public class Sequential extends Module {
  private final List<Module> layers = new ArrayList<>();

  /**
   * A sequence of {@code modules}, named "0", "1", ...
   *
   * @param modules the layers, in order
   */
  public Sequential(Module... modules) {
    for (Module m : modules) add(String.valueOf(layers.size()), m);
  }

  /**
   * Appends a named layer (names appear in parameter paths, e.g. "fc1.weight").
   *
   * @param name the layer's name
   * @param m the layer
   * @return this sequence
   * @throws IllegalStateException if the name is taken
   */
  public final Sequential add(String name, Module m) {
    layers.add(child(name, m));
    return this;
  }

  /** {@return the layers, in order (unmodifiable)} */
  public final List<Module> layers() {
    return Collections.unmodifiableList(layers);
  }

  @Override
  public Var forward(Var x) {
    for (Module m : layers) x = run(m, x);
    return x;
  }
}
