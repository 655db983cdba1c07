package dev.fivefold.nn;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Var;
import java.util.function.UnaryOperator;

/** A parameter-free elementwise function as a module: relu, tanh, sigmoid, gelu, identity. */
public final class Activation extends Module {
  private final String name;
  private final UnaryOperator<Var> f;

  private Activation(String name, UnaryOperator<Var> f) {
    this.name = name;
    this.f = f;
  }

  /** {@return the activation max(0, x)} */
  public static Activation relu() { return new Activation("relu", F::relu); }
  /** {@return the activation tanh(x)} */
  public static Activation tanh() { return new Activation("tanh", F::tanh); }
  /** {@return the activation σ(x) = 1/(1 + e^−x)} */
  public static Activation sigmoid() { return new Activation("sigmoid", F::sigmoid); }
  /** {@return the activation GELU(x), {@link F#gelu}} */
  public static Activation gelu() { return new Activation("gelu", F::gelu); }
  /** {@return the identity activation, x unchanged} */
  public static Activation identity() { return new Activation("identity", x -> x); }

  /**
   * By name: relu, tanh, sigmoid, gelu, identity.
   *
   * @param name relu, tanh, sigmoid, gelu or identity
   * @return the activation
   * @throws IllegalArgumentException for another name
   */
  public static Activation of(String name) {
    return switch (name) {
      case "relu" -> relu();
      case "tanh" -> tanh();
      case "sigmoid" -> sigmoid();
      case "gelu" -> gelu();
      case "identity", "linear" -> identity();
      default -> throw new IllegalArgumentException("activation (" + name + ") must be one of relu, tanh, sigmoid, gelu, identity");
    };
  }

  /** {@return the activation's name} */
  public String name() {
    return name;
  }

  @Override
  public Var forward(Var x) {
    return f.apply(x);
  }
}
