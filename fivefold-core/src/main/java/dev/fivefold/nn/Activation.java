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

  public static Activation relu() { return new Activation("relu", F::relu); }
  public static Activation tanh() { return new Activation("tanh", F::tanh); }
  public static Activation sigmoid() { return new Activation("sigmoid", F::sigmoid); }
  public static Activation gelu() { return new Activation("gelu", F::gelu); }
  public static Activation identity() { return new Activation("identity", x -> x); }

  /** By name: relu, tanh, sigmoid, gelu, identity. */
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

  public String name() {
    return name;
  }

  @Override
  public Var forward(Var x) {
    return f.apply(x);
  }
}
