package dev.fivefold.nn;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Tape;
import dev.fivefold.autodiff.Var;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Shape;
import dev.fivefold.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * A multi-layer LSTM, batch first: PyTorch's {@code nn.LSTM(input, hidden, layers, batch_first=True)}
 * (one direction, biases, no dropout between layers, no projection). Per layer l and step t, with
 * input u_t (x_t for l = 0, the layer below's h_t otherwise):
 * <pre>
 *   i, f, g, o = split(W_ih u_t + b_ih + W_hh h_{t−1} + b_hh)      gate order i, f, g, o
 *   c_t = σ(f)·c_{t−1} + σ(i)·tanh(g),   h_t = σ(o)·tanh(c_t)
 * </pre>
 * (Hochreiter &amp; Schmidhuber 1997; forget gate Gers et al. 2000). Parameters are named as
 * PyTorch's state dict: {@code weight_ih_l0} [4H, I], {@code weight_hh_l0} [4H, H],
 * {@code bias_ih_l0}, {@code bias_hh_l0} [4H], then {@code …_l1}, so PyTorch weights load through
 * {@link #loadStateDict}. Initialised as PyTorch: every tensor U(±1/√H).
 *
 * <p>Each layer is one fused op ({@link F#lstm}) with a hand-written backward through time. States are
 * [L, B, H] as PyTorch's (h_0, c_0) and (h_n, c_n); a null initial state is zeros. Truncated
 * back-propagation through time: pass the previous chunk's final state as constants
 * ({@link State#detach}), which carries the memory across chunks but stops the gradient there.
 */
public final class Lstm extends Module {
  private final int inputSize, hiddenSize, layers;
  private final List<Parameter[]> weights = new ArrayList<>();
  private float[] zeros = new float[0];

  /**
   * (h, c), each [L, B, H].
   *
   * @param h the hidden state, [L, B, H]
   * @param c the cell state, [L, B, H]
   */
  public record State(Var h, Var c) {
    /**
     * The same values as constants on {@code tape} (no gradient flows back through them), copied.
     *
     * @param tape the tape to put the copies on
     * @return the detached state
     */
    public State detach(Tape tape) {
      return new State(tape.input(h.value().copy()), tape.input(c.value().copy()));
    }
  }

  /**
   * The output h_t of the last layer for every step [B, T, H], and the final state.
   *
   * @param output the last layer's h_t for every step, [B, T, H]
   * @param state the final (h_n, c_n)
   */
  public record Result(Var output, State state) {}

  /**
   * An LSTM initialised as PyTorch's.
   *
   * @param inputSize the input features I
   * @param hiddenSize the hidden size H
   * @param layers the number of stacked layers L
   * @param rng the source of the initial weights
   * @throws IllegalArgumentException naming the value if a size or the layer count is &lt; 1
   */
  public Lstm(int inputSize, int hiddenSize, int layers, Rng rng) {
    checkSizes("Lstm", inputSize, hiddenSize, layers);
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.layers = layers;
    for (int l = 0; l < layers; l++) weights.add(layerParameters(this, l, 4, l == 0 ? inputSize : hiddenSize, hiddenSize, rng));
  }

  static void checkSizes(String what, int inputSize, int hiddenSize, int layers) {
    if (inputSize < 1) throw new IllegalArgumentException(what + " input size (" + inputSize + ") must be >= 1");
    if (hiddenSize < 1) throw new IllegalArgumentException(what + " hidden size (" + hiddenSize + ") must be >= 1");
    if (layers < 1) throw new IllegalArgumentException(what + " layers (" + layers + ") must be >= 1");
  }

  /** Registers weight_ih_l, weight_hh_l, bias_ih_l, bias_hh_l for a layer with {@code gates} gates, U(±1/√H). */
  static Parameter[] layerParameters(Module m, int l, int gates, int in, int hs, Rng rng) {
    return new Parameter[] {
      m.parameter("weight_ih_l" + l, Init.torchDefault(rng, hs, gates * hs, in)),
      m.parameter("weight_hh_l" + l, Init.torchDefault(rng, hs, gates * hs, hs)),
      m.parameter("bias_ih_l" + l, Init.torchDefault(rng, hs, gates * hs)).noDecay(),
      m.parameter("bias_hh_l" + l, Init.torchDefault(rng, hs, gates * hs)).noDecay()};
  }

  /** {@return the input features I} */
  public int inputSize() {
    return inputSize;
  }

  /** {@return the hidden size H} */
  public int hiddenSize() {
    return hiddenSize;
  }

  /** {@return the number of layers L} */
  public int layers() {
    return layers;
  }

  /** The last layer's outputs [B, T, H] from a zero state. */
  @Override
  public Var forward(Var x) {
    return forward(x, null).output();
  }

  /**
   * Runs the layers over x [B, T, I] from {@code initial} (null: zeros).
   *
   * @param x the input, [B, T, I]
   * @param initial the initial state, or null for zeros
   * @return the outputs and the final state
   * @throws IllegalArgumentException naming the shapes if x is not [B, T, I] or a state is not [L, B, H]
   */
  public Result forward(Var x, State initial) {
    Shape s = x.shape();
    if (s.rank() != 3 || s.dim(2) != inputSize || s.dim(0) < 1 || s.dim(1) < 1) {
      throw new IllegalArgumentException("Lstm input has shape " + s + ", expected [B, T, " + inputSize + "] with B, T >= 1");
    }
    int b = s.dim(0), t = s.dim(1), hs = hiddenSize;
    Tape tape = x.tape();
    Var h0 = initial == null ? zeroState(tape, b) : initial.h();
    Var c0 = initial == null ? zeroState(tape, b) : initial.c();
    if (initial != null) {
      checkState("Lstm state h", h0, layers, b, hs);
      checkState("Lstm state c", c0, layers, b, hs);
    }
    Var u = x;
    Var[] hn = new Var[layers], cn = new Var[layers];
    for (int l = 0; l < layers; l++) {
      Parameter[] p = weights.get(l);
      Var hc = F.lstm(u, layerState(h0, l, layers, b, hs), layerState(c0, l, layers, b, hs),
          p[0].on(tape), p[1].on(tape), p[2].on(tape), p[3].on(tape)); // [B, T, 2H]
      u = F.slice(hc, 2, 0, hs); // [B, T, H]
      Var last = F.slice(hc, 1, t - 1, t); // [B, 1, 2H]
      hn[l] = F.reshape(F.slice(last, 2, 0, hs), 1, b, hs);
      cn[l] = F.reshape(F.slice(last, 2, hs, 2 * hs), 1, b, hs);
    }
    return new Result(u, new State(stack(hn), stack(cn)));
  }

  /** A zero state [L, B, H] as a constant (one cached buffer, not allocated per call). */
  private Var zeroState(Tape tape, int b) {
    int n = layers * b * hiddenSize;
    if (zeros.length != n) zeros = new float[n];
    return tape.input(Tensor.wrap(zeros, Shape.of(layers, b, hiddenSize)));
  }

  static void checkState(String what, Var st, int layers, int b, int hs) {
    Shape ss = st.shape();
    if (ss.rank() != 3 || ss.dim(0) != layers || ss.dim(1) != b || ss.dim(2) != hs) {
      throw new IllegalArgumentException(what + " has shape " + ss + ", expected [L, B, H] = [" + layers + ", " + b + ", " + hs + "]");
    }
  }

  /** Layer l's slice [B, H] of a state [L, B, H]. */
  static Var layerState(Var st, int l, int layers, int b, int hs) {
    return F.reshape(layers == 1 ? st : F.slice(st, 0, l, l + 1), b, hs);
  }

  static Var stack(Var[] perLayer) {
    return perLayer.length == 1 ? perLayer[0] : F.concat(0, perLayer);
  }

  @Override
  protected Module blank() {
    return new Lstm(inputSize, hiddenSize, layers, new Rng(0));
  }
}
