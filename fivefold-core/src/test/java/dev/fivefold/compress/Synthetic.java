package dev.fivefold.compress;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Tape;
import dev.fivefold.autodiff.Var;
import dev.fivefold.nn.Module;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;

/** A small synthetic classification problem: x ~ N(0, 1) [N, D], y = argmax of a fixed random linear map. */
final class Synthetic {
  final Tensor x;
  final int[] y;

  Synthetic(int n, int d, int classes, long seed) {
    Rng rng = new Rng(seed);
    x = Tensor.normal(rng, 0, 1, n, d);
    Tensor w = Tensor.normal(rng, 0, 1, classes, d);
    y = new int[n];
    for (int i = 0; i < n; i++) {
      int best = 0;
      double bv = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < classes; c++) {
        double s = 0;
        for (int j = 0; j < d; j++) s += w.data()[c * d + j] * x.data()[i * d + j];
        if (s > bv) {
          bv = s;
          best = c;
        }
      }
      y[i] = best;
    }
  }

  /** Forward + backward of the mean cross-entropy on a fresh tape; returns the loss. */
  float lossAndBackward(Module m) {
    Tape tape = Tape.training();
    Var loss = F.crossEntropy(m.forward(tape.input(x)), y);
    tape.backward(loss);
    return loss.item();
  }

  float loss(Module m) {
    Tape tape = Tape.inference();
    return F.crossEntropy(m.forward(tape.input(x)), y).item();
  }
}
