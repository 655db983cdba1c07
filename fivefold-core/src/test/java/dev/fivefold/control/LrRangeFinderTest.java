package dev.fivefold.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.nn.Parameter;
import dev.fivefold.optim.Optimizer;
import dev.fivefold.optim.Optimizers;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The learning-rate range finder: sweep, early stop, hand-over at lowest-loss rate / divisor, the sweep undone, state. */
class LrRangeFinderTest {
  /** A plant whose loss is lowest near η = 0.01 and rises steeply above it. */
  static double plantLoss(double lr) {
    double x = Math.log10(lr) + 2;
    return 1 + x * x;
  }

  double[] handed = {Double.NaN, Double.NaN};

  LrRangeFinder test() {
    return new LrRangeFinder(60, 1e-5, 1, 1.5, LrRangeFinder.Pick.LOWEST, 10, (lr, r) -> {
      handed[0] = lr;
      handed[1] = r;
      return Controller.open(Schedules.constant(lr));
    });
  }

  @Test
  void sweepsStopsAndHandsOverBelowTheLowestLossRate() {
    LrRangeFinder t = test();
    double lr = t.next(Signals.start(0, 0, 0));
    assertEquals(1e-5, lr, 1e-12);
    long step = 1;
    while (t.endedAt() < 0 && step < 100) {
      lr = t.next(new Signals(step, 0, plantLoss(lr), Double.NaN, Double.NaN, lr * 10, null, lr, null));
      step++;
    }
    assertTrue(t.endedAt() > 0 && t.endedAt() < 60, "stopped early when the loss rose: " + t.endedAt());
    // the lowest smoothed loss lags the sweep a little: the chosen rate is within ~3× of 0.01/10
    assertTrue(t.chosenRate() > 3e-4 && t.chosenRate() < 3e-3, "chosen " + t.chosenRate());
    assertEquals(t.chosenRate(), handed[0], 0);
    assertEquals(t.chosenRate(), lr, 0); // the inner controller runs from the chosen rate
    assertTrue(handed[1] > 0, "update ratio measured below the chosen rate");
    Map<String, String> st = t.saveState();
    LrRangeFinder u = test();
    u.loadState(st, "test");
    assertEquals(t.chosenRate(), u.chosenRate(), 0);
    assertEquals(lr, u.next(new Signals(step, 0, 1, 1, Double.NaN, Double.NaN, null, lr, null)), 0);
  }

  /** Loss ½·λ·‖θ‖² on 16 coordinates, gradient λθ plus Gaussian noise of σ 0.1 per coordinate. */
  static final class Quadratic {
    final double lambda;
    final Parameter p;
    final Rng rng = new Rng(7);

    Quadratic(double lambda) {
      this.lambda = lambda;
      float[] v = new float[16];
      java.util.Arrays.fill(v, 1f);
      p = new Parameter(Tensor.of(v, v.length));
    }

    /** Sets the noisy gradient and returns the loss at the current θ. */
    double lossAndGrad() {
      float[] th = p.value().data(), g = p.grad();
      double l = 0;
      for (int j = 0; j < th.length; j++) {
        l += 0.5 * lambda * th[j] * th[j];
        g[j] = (float) (lambda * th[j] + 0.1 * rng.nextGaussian());
      }
      return l;
    }
  }

  /** Runs {@code c} on the optimizer until the range test hands over; returns the parameters and state after each step. */
  static List<float[]> sweep(LrRangeFinder c, Quadratic q, Optimizer o, List<Map<String, Tensor>> states) {
    LoopRewinder rw = new LoopRewinder(q.p, o);
    c.attach(rw);
    List<float[]> params = new ArrayList<>();
    params.add(q.p.value().data().clone());
    states.add(state(o));
    double loss = Double.NaN;
    for (long step = 0; c.endedAt() < 0 && step < 500; step++) {
      Signals s = step == 0 ? Signals.start(0, 0, 0) : new Signals(step, 0, loss, Double.NaN, Double.NaN, 1e-3, null, 0, null);
      o.learningRate().set(c.next(s));
      rw.apply();
      if (c.endedAt() >= 0) break;
      loss = q.lossAndGrad();
      o.step();
      params.add(q.p.value().data().clone());
      states.add(state(o));
    }
    return params;
  }

  /** The loop's side of the finder's requests, as the trainer carries them out: copies of θ and the optimizer's state. */
  static final class LoopRewinder implements Rewinder {
    final Parameter p;
    final Optimizer o;
    final Map<String, Object[]> kept = new HashMap<>();
    Object[] pending;

