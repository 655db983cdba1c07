package dev.fivefold.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.data.Dataset;
import dev.fivefold.data.TinyImages;
import dev.fivefold.perception.Mlp;
import dev.fivefold.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LotteryExperimentTest {
  @Test
  void masksHaveTheRequestedSparsityRoundByRound() {
    Dataset train = TinyImages.bands(256, 1), test = TinyImages.bands(64, 2);
    List<Integer> seen = new ArrayList<>();
    var r = LotteryExperiment.run(train, test, new LotteryExperiment.Config(2, 0.5, Pruner.Scope.PER_LAYER, 1, 3, 1.2e-3, 32, 1),
        x -> seen.add(x.round()));
    assertEquals(List.of(0, 1, 2), seen);
    for (LotteryExperiment.Round x : r.rounds()) {
      assertEquals(Math.pow(0.5, x.round()), x.remaining(), 1e-12);
      assertEquals(1 - x.remaining(), x.sparsity(), 1e-3);
      assertTrue(x.ticket() >= 0 && x.ticket() <= 1 && x.random() >= 0 && x.random() <= 1);
    }
    assertEquals(r.rounds().getFirst().ticket(), r.rounds().getFirst().random()); // the dense network: one run
    assertEquals(0.75, r.masks().sparsity(), 1e-3);
    for (String layer : r.masks().masks().keySet()) assertEquals(0.75, r.masks().sparsity(layer), 1e-3);
  }

  @Test
  void randomReinitDiffersFromTheRewindButKeepsTheMask() {
    Mlp m = Mlp.lenet300100(1);
    LotteryTicket lt = new LotteryTicket(m, 0.5, Pruner.Scope.GLOBAL);
    Map<String, Tensor> rewind = lt.rewindPoint();
    lt.round(masks -> {}); // prune half by magnitude of the initial weights, rewind
    Map<String, Tensor> init = Mlp.lenet300100(1 + LotteryExperiment.REINIT_SEED_OFFSET).stateDict();
    lt.randomReinit(init);
    for (var e : m.namedParameters().entrySet()) {
      float[] w = e.getValue().value().data(), w0 = rewind.get(e.getKey()).data(), wi = init.get(e.getKey()).data();
      boolean[] k = lt.masks().mask(e.getKey());
      for (int i = 0; i < w.length; i++) assertEquals(k == null || k[i] ? wi[i] : 0f, w[i], e.getKey() + "[" + i + "]");
      assertFalse(Arrays.equals(w, w0), e.getKey() + " equals the rewind point");
    }
    assertEquals(0.5, lt.masks().sparsity(), 1e-3);
  }

  @Test
  void configNamesTheBadArgument() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new LotteryExperiment.Config(2, 1.0, Pruner.Scope.PER_LAYER, 1, 0, 1e-3, 32, 1));
    assertEquals("rate (1.0) must be in (0, 1)", e.getMessage());
  }
}
