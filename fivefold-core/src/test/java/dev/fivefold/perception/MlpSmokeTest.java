package dev.fivefold.perception;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Tape;
import dev.fivefold.autodiff.Var;
import dev.fivefold.optim.Optimizer;
import dev.fivefold.optim.Optimizers;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The engine learns: an MLP and LeNet-5 drive the loss on a separable synthetic task far down. */
class MlpSmokeTest {
  @Test
  void mlpLearnsSeparableTask() {
    Rng rng = new Rng(1);
    int n = 256, d = 20;
    Tensor x = Tensor.normal(rng, 0, 1, n, d);
    int[] y = new int[n];
    for (int i = 0; i < n; i++) y[i] = x.data()[i * d] + x.data()[i * d + 1] > 0 ? 1 : 0;
    Mlp m = new Mlp(new int[] {d, 32, 2}, "relu", 7);
    Optimizer opt = Optimizers.adam(m.parameters(), 0.01);
    Tape t = Tape.training();
    float first = 0, last = 0;
    for (int step = 0; step < 200; step++) {
      t.reset();
      Var loss = F.crossEntropy(m.forward(t.input(x)), y);
      t.backward(loss);
      opt.step();
      if (step == 0) first = loss.item();
      last = loss.item();
    }
    assertTrue(last < 0.1 * first, "loss " + first + " -> " + last);
  }

  @Test
  void lenet5AndGptForwardBackward() {
    Rng rng = new Rng(2);
    LeNet5 net = new LeNet5(3);
    Tape t = Tape.training();
    Tensor x = Tensor.normal(rng, 0, 1, 4, 1, 28, 28);
    Var loss = F.crossEntropy(net.forward(t.input(x)), new int[] {1, 2, 3, 4});
    t.backward(loss);
    assertTrue(Float.isFinite(loss.item()));
    Gpt g = new Gpt(new GptConfig(11, 8, 2, 2, 16, 0f), 5);
    Optimizer opt = Optimizers.adamw(g.parameters(), 3e-3, 0.9, 0.99, 1e-8, 0.0);
    int[] tok = new int[2 * 8];
    int[] tgt = new int[2 * 8];
    for (int i = 0; i < tok.length; i++) {
      tok[i] = i % 11;
      tgt[i] = (i + 1) % 11;
    }
    float first = 0, last = 0;
    for (int s = 0; s < 150; s++) {
      t.reset();
      Var l = F.crossEntropy(g.forward(t, tok, 2, 8), tgt);
      t.backward(l);
      opt.step();
      if (s == 0) first = l.item();
      last = l.item();
    }
    assertTrue(last < 0.2 * first, "gpt loss " + first + " -> " + last);
  }
}