    LoopRewinder(Parameter p, Optimizer o) {
      this.p = p;
      this.o = o;
    }

    public void keep(String tag) {
      kept.put(tag, new Object[] {p.value().data().clone(), state(o)});
    }

    public void rewind(String tag) {
      pending = kept.get(tag);
      if (pending == null) throw new IllegalArgumentException("no state kept under " + tag);
    }

    public void forget(String prefix) {
      kept.keySet().removeIf(k -> k.startsWith(prefix));
    }

    @SuppressWarnings("unchecked")
    void apply() {
      if (pending == null) return;
      float[] th = (float[]) pending[0];
      System.arraycopy(th, 0, p.value().data(), 0, th.length);
      o.loadState((Map<String, Tensor>) pending[1], Map.of(), "kept");
      o.zeroGrad();
      pending = null;
    }
  }

  static Map<String, Tensor> state(Optimizer o) {
    Map<String, Tensor> st = new HashMap<>();
    o.saveState(st, new HashMap<>());
    return st;
  }

  @Test
  void theSweepPastTheChosenRateIsUndoneBitForBit() {
    for (LrRangeFinder.Pick pick : LrRangeFinder.Pick.values()) {
      Quadratic q = new Quadratic(10);
      Optimizer adam = Optimizers.adam(List.of(q.p), 1e-3);
      for (int k = 0; k < 5; k++) { // a few steps first: the state to restore has non-zero moments and step count
        q.lossAndGrad();
        adam.step();
      }
      LrRangeFinder t = new LrRangeFinder(80, 1e-4, 10, 1.5, pick, pick == LrRangeFinder.Pick.LOWEST ? 10 : 1,
          (lr, r) -> Controller.open(Schedules.constant(lr)));
      List<Map<String, Tensor>> states = new ArrayList<>();
      List<float[]> params = sweep(t, q, adam, states);
      assertTrue(t.endedAt() > 3 && t.endedAt() < 80, pick + ": the sweep ended when the loss rose: " + t.endedAt());
      int k = (int) t.restoredTo(); // the sweep started at step 0: the state after k sweep steps
      assertTrue(k >= 0 && k < t.endedAt(), pick + ": restored to " + k);
      List<double[]> sw = t.sweep();
      for (int i = 0; i < k; i++) assertTrue(sw.get(i)[0] <= t.chosenRate(), pick + ": step " + i + " ran at " + sw.get(i)[0] + " > chosen");
      int every = (80 + LrRangeFinder.SNAPSHOTS - 1) / LrRangeFinder.SNAPSHOTS, next = k + every; // snapshots every ⌈n/32⌉ steps
      if (next < t.endedAt()) assertTrue(sw.get(next - 1)[0] > t.chosenRate(), pick + ": the latest snapshot at or below the chosen rate");
      assertArrayEquals(params.get(k), q.p.value().data(), pick + ": parameters after step " + k);
      assertEquals(5 + k, adam.steps(), pick + ": optimizer step count");
      Map<String, Tensor> now = state(adam);
      assertEquals(states.get(k).keySet(), now.keySet());
      for (String key : now.keySet()) assertArrayEquals(states.get(k).get(key).data(), now.get(key).data(), pick + ": " + key);
      for (float g : q.p.grad()) assertEquals(0f, g); // no gradient left over from the sweep
      // what was undone had been damaged: the sweep ended with the loss well above its lowest
      double atEnd = 0, lowest = Double.POSITIVE_INFINITY;
      for (float[] p : params) {
        double l = 0;
        for (float x : p) l += x * x;
        lowest = Math.min(lowest, l);
        atEnd = l;
      }
      assertTrue(atEnd > 1.5 * lowest, pick + ": ‖θ‖² at the end " + atEnd + " > 1.5 × the lowest " + lowest);
    }
  }

  /** A plant shaped like a real range test: flat, a steep fall centred at η = 1e-3, a floor, a blow-up above 0.1. */
  static double sigmoidPlant(double lr) {
    double x = Math.log10(lr) + 3;
    return 1 + 2 / (1 + Math.exp(3 * x)) + (lr > 0.1 ? 50 * (lr - 0.1) : 0);
  }

