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
 * A multi-layer GRU, batch first: PyTorch's {@code nn.GRU(input, hidden, layers, batch_first=True)}
 * (one direction, biases, no dropout between layers). Per layer and step, with input u_t:
 * <pre>
 *   r = σ(W_ir u + b_ir + W_hr h₋ + b_hr),   z = σ(W_iz u + b_iz + W_hz h₋ + b_hz)
 *   n = tanh(W_in u + b_in + r ⊙ (W_hn h₋ + b_hn)),   h = (1 − z) ⊙ n + z ⊙ h₋
 * </pre>
 * (Cho et al. 2014, in PyTorch's form: b_hn inside the reset product). Parameters are named and laid
 * out as PyTorch's ({@code weight_ih_l0} [3H, I] gates r, z, n; {@code weight_hh_l0} [3H, H];
 * {@code bias_ih_l0}, {@code bias_hh_l0} [3H]; …), initialised U(±1/√H). Each layer is one fused op
 * ({@link F#gru}). The state is h [L, B, H]; null means zeros. For truncated back-propagation
 * through time pass the previous final state as a constant ({@code tape.input(h.value().copy())}).
 */
public final class Gru extends Module {
  private final int inputSize, hiddenSize, layers;
  private final List<Parameter[]> weights = new ArrayList<>();
  private float[] zeros = new float[0];

  /**
   * The output h_t of the last layer for every step [B, T, H] and the final state h_n [L, B, H].
   *
   * @param output the last layer's h_t for every step, [B, T, H]
   * @param state the final state h_n, [L, B, H]
   */
  public record Result(Var output, Var state) {}

  /**
   * A GRU initialised as PyTorch's.
   *
   * @param inputSize the input features I
   * @param hiddenSize the hidden size H
   * @param layers the number of stacked layers L
   * @param rng the source of the initial weights
   * @throws IllegalArgumentException naming the value if a size or the layer count is &lt; 1
   */
  public Gru(int inputSize, int hiddenSize, int layers, Rng rng) {
    Lstm.checkSizes("Gru", inputSize, hiddenSize, layers);
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.layers = layers;
    for (int l = 0; l < layers; l++) weights.add(Lstm.layerParameters(this, l, 3, l == 0 ? inputSize : hiddenSize, hiddenSize, rng));
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

  @Override
  public Var forward(Var x) {
    return forward(x, null).output();
  }

  /**
   * Runs the layers over x [B, T, I] from h0 [L, B, H] (null: zeros).
   *
   * @param x the input, [B, T, I]
   * @param h0 the initial state, [L, B, H], or null for zeros
   * @return the outputs and the final state
   * @throws IllegalArgumentException naming the shapes if x is not [B, T, I] or h0 is not [L, B, H]
   */
  public Result forward(Var x, Var h0) {
    Shape s = x.shape();
    if (s.rank() != 3 || s.dim(2) != inputSize || s.dim(0) < 1 || s.dim(1) < 1) {
      throw new IllegalArgumentException("Gru input has shape " + s + ", expected [B, T, " + inputSize + "] with B, T >= 1");
    }
    int b = s.dim(0), t = s.dim(1), hs = hiddenSize;
    Tape tape = x.tape();
    if (h0 == null) {
      int n = layers * b * hs;
      if (zeros.length != n) zeros = new float[n];
      h0 = tape.input(Tensor.wrap(zeros, Shape.of(layers, b, hs)));
    } else {
      Lstm.checkState("Gru state h", h0, layers, b, hs);
    }
    Var u = x;
    Var[] hn = new Var[layers];
    for (int l = 0; l < layers; l++) {
      Parameter[] p = weights.get(l);
      u = F.gru(u, Lstm.layerState(h0, l, layers, b, hs), p[0].on(tape), p[1].on(tape), p[2].on(tape), p[3].on(tape)); // [B, T, H]
      hn[l] = F.reshape(F.slice(u, 1, t - 1, t), 1, b, hs);
    }
    return new Result(u, Lstm.stack(hn));
  }

  @Override
  protected Module blank() {
    return new Gru(inputSize, hiddenSize, layers, new Rng(0));
  }
}
