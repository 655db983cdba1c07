package dev.fivefold.nn;

import dev.fivefold.autodiff.Var;
import dev.fivefold.io.BadInputException;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A layer or a model: named parameters, named children, and a train/eval mode.
 *
 * <p>Parameter names are dotted paths in registration order ({@code "h.0.attn.c_attn.weight"}),
 * the same names PyTorch's {@code state_dict()} uses for the same architecture, so weights move
 * between the two through safetensors files.
 *
 * <p>Besides parameters a module may hold buffers ({@link #buffer}): named tensors that are part
 * of its state but not trained, such as batch norm's running statistics (PyTorch's
 * {@code register_buffer}). They are saved and loaded with the parameters ({@link #stateDict},
 * {@link #loadStateDict}, so checkpoints and weight files carry them), but are not in
 * {@link #namedParameters}: no optimizer sees them and {@link #parameterCount} leaves them out.
 *
 * <p>A module that draws random numbers in training (dropout masks, stochastic depth) registers its
 * generator ({@link #generator}); a trainer's state saves each one's position by dotted name
 * ({@link #namedGenerators}), so a run resumed from a checkpoint draws the masks an uninterrupted
 * run would have drawn.
 *
 * <p>A model's forward runs its children through {@link #run}, so that {@link #hook forward hooks}
 * see each child's output; {@link #copy} is a deep copy (structure and weights) for the modules
 * that can build a blank twin of themselves ({@link #blank}).
 */
public abstract class Module {
  private final Map<String, Parameter> params = new LinkedHashMap<>();
  private final Map<String, Module> children = new LinkedHashMap<>();
  private final Map<String, Tensor> buffers = new LinkedHashMap<>();
  private final Map<String, Rng> generators = new LinkedHashMap<>();
  private final List<ForwardHook> hooks = new ArrayList<>();
  private boolean training = true;

  /** A module with no parameters, buffers, children or generators yet, in training mode. */
  public Module() {}

  /**
   * Applies the module to one input. Modules with other inputs define their own methods.
   *
   * @param x the input
   * @return the output
   */
  public abstract Var forward(Var x);

  /**
   * Registers a trainable parameter under {@code name}, initialised to {@code init} (held, not copied).
   *
   * @param name the name, unique among this module's parameters, buffers and children
   * @param init the initial value
   * @return the parameter
   * @throws IllegalStateException if the name is taken
   */
  protected final Parameter parameter(String name, Tensor init) {
    if (params.containsKey(name) || children.containsKey(name) || buffers.containsKey(name)) throw new IllegalStateException("duplicate name " + name);
    Parameter p = new Parameter(init);
    params.put(name, p);
    return p;
  }

  /**
   * Registers a buffer: a tensor of this module's state that is saved and loaded with the
   * parameters but not trained (running statistics). The module updates it in place; returns it.
   *
   * @param name the name, unique among this module's parameters, buffers and children
   * @param init the buffer's initial value (held, not copied)
   * @return {@code init}
   * @throws IllegalStateException if the name is taken
   */
  protected final Tensor buffer(String name, Tensor init) {
    if (params.containsKey(name) || children.containsKey(name) || buffers.containsKey(name)) throw new IllegalStateException("duplicate name " + name);
    buffers.put(name, init);
    return init;
  }

  /**
   * Registers a random generator this module draws from in training, so that its position is saved
   * with a trainer's state (see the class comment); returns it. Names are separate from parameter
   * names ("rng" is fine beside a parameter "weight").
   *
   * @param name the name, unique among this module's generators
   * @param rng the generator
   * @return {@code rng}
   * @throws IllegalArgumentException if {@code rng} is null
   * @throws IllegalStateException if the name is taken
   */
  protected final Rng generator(String name, Rng rng) {
    if (rng == null) throw new IllegalArgumentException("generator '" + name + "' must not be null");
    if (generators.containsKey(name)) throw new IllegalStateException("duplicate generator " + name);
    generators.put(name, rng);
    return rng;
  }

  /**
   * Every registered generator (the live objects) with dotted names, depth-first in registration order; empty for most models.
   *
   * @return the generators by dotted name
   */
  public final Map<String, Rng> namedGenerators() {
    Map<String, Rng> out = new LinkedHashMap<>();
    collectGenerators("", out);
    return out;
  }

  private void collectGenerators(String prefix, Map<String, Rng> out) {
    for (var e : generators.entrySet()) out.put(prefix + e.getKey(), e.getValue());
    for (var e : children.entrySet()) e.getValue().collectGenerators(prefix + e.getKey() + ".", out);
  }

  /**
   * Registers {@code m} as a child under {@code name}; its parameters are named {@code name.<its name>}.
   *
   * @param <M> the child's type
   * @param name the name, unique among this module's parameters, buffers and children
   * @param m the child
   * @return {@code m}
   * @throws IllegalStateException if the name is taken
   */
  protected final <M extends Module> M child(String name, M m) {
    if (params.containsKey(name) || children.containsKey(name) || buffers.containsKey(name)) throw new IllegalStateException("duplicate name " + name);
    children.put(name, m);
    return m;
  }

  /**
   * Runs {@code child} on {@code x} and shows its output to this module's hooks: what a model's
   * forward calls for each of its layers.
   *
   * @param child a child of this module
   * @param x the input
   * @return the child's output
   * @throws IllegalStateException if {@code child} is not a child of this module and there are hooks
   */
  protected final Var run(Module child, Var x) {
    return runAs(child, child.forward(x));
  }

  /**
   * Shows {@code output} to this module's hooks as the output of {@code child} and returns it: for
   * a forward that computed it by a fused path (several layers in one kernel, the last being {@code child}).
   *
   * @param child the child that produced {@code output}
   * @param output the output
   * @return {@code output}
   * @throws IllegalStateException if {@code child} is not a child of this module and there are hooks
   */
  protected final Var runAs(Module child, Var output) {
    if (!hooks.isEmpty()) {
      String name = nameOf(child);
      for (ForwardHook h : List.copyOf(hooks)) h.onOutput(name, child, output);
    }
    return output;
  }

  /**
   * Does this module have forward hooks? (A fused forward that skips some layers' outputs runs them one by one when it has.)
   *
   * @return true if at least one hook is registered
   */
  protected final boolean hooked() {
    return !hooks.isEmpty();
  }

  private String nameOf(Module child) {
    for (var e : children.entrySet()) if (e.getValue() == child) return e.getKey();
    throw new IllegalStateException(child.getClass().getSimpleName() + " is not a child of " + getClass().getSimpleName());
  }

  /**
   * Registers {@code h} to see the output of every child this module runs ({@link #run}), in order;
   * close the handle to remove it.
   *
   * @param h the hook
   * @return a handle whose {@code close()} removes the hook
   * @throws IllegalArgumentException if {@code h} is null
   */
  public final ForwardHook.Handle hook(ForwardHook h) {
    if (h == null) throw new IllegalArgumentException("hook must not be null");
    hooks.add(h);
    return () -> hooks.remove(h);
  }

  /**
   * A new module of the same structure (sizes, layers, settings) with arbitrary weights, or null
   * if this kind of module cannot make one (then {@link #copy} refuses). Families and the layers
   * that hold weights override it.
   *
   * @return a blank twin, or null
   */
  protected Module blank() {
    return null;
  }

  /**
   * A deep copy: the same structure ({@link #blank}), a copy of every parameter value, the same
   * train/eval mode, and layers held as CSR ({@link Linear#isSparse}) held as CSR again. Forward
   * hooks are not copied.
   *
   * @return the copy
   * @throws UnsupportedOperationException if this module cannot make a blank twin
   */
  public final Module copy() {
    Module c = blank();
    if (c == null) throw new UnsupportedOperationException(getClass().getSimpleName() + " does not support copy()");
    c.loadStateDict(stateDict(), "copy of " + getClass().getSimpleName());
    c.copyModesFrom(this);
    return c;
  }

  private void copyModesFrom(Module src) {
    training = src.training;
    sparseLike(src);
    for (var e : children.entrySet()) {
      Module s = src.children.get(e.getKey());
      if (s != null) e.getValue().copyModesFrom(s);
    }
  }

  /** Takes over the weight storage (dense or CSR) of its twin {@code src}; layers that hold weights override it. */
  void sparseLike(Module src) {}

  /**
   * Every module of the tree with its dotted path, this one first as "", depth-first in registration order.
   *
   * @return the modules by path
   */
  public final Map<String, Module> namedModules() {
    Map<String, Module> out = new LinkedHashMap<>();
    collectModules("", out);
    return out;
  }

  private void collectModules(String path, Map<String, Module> out) {
    out.put(path, this);
    for (var e : children.entrySet()) e.getValue().collectModules(path.isEmpty() ? e.getKey() : path + "." + e.getKey(), out);
  }

  /**
   * All parameters with dotted names, depth-first in registration order.
   *
   * @return the parameters by dotted name
   */
  public final Map<String, Parameter> namedParameters() {
    Map<String, Parameter> out = new LinkedHashMap<>();
    collect("", out);
    return out;
  }

  private void collect(String prefix, Map<String, Parameter> out) {
    for (var e : params.entrySet()) out.put(prefix + e.getKey(), e.getValue());
    for (var e : children.entrySet()) e.getValue().collect(prefix + e.getKey() + ".", out);
  }

  /**
   * All buffers (the live tensors, not copies) with dotted names, depth-first in registration order; empty for most models.
   *
   * @return the buffers by dotted name
   */
  public final Map<String, Tensor> namedBuffers() {
    Map<String, Tensor> out = new LinkedHashMap<>();
    collectBuffers("", out);
    return out;
  }

  private void collectBuffers(String prefix, Map<String, Tensor> out) {
    for (var e : buffers.entrySet()) out.put(prefix + e.getKey(), e.getValue());
    for (var e : children.entrySet()) e.getValue().collectBuffers(prefix + e.getKey() + ".", out);
  }

  /** {@return all parameters, depth-first in registration order (a new list)} */
  public final List<Parameter> parameters() {
    return new ArrayList<>(namedParameters().values());
  }

  /**
   * Total number of trainable scalars.
   *
   * @return the parameter count
   */
  public final long parameterCount() {
    long n = 0;
    for (Parameter p : namedParameters().values()) n += p.size();
    return n;
  }

  /** Zeroes the gradient of every parameter. */
  public final void zeroGrad() {
    for (Parameter p : namedParameters().values()) p.zeroGrad();
  }

  /** Training mode: dropout active, batch norm normalises by batch statistics and updates its running ones. */
  public final void train() {
    setTraining(true);
  }

  /** Evaluation mode: dropout off, batch norm normalises by its running statistics. */
  public final void eval() {
    setTraining(false);
  }

  private void setTraining(boolean t) {
    training = t;
    for (Module m : children.values()) m.setTraining(t);
  }

  /** {@return whether the module is in training mode (the default) rather than evaluation mode} */
  public final boolean isTraining() {
    return training;
  }

  /**
   * Copies of every parameter value by name, then of every buffer ({@link #namedBuffers}).
   *
   * @return the copies, parameters first
   */
  public final Map<String, Tensor> stateDict() {
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (var e : namedParameters().entrySet()) out.put(e.getKey(), e.getValue().value().copy());
    for (var e : namedBuffers().entrySet()) out.put(e.getKey(), e.getValue().copy());
    return out;
  }

  /**
   * Loads values by name. Every parameter and buffer must be present with the same shape; extra
   * entries are an error too. {@code source} names the origin (a file) for the error message.
   *
   * @param state tensors by dotted name
   * @param source the origin of {@code state}, for messages
   * @throws BadInputException if a tensor is missing, extra, or of another shape
   */
  public final void loadStateDict(Map<String, Tensor> state, String source) {
    Map<String, Tensor> mine = new LinkedHashMap<>();
    for (var e : namedParameters().entrySet()) mine.put(e.getKey(), e.getValue().value());
    mine.putAll(namedBuffers());
    for (var e : mine.entrySet()) {
      Tensor t = state.get(e.getKey());
      if (t == null) throw new BadInputException(source + ": missing tensor '" + e.getKey() + "' " + e.getValue().shape());
      if (!t.shape().equals(e.getValue().shape())) {
        throw new BadInputException(source + ": tensor '" + e.getKey() + "' has shape " + t.shape() + ", model expects " + e.getValue().shape());
      }
    }
    for (String k : state.keySet()) {
      if (!mine.containsKey(k)) throw new BadInputException(source + ": unexpected tensor '" + k + "' (not a parameter of " + getClass().getSimpleName() + ")");
    }
    for (var e : mine.entrySet()) e.getValue().copyFrom(state.get(e.getKey()));
  }
}
