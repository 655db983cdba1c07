package dev.fivefold.perception;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Tape;
import dev.fivefold.autodiff.Var;
import dev.fivefold.io.SafeTensors;
import dev.fivefold.nn.Linear;
import dev.fivefold.nn.Module;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The families' one forward with hooks, copies, CSR layers, their specs and loading from a file. */
class OneForwardTest {
  @Test
  void hooksSeeEveryLayerInOrderAndCloseRemovesThem() {
    Mlp m = new Mlp(new int[] {6, 5, 4, 3}, "tanh", 1);
    Tensor x = Tensor.normal(new Rng(2), 0, 1, 2, 6);
    List<String> names = new ArrayList<>();
    List<float[]> outs = new ArrayList<>();
    Var y;
    try (var h = m.hook((name, module, out) -> {
      names.add(name);
      outs.add(out.data().clone());
    })) {
      y = m.forward(Tape.inference().input(x));
    }
    assertEquals(List.of("fc1", "act1", "fc2", "act2", "fc3"), names);
    assertArrayEquals(y.data(), outs.getLast());
    Tape t = Tape.inference();
    assertArrayEquals(F.tanh(m.layers().getFirst().forward(t.input(x))).data(), outs.get(1));
    m.forward(Tape.inference().input(x));
    assertEquals(5, names.size(), "a closed hook sees nothing");
    List<String> cnn = new ArrayList<>();
    LeNet5 l = new LeNet5(2, 3, 4, 1);
    try (var h = l.hook((name, module, out) -> cnn.add(name + out.shape()))) {
      l.forward(Tape.inference().input(Tensor.zeros(1, 1, 28, 28)));
    }
    assertEquals("conv1[1, 2, 24, 24]", cnn.getFirst());
    assertEquals("fc2[1, 10]", cnn.getLast());
  }

  @Test
  void copyIsDeepWithTheSameForwardAndMode() {
    for (Module m : List.<Module>of(new Mlp(new int[] {8, 6, 3}, "relu", 4), new LeNet5(2, 3, 5, 4), Models.create("gpt:vocab=7,context=4,layers=1,heads=1,width=4", 3))) {
      m.eval();
      Module c = m.copy();
      assertNotSame(m, c);
      assertEquals(Models.specOf(m), Models.specOf(c));
      assertFalse(c.isTraining());
      for (var e : m.namedParameters().entrySet()) {
        var p = c.namedParameters().get(e.getKey());
        assertNotSame(e.getValue().value(), p.value());
        assertArrayEquals(e.getValue().value().data(), p.value().data(), e.getKey());
      }
      c.namedParameters().values().iterator().next().value().data()[0] += 1; // the copy's weights are its own
      assertFalse(m.namedParameters().values().iterator().next().value().data()[0] == c.namedParameters().values().iterator().next().value().data()[0]);
    }
    Mlp m = new Mlp(new int[] {8, 6, 3}, "relu", 4);
    m.layers().getFirst().sparsify();
    assertTrue(((Mlp) m.copy()).layers().getFirst().isSparse(), "CSR layers stay CSR in a copy");
    assertThrows(UnsupportedOperationException.class, () -> new Ensemble(List.of(new Mlp(new int[] {2, 2}, "relu", 1))).copy());
  }

  @Test
  void csrLayersAreInferenceOnlyAndDensifyBack() {
    Linear l = new Linear(5, 3, new Rng(1));
    l.weight().value().data()[2] = 0;
    Tensor x = Tensor.normal(new Rng(3), 0, 1, 4, 5);
    float[] dense = l.forward(Tape.inference().input(x)).data().clone();
    assertEquals(15, l.multiplyAdds());
    l.sparsify();
    assertEquals(14, l.multiplyAdds());
    float[] sparse = l.forward(Tape.inference().input(x)).data();
    for (int i = 0; i < dense.length; i++) assertEquals(dense[i], sparse[i], 1e-5f);
    var e = assertThrows(IllegalStateException.class, () -> l.forward(Tape.training().input(x)));
    assertTrue(e.getMessage().contains("densify"), e.getMessage());
    l.densify();
    assertArrayEquals(dense, l.forward(Tape.training().input(x)).data());
  }

  @Test
  void everyFamilyPrintsASpecItParsesBack() {
    for (String s : List.of("mlp:784-300-100-10:relu", "mlp:12-10-7-5-4-3-2:tanh", "lenet5", "lenet5:6-16-100",
        "gpt:vocab=65,context=32,layers=2,heads=2,width=16,dropout=0.1")) {
      ModelSpec spec = Models.parse(s);
      assertEquals(s, spec.toString());
      assertEquals(spec, Models.parse(spec.toString()));
      assertEquals(s, Models.specOf(spec.build(1)));
    }
    assertEquals("mlp:784-300-100-10:relu", Models.parse("mlp").toString());
    assertEquals("lenet5", Models.parse("lenet5:20-50-500").toString());
    assertEquals(Models.parse("mlp").family(), "mlp");
    assertEquals("model (densenet) must name a family: one of mlp, lenet300100, lenet5, gpt, vit, resnet, lstm, gru, e.g. mlp:784-300-100-10, lenet5:6-16-100, vit:patch=4,width=64",
        assertThrows(IllegalArgumentException.class, () -> Models.parse("densenet")).getMessage());
    assertTrue(Models.create("mlp", 1) instanceof ImageClassifier c && c.features() == 784 && c.classes() == 10);
    assertTrue(Models.create("lenet5", 1) instanceof ImageClassifier c && c.inputShape().length == 3);
    assertTrue(Models.create("gpt:vocab=9", 1) instanceof LanguageModel g && g.vocab() == 9 && g.context() == 128);
  }

  /** A checkpoint (tensors model.*) and a plain weights file load into the model their metadata names, with the same weights. */
  @Test
  void loadRebuildsTheModelAFileNames() throws Exception {
    LeNet5 m = new LeNet5(2, 3, 4, 9);
    Path dir = Files.createTempDirectory("fivefold-load");
    Map<String, Tensor> plain = m.stateDict(), prefixed = new LinkedHashMap<>();
    for (var e : plain.entrySet()) prefixed.put("model." + e.getKey(), e.getValue());
    prefixed.put("optimizer.m.0", Tensor.zeros(1));
    SafeTensors.write(dir.resolve("w.safetensors"), plain, Map.of("model", "lenet5:2-3-4"));
    SafeTensors.write(dir.resolve("c.safetensors"), prefixed, Map.of("model", "lenet5:2-3-4", "step", "5"));
    for (String f : List.of("w.safetensors", "c.safetensors")) {
      LoadedModel l = Models.load(dir.resolve(f));
      assertEquals("lenet5:2-3-4", l.spec());
      assertArrayEquals(m.namedParameters().get("fc1.weight").value().data(), l.model().namedParameters().get("fc1.weight").value().data());
      assertEquals(l.model(), l.imageClassifier());
      assertTrue(assertThrows(dev.fivefold.io.BadInputException.class, l::languageModel).getMessage().contains("lenet5:2-3-4"));
    }
    var e = assertThrows(dev.fivefold.io.BadInputException.class, () -> Models.load(dir.resolve("w.safetensors"), "mlp"));
    assertTrue(e.getMessage().contains("w.safetensors"), e.getMessage());
  }
}
