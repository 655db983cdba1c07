package dev.fivefold.perception;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Tape;
import dev.fivefold.autodiff.Var;
import dev.fivefold.nn.Module;
import dev.fivefold.nn.Parameter;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The resnet family and LeNet-5's norm option: specs, counts, shapes, modes, and bad values named. */
class NormSpecsTest {
  static final Tensor X = Tensor.normal(new Rng(2), 0, 1, 3, 1, 28, 28);

  @Test
  void resnetSpecsRoundTripAndCountsAreExact() {
    assertEquals("resnet:width=32,blocks=1,stages=3", Models.parse("resnet").toString());
    for (String spec : new String[] {"resnet:width=32,blocks=1,stages=3", "resnet:width=4,blocks=2,stages=2", "resnet:width=3,blocks=1,stages=4", "resnet:width=5,blocks=3,stages=1"}) {
      Module m = Models.create(spec, 1);
      assertInstanceOf(ResNet.class, m);
      assertEquals(spec, Models.specOf(m));
      assertEquals(Models.parse(spec).parameters(), m.parameterCount(), spec + ": the spec's count");
      assertArrayEquals(new int[] {3, 10}, m.forward(Tape.inference().input(X)).shape().dims(), spec);
      assertArrayEquals(new int[] {3, 10}, m.forward(Tape.inference().input(Tensor.wrap(X.data(), dev.fivefold.tensor.Shape.of(3, 784)))).shape().dims(), spec + " from [N, 784]");
    }
    assertEquals(308_746, Models.create("resnet", 1).parameterCount(), "as PyTorch counts the same net (bench/torch_reference.py)");
    assertEquals("resnet:width=16,blocks=1,stages=3", Models.parse("resnet:width=16").toString());
  }

  /** Batch statistics in training, running statistics in evaluation: the two forwards differ, and evaluation does not depend on the batch. */
  @Test
  void resnetTrainAndEvalModesDiffer() {
    Module m = Models.create("resnet:width=4,blocks=1,stages=2", 1);
    Tape t = Tape.training();
    float[] train = m.forward(t.input(X)).data().clone();
    m.eval();
    float[] eval = m.forward(Tape.inference().input(X)).data().clone();
    assertFalse(java.util.Arrays.equals(train, eval));
    Tensor first = Tensor.wrap(java.util.Arrays.copyOf(X.data(), 784), dev.fivefold.tensor.Shape.of(1, 1, 28, 28));
    float[] alone = m.forward(Tape.inference().input(first)).data();
    for (int j = 0; j < 10; j++) assertEquals(eval[j], alone[j], 1e-5f, "an image's eval logits do not depend on the rest of the batch");
  }

  @Test
  void lenet5NormSpecs() {
    for (String spec : new String[] {"lenet5:norm=bn", "lenet5:norm=lrn", "lenet5:6-16-100,norm=bn", "lenet5:3-5-7,norm=lrn"}) {
      Module m = Models.create(spec, 1);
      assertEquals(spec, Models.specOf(m));
      assertArrayEquals(new int[] {3, 10}, m.forward(Tape.inference().input(X)).shape().dims(), spec);
    }
    assertEquals("lenet5", Models.parse("lenet5:norm=none").toString());
    assertEquals("lenet5:6-16-100", Models.parse("lenet5:6-16-100,norm=none").toString());
    assertEquals(431_080 + 2 * (20 + 50), Models.create("lenet5:norm=bn", 1).parameterCount());
    assertEquals(431_080, Models.create("lenet5:norm=lrn", 1).parameterCount());
    assertTrue(Models.create("lenet5:norm=bn", 1).namedBuffers().containsKey("bn2.running_var"));
  }

  /** norm=none is today's LeNet-5 bit for bit; bn and lrn draw the same weights (the norms draw nothing). */
  @Test
  void lenet5WithoutNormIsTheOldModel() {
    Module plain = new LeNet5(20, 50, 500, 7), none = Models.create("lenet5:norm=none", 7), bn = Models.create("lenet5:norm=bn", 7);
    assertEquals(plain.namedParameters().keySet(), none.namedParameters().keySet());
    assertEquals(List.copyOf(plain.namedModules().keySet()), List.copyOf(none.namedModules().keySet()));
    for (var e : plain.namedParameters().entrySet()) {
      assertArrayEquals(e.getValue().value().data(), none.namedParameters().get(e.getKey()).value().data(), e.getKey());
      assertArrayEquals(e.getValue().value().data(), bn.namedParameters().get(e.getKey()).value().data(), "bn: " + e.getKey());
    }
    Tape a = Tape.training(), b = Tape.training();
    Var la = F.crossEntropy(plain.forward(a.input(X)), new int[] {1, 2, 3}), lb = F.crossEntropy(none.forward(b.input(X)), new int[] {1, 2, 3});
    assertEquals(la.item(), lb.item(), 0f);
    a.backward(la);
    b.backward(lb);
    for (var e : plain.namedParameters().entrySet()) assertArrayEquals(e.getValue().grad(), none.namedParameters().get(e.getKey()).grad(), e.getKey());
    assertNotEquals(Models.create("lenet5:norm=lrn", 7).forward(Tape.inference().input(X)).data()[0], plain.forward(Tape.inference().input(X)).data()[0]);
  }

  @Test
  void badValuesAreNamedInOneLine() {
    Map<String, String> cases = Map.ofEntries(
        Map.entry("lenet5:norm=foo", "norm (foo) must be one of none, lrn, bn"),
        Map.entry("lenet5:6-16-100,norm=", "norm () must be one of"),
        Map.entry("lenet5:6-16-100,width=3", "lenet5 key (width) must be one of norm"),
        Map.entry("lenet5:6-16,norm=bn", "C1-C2-H"),
        Map.entry("resnet:width=0", "width (0) must be >= 1"),
        Map.entry("resnet:width=-4", "width (-4) must be >= 1"),
        Map.entry("resnet:blocks=0", "blocks (0) must be >= 1"),
        Map.entry("resnet:stages=5", "stages (5) must be in [1, 4]"),
        Map.entry("resnet:width=x", "width (x) is not an integer"),
        Map.entry("resnet:depth=3", "resnet key (depth) must be one of width, blocks, stages"),
        Map.entry("resnet:width", "'width' is not key=value"),
        Map.entry("resnet:width=1000000,stages=4", "must be <= 2^20"));
    for (var e : cases.entrySet()) {
      String msg = assertThrows(IllegalArgumentException.class, () -> Models.parse(e.getKey()), e.getKey()).getMessage();
      assertTrue(msg.contains(e.getValue()), e.getKey() + ": " + msg);
      assertTrue(msg.startsWith("model spec (" + e.getKey() + ")"), e.getKey() + ": " + msg);
      assertFalse(msg.contains("\n"), msg);
    }
  }

  /** The norms' parameters are not decayed (as LayerNorm's). */
  @Test
  void normGainsAndBiasesAreNotDecayed() {
    for (var e : Models.create("resnet:width=2,blocks=1,stages=1", 1).namedParameters().entrySet()) {
      Parameter p = e.getValue();
      assertEquals(e.getKey().endsWith("weight") && !e.getKey().contains("bn") && !e.getKey().contains("downsample.1"), p.decay(), e.getKey());
    }
  }
}
