package dev.fivefold.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.nn.Parameter;
import dev.fivefold.optim.GradientTransform;
import dev.fivefold.optim.LearningRate;
import dev.fivefold.optim.Optimizer;
import dev.fivefold.optim.Optimizers;
import dev.fivefold.optim.Transforms;
import dev.fivefold.perception.Mlp;
import dev.fivefold.tensor.Tensor;
import dev.fivefold.train.TrainObserver;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PruningTest {
  static Mlp mlp() {
    return new Mlp(new int[] {8, 32, 16, 4}, "relu", 7);
  }

  static void assertPrunedZero(Masks m) {
    for (var e : m.masks().entrySet()) {
      float[] w = m.parameters().get(e.getKey()).value().data();
      for (int i = 0; i < w.length; i++) if (!e.getValue()[i]) assertEquals(0f, w[i], e.getKey() + "[" + i + "]");
    }
  }

  @Test
  void perLayerQualityUsesStdThreshold() {
    Mlp m = mlp();
    Map<String, Parameter> ws = Pruner.weights(m);
    assertEquals(3, ws.size());
    Map<String, Tensor> before = m.stateDict();
    Masks masks = Pruner.perLayerQuality(ws, 0.7);
    for (var e : ws.entrySet()) {
      float[] w0 = before.get(e.getKey()).data();
      double t = 0.7 * Pruner.std(w0);
      boolean[] k = masks.mask(e.getKey());
      for (int i = 0; i < w0.length; i++) assertEquals(Math.abs(w0[i]) > t, k[i]);
    }
    assertPrunedZero(masks);
    assertTrue(masks.sparsity() > 0.3 && masks.sparsity() < 0.7, "sparsity " + masks.sparsity());
  }

  @Test
  void perLayerAndGlobalHitTheRequestedSparsity() {
    Mlp m = mlp();
    Map<String, Parameter> ws = Pruner.weights(m);
    Masks per = Pruner.perLayerSparsity(ws, 0.8);
    for (var e : ws.entrySet()) assertEquals(Math.floor(0.8 * e.getValue().size()), e.getValue().size() - per.kept(e.getKey()));
    Mlp g = mlp();
    Map<String, Parameter> gw = Pruner.weights(g);
    float thr = Pruner.globalThreshold(gw, 0.9);
    Masks glob = Pruner.global(gw, 0.9);
    long total = 0, pruned = 0;
    for (var e : gw.entrySet()) {
      total += e.getValue().size();
      pruned += e.getValue().size() - glob.kept(e.getKey());
    }
    assertEquals((long) Math.floor(0.9 * total), pruned);
    // one threshold: every pruned |w| ≤ thr ≤ every kept |w|
    Map<String, Tensor> orig = mlp().stateDict();
    for (var e : gw.entrySet()) {
      float[] w0 = orig.get(e.getKey()).data();
      boolean[] k = glob.mask(e.getKey());
      for (int i = 0; i < w0.length; i++) assertTrue(k[i] ? Math.abs(w0[i]) >= thr : Math.abs(w0[i]) <= thr);
    }
    // layers differ under a global threshold (fc3 is small with larger weights)
    assertTrue(glob.sparsity("fc1.weight") != glob.sparsity("fc3.weight"));
  }

  @Test
  void masksHoldThroughTrainingWithMomentumAndDecay() {
    Synthetic data = new Synthetic(64, 8, 4, 1);
    Mlp m = mlp();
    Masks masks = Pruner.global(Pruner.weights(m), 0.75);
    Optimizer opt = Optimizers.sgd(m.parameters(), 0.1, 0.9, false, 1e-2);
    float l0 = data.loss(m);
    for (int s = 0; s < 30; s++) {
      data.lossAndBackward(m);
      masks.step(opt);
      assertPrunedZero(masks);
    }
    assertTrue(data.loss(m) < l0);
    // the observer form and the GradientTransform form
    TrainObserver obs = masks.observer();
    Optimizer opt2 = Optimizers.adam(m.parameters(), 1e-2);
    data.lossAndBackward(m);
    opt2.step();
    obs.onStep(new TrainObserver.Step(1, 1, 0, 0, 0, 0, 0));
    assertPrunedZero(masks);
    LearningRate lr = new LearningRate(0.1);
    Optimizer opt3 = new Optimizer("masked-momentum",
        GradientTransform.chain(Transforms.traceMomentum(0.9, false), Transforms.scaleByLearningRate(lr), masks.maskUpdates()), lr, m.parameters());
    for (int s = 0; s < 5; s++) {
      data.lossAndBackward(m);
      opt3.step();
      assertPrunedZero(masks);
    }
  }

  @Test
  void cubicRampValues() {
    SparsitySchedule s = new SparsitySchedule(0.0, 0.9, 10, 100, 10);
    assertEquals(0.0, s.at(0));
    assertEquals(0.0, s.at(10));
    assertEquals(0.9 - 0.9 * 0.125, s.at(60), 1e-12); // (1 − 0.5)³ = 1/8
    assertEquals(0.9 - 0.9 * Math.pow(0.75, 3), s.at(35), 1e-12);
    assertEquals(0.9, s.at(110));
    assertEquals(0.9, s.at(1000));
    assertTrue(s.updateAt(20) && !s.updateAt(25) && !s.updateAt(120));
    for (long t = 1; t < 200; t++) assertTrue(s.at(t) >= s.at(t - 1));
  }

  @Test
  void gradualPruningReachesTheTargetAndKeepsMasks() {
    Synthetic data = new Synthetic(64, 8, 4, 2);
    Mlp m = mlp();
    Pruner pruner = new Pruner(Pruner.weights(m), Pruner.Scope.PER_LAYER);
    GradualPruning gp = new GradualPruning(pruner, new SparsitySchedule(0, 0.8, 0, 20, 5));
    Optimizer opt = Optimizers.sgd(m.parameters(), 0.05, 0.9, false, 0);
    for (int s = 0; s < 30; s++) {
      data.lossAndBackward(m);
      gp.step(opt);
      assertPrunedZero(gp.masks());
      assertEquals(new SparsitySchedule(0, 0.8, 0, 20, 5).at(5 * (opt.steps() / 5)), gp.masks().sparsity("fc1.weight"), 0.01);
    }
    assertEquals(0.8, pruner.squash().sparsity(), 0.01);
  }

  @Test
  void lotteryTicketRewindsKeptWeights() {
    Synthetic data = new Synthetic(64, 8, 4, 3);
    Mlp m = mlp();
    LotteryTicket lt = new LotteryTicket(m, 0.5, Pruner.Scope.GLOBAL);
    Map<String, Tensor> init = lt.rewindPoint();
    LotteryTicket.Training train = masks -> {
      Optimizer opt = Optimizers.sgd(m.parameters(), 0.1, 0, false, 0);
      for (int s = 0; s < 10; s++) {
        data.lossAndBackward(m);
        masks.step(opt);
      }
    };
    for (int r = 1; r <= 3; r++) {
      Masks masks = lt.round(train);
      assertEquals(lt.sparsityAfter(r), masks.sparsity(), 1e-3);
      for (var e : m.namedParameters().entrySet()) {
        float[] w = e.getValue().value().data(), w0 = init.get(e.getKey()).data();
        boolean[] k = masks.mask(e.getKey());
        for (int i = 0; i < w.length; i++) assertEquals(k == null || k[i] ? w0[i] : 0f, w[i]);
      }
    }
    assertEquals(0.875, lt.sparsityAfter(3), 1e-12);
  }
}