  @Test
  void steepestPicksTheFallNotTheFloor() {
    LrRangeFinder t = new LrRangeFinder(60, 1e-6, 1, 1.5, LrRangeFinder.Pick.STEEPEST, 1, (lr, r) -> Controller.open(Schedules.constant(lr)));
    double lr = t.next(Signals.start(0, 0, 0));
    for (long step = 1; t.endedAt() < 0 && step < 100; step++) lr = t.next(new Signals(step, 0, sigmoidPlant(lr), Double.NaN, Double.NaN, lr, null, lr, null));
    assertTrue(t.endedAt() > 0, "ended");
    // the smoothed loss lags the sweep by about four steps (a factor 10^(4·6/59) ≈ 2.6 in rate), so the fall reads late
    assertTrue(t.chosenRate() > 1e-3 && t.chosenRate() < 4e-3, "chosen " + t.chosenRate() + " near the fall at 1e-3");
    assertEquals(t.chosenRate(), lr, 0);
  }

  @Test
  void theInnerControllerSeesTheRunFromTheHandOver() {
    List<Signals> seen = new ArrayList<>();
    LrRangeFinder t = new LrRangeFinder(20, 1e-5, 1, 1.5, LrRangeFinder.Pick.LOWEST, 10, (lr, r) -> s -> {
      seen.add(s);
      return lr;
    });
    double lr = t.next(Signals.start(0, 0, 0));
    long step = 1;
    for (; t.endedAt() < 0; step++) lr = t.next(new Signals(step, step / 100.0, plantLoss(lr), 7, Double.NaN, 1e-3, null, lr, null));
    assertEquals(1, seen.size());
    assertEquals(0, seen.getFirst().step()); // the sweep's last loss is of a state undone: no sensors
    assertTrue(Double.isNaN(seen.getFirst().loss()) && Double.isNaN(seen.getFirst().smoothedLoss()));
    for (int k = 1; k <= 3; k++, step++) t.next(new Signals(step, step / 100.0, 2.0 + k, 99, Double.NaN, 1e-3, null, lr, null));
    assertEquals(3, seen.getLast().step());
    assertEquals(step / 100.0 - 0.01, seen.getLast().progress(), 1e-12); // progress stays the run's
    // its own bias-corrected EMA (β 0.98) of the losses since the hand-over, not the trainer's 99
    double ema = 0, w = 0;
    for (int k = 1; k <= 3; k++) {
      ema = 0.98 * ema + 0.02 * (2.0 + k);
      w = 0.98 * w + 0.02;
    }
    assertEquals(ema / w, seen.getLast().smoothedLoss(), 1e-12);
  }

  @Test
  void onANoisyQuadraticThePickedRateIsStableAndNotTiny() {
    // SGD on ½λθ² diverges above η = 2/λ and converges fastest at 1/λ
    for (LrRangeFinder.Pick pick : LrRangeFinder.Pick.values()) for (double lambda : new double[] {1, 10, 100}) {
      Quadratic q = new Quadratic(lambda);
      Optimizer sgd = Optimizers.sgd(List.of(q.p), 1e-3, 0, false, 0);
      LrRangeFinder t = new LrRangeFinder(50, 1e-4 / lambda, 1e2 / lambda, 1.5, pick, pick == LrRangeFinder.Pick.LOWEST ? 10 : 1, (lr, r) -> Controller.open(Schedules.constant(lr)));
      sweep(t, q, sgd, new ArrayList<>());
      double edge = 2 / lambda;
      assertTrue(t.endedAt() < 50, pick + " λ " + lambda + ": the sweep stopped when the loss rose (step " + t.endedAt() + ")");
      assertTrue(t.chosenRate() < edge / 2 && t.chosenRate() > edge / 100, pick + " λ " + lambda + ": chosen " + t.chosenRate() + " vs 2/λ " + edge);
    }
  }

  @Test
  void invalidSettingsFail() {
    assertThrows(IllegalArgumentException.class, () -> new LrRangeFinder(1, 1e-5, 1, 1.5, LrRangeFinder.Pick.LOWEST, 10, (a, b) -> null));
    assertThrows(IllegalArgumentException.class, () -> new LrRangeFinder(10, 1e-2, 1e-3, 1.5, LrRangeFinder.Pick.LOWEST, 10, (a, b) -> null));
    assertThrows(IllegalArgumentException.class, () -> new LrRangeFinder(10, 1e-5, 1, 1, LrRangeFinder.Pick.LOWEST, 10, (a, b) -> null));
    assertThrows(IllegalArgumentException.class, () -> new LrRangeFinder(10, 1e-5, 1, 1.5, LrRangeFinder.Pick.LOWEST, 10, null));
    assertThrows(IllegalArgumentException.class, () -> new LrRangeFinder(10, 1e-5, 1, 1.5, null, 1, (a, b) -> null));
  }
}
