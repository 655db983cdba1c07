package dev.fivefold.nn;

import static dev.fivefold.nn.TorchParityTest.TOL;
import static dev.fivefold.nn.TorchParityTest.close;
import static dev.fivefold.nn.TorchParityTest.fixture;
import static dev.fivefold.nn.TorchParityTest.params;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Tape;
import dev.fivefold.autodiff.Var;
import dev.fivefold.io.SafeTensors;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * {@link Lstm} and {@link Gru} against PyTorch's {@code nn.LSTM} / {@code nn.GRU}: fixtures recorded
 * by {@code scripts/record_rnn_fixtures.py} (float64 references stored as float32, PyTorch weights
 * loaded by their state-dict names), the output, the final states and every gradient (input,
 * initial states, each weight and bias) within 1e-5 relative as in {@link TorchParityTest}.
 */
class RecurrentTorchParityTest {
  private static int meta(SafeTensors.Contents c, String k) {
    return Integer.parseInt(c.metadata().get(k));
  }

  private static void lstmCase(String name) throws Exception {
    var c = fixture(name);
    Lstm m = new Lstm(meta(c, "input_size"), meta(c, "hidden_size"), meta(c, "num_layers"), new Rng(1));
    m.loadStateDict(params(c), name);
    Tape tape = Tape.training();
    Tensor in = c.get("input").copy(), h0 = c.get("h0").copy(), c0 = c.get("c0").copy();
    float[] gIn = new float[in.size()], gH = new float[h0.size()], gC = new float[c0.size()];
    Lstm.Result r = m.forward(tape.parameter(in, gIn), new Lstm.State(tape.parameter(h0, gH), tape.parameter(c0, gC)));
    close(name + " output", c.get("output"), r.output().data(), TOL);
    close(name + " h_n", c.get("h_n"), r.state().h().data(), TOL);
    close(name + " c_n", c.get("c_n"), r.state().c().data(), TOL);
    Var loss = F.add(F.add(F.sum(F.mul(r.output(), tape.input(c.get("upstream")))), F.sum(F.mul(r.state().h(), tape.input(c.get("upstream_h"))))),
        F.sum(F.mul(r.state().c(), tape.input(c.get("upstream_c")))));
    tape.backward(loss);
    close(name + " grad.input", c.get("grad.input"), gIn, TOL);
    close(name + " grad.h0", c.get("grad.h0"), gH, TOL);
    close(name + " grad.c0", c.get("grad.c0"), gC, TOL);
    int n = 0;
    for (var e : m.namedParameters().entrySet()) {
      close(name + " grad." + e.getKey(), c.get("grad.param." + e.getKey()), e.getValue().grad(), TOL);
      n++;
    }
    assertEquals(4 * meta(c, "num_layers"), n);
  }

  private static void gruCase(String name) throws Exception {
    var c = fixture(name);
    Gru m = new Gru(meta(c, "input_size"), meta(c, "hidden_size"), meta(c, "num_layers"), new Rng(1));
    m.loadStateDict(params(c), name);
    Tape tape = Tape.training();
    Tensor in = c.get("input").copy(), h0 = c.get("h0").copy();
    float[] gIn = new float[in.size()], gH = new float[h0.size()];
    Gru.Result r = m.forward(tape.parameter(in, gIn), tape.parameter(h0, gH));
    close(name + " output", c.get("output"), r.output().data(), TOL);
    close(name + " h_n", c.get("h_n"), r.state().data(), TOL);
    Var loss = F.add(F.sum(F.mul(r.output(), tape.input(c.get("upstream")))), F.sum(F.mul(r.state(), tape.input(c.get("upstream_h")))));
    tape.backward(loss);
    close(name + " grad.input", c.get("grad.input"), gIn, TOL);
    close(name + " grad.h0", c.get("grad.h0"), gH, TOL);
    int n = 0;
    for (var e : m.namedParameters().entrySet()) {
      close(name + " grad." + e.getKey(), c.get("grad.param." + e.getKey()), e.getValue().grad(), TOL);
      n++;
    }
    assertEquals(4 * meta(c, "num_layers"), n);
  }

  @Test
  void lstmMatchesTorch() throws Exception {
    lstmCase("lstm");
    lstmCase("lstm_long");
  }

  @Test
  void gruMatchesTorch() throws Exception {
    gruCase("gru");
    gruCase("gru_long");
  }

  @Test
  void parameterNamesAreTorchs() {
    Lstm m = new Lstm(3, 4, 2, new Rng(0));
    assertEquals(java.util.List.of("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0", "weight_ih_l1", "weight_hh_l1", "bias_ih_l1", "bias_hh_l1"),
        java.util.List.copyOf(m.namedParameters().keySet()));
    assertEquals("[16, 3]", m.namedParameters().get("weight_ih_l0").value().shape().toString());
    assertEquals("[12, 4]", new Gru(3, 4, 2, new Rng(0)).namedParameters().get("weight_ih_l1").value().shape().toString());
  }

  @Test
  void badSizesAndStatesAreOneLineErrors() {
    var e = assertThrows(IllegalArgumentException.class, () -> new Lstm(3, 0, 1, new Rng(0)));
    assertEquals("Lstm hidden size (0) must be >= 1", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new Gru(3, 4, -1, new Rng(0)));
    assertEquals("Gru layers (-1) must be >= 1", e.getMessage());
    Lstm m = new Lstm(3, 4, 2, new Rng(0));
    Tape tape = Tape.training();
    Var x = tape.input(Tensor.zeros(2, 5, 3));
    Var bad = tape.input(Tensor.zeros(1, 2, 4));
    e = assertThrows(IllegalArgumentException.class, () -> m.forward(x, new Lstm.State(bad, bad)));
    assertEquals("Lstm state h has shape [1, 2, 4], expected [L, B, H] = [2, 2, 4]", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> m.forward(tape.input(Tensor.zeros(2, 5, 7))));
    assertTrue(e.getMessage().startsWith("Lstm input has shape [2, 5, 7], expected [B, T, 3]"), e.getMessage());
    Gru g = new Gru(3, 4, 1, new Rng(0));
    e = assertThrows(IllegalArgumentException.class, () -> g.forward(x, tape.input(Tensor.zeros(1, 3, 4))));
    assertEquals("Gru state h has shape [1, 3, 4], expected [L, B, H] = [1, 2, 4]", e.getMessage());
  }
}
