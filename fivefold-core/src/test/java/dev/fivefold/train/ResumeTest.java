package dev.fivefold.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.control.Annealed;
import dev.fivefold.control.Controller;
import dev.fivefold.control.DivergenceGuard;
import dev.fivefold.control.GradientCorrelation;
import dev.fivefold.control.LrRangeFinder;
import dev.fivefold.control.PidController;
import dev.fivefold.control.ReduceOnPlateau;
import dev.fivefold.control.Schedules;
import dev.fivefold.control.StabilityCap;
import dev.fivefold.control.Runs;
import dev.fivefold.data.Dataset;
import dev.fivefold.io.SafeTensors;
import dev.fivefold.optim.Clipping;
import dev.fivefold.optim.Optimizer;
import dev.fivefold.optim.Optimizers;
import dev.fivefold.perception.Mlp;
import dev.fivefold.tensor.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exact resume, controllers included: for each controller, the divergence guard, a plain schedule
 * and a clip, a run saved to a checkpoint file at step k and continued by a fresh model, optimizer,
 * task, controller and trainer restored from it ends bit-identical to the run never interrupted —
 * the whole {@link TrainState} (parameters, optimizer, sensors, controller, guard, kept copies) and
 * the sequence of learning rates, losses and smoothed losses on the way.
 */
class ResumeTest {
  @TempDir
  Path tmp;

  static final int STEPS = 96;

  /** A small MLP on {@link Runs#data}'s synthetic separable 3-class task: 16 steps an epoch, well under a millisecond each. */
  static Dataset data(long seed, int n) {
    return Runs.data(seed, n);
  }

  /** Builds a fresh trainer around a fresh model and optimizer; {@code setup} adds the controller, guard or clip. */
  static Trainer make(String optimizer, double lr, int steps, Function<Trainer, Trainer> setup) {
    Mlp m = new Mlp(new int[] {10, 32, 3}, "relu", 3);
    Optimizer opt = switch (optimizer) {
      case "sgd" -> Optimizers.sgd(m.parameters(), lr, 0, false, 0);
      case "momentum" -> Optimizers.sgd(m.parameters(), lr, 0.9, false, 0);
      default -> Optimizers.adam(m.parameters(), lr);
    };
    Trainer t = new Trainer(new ClassificationTask(m, data(1, 512), data(2, 256), 32, 5), opt, new TrainConfig(100, steps, 0, 0));
    return setup.apply(t);
  }

  record Case(String name, int steps, java.util.function.Supplier<Trainer> maker) {}

  static final LrRangeFinder[] FINDER = new LrRangeFinder[1];

  static List<Case> cases() {
    int n = STEPS;
    return List.of(
        new Case("schedule", n, () -> make("sgd", 0.5, n, t -> t.controller(Controller.open(Schedules.warmupCosine(0.5, 10, 0.1))))),
        new Case("clip", n, () -> make("momentum", 0.1, n, t -> {
          t.optimizer().prepend(Clipping.byGlobalNorm(0.05));
          return t.controller(Controller.open(Schedules.constant(0.1)));
        })),
        new Case("plateau", n, () -> make("adam", 1e-2, n, t -> t.controller(new ReduceOnPlateau(1e-2, 5, 8, 0.5, 1e-3, 4, 1e-5)))),
        new Case("pid-ratio", n, () -> make("adam", 1e-2, n, t -> t.controller(PidController.updateRatio(1e-3, 1e-2)))),
        new Case("pid-loss", n, () -> make("adam", 1e-2, n, t -> t.controller(PidController.lossDecrease(1e-3, 1e-2)))),
        new Case("stability-cap", n, () -> make("sgd", 2.0, n, t -> t.controller(new StabilityCap(Controller.open(Schedules.constant(2.0)), 10, 5, 1e-3, 0.9, 2)))),
        new Case("stability-cap-adam", 230, () -> make("adam", 1e-2, 230, t -> t.controller(StabilityCap.adam(Controller.open(Schedules.constant(1e-2)), t.optimizer())))),
        new Case("range+plateau", n, () -> make("adam", 1e-2, n, t -> t.controller(FINDER[0] = LrRangeFinder.defaults(n, (lr, r) -> new ReduceOnPlateau(lr, 0, 8, 0.5, 1e-3, 4, lr / 1000))))),
        new Case("range+annealed", n, () -> make("adam", 1e-2, n, t -> t.controller(FINDER[0] = LrRangeFinder.defaults(n, (lr, r) -> new Annealed(ReduceOnPlateau.forRun(lr, n)))))),
        new Case("range-early+pid", n, () -> make("adam", 1e-2, n, t -> t.controller(FINDER[0] = new LrRangeFinder(40, 1e-4, 3, 1.5, LrRangeFinder.Pick.STEEPEST, 1,
            (lr, r) -> new PidController("update_ratio", r > 0 ? r : 1e-3, lr, 0.1, 0.05, 0, lr * 1e-4, lr, Math.log(1e4), 0.9))))),
        new Case("annealed", n, () -> make("adam", 1e-2, n, t -> t.controller(new Annealed(new ReduceOnPlateau(1e-2, 0, 8, 0.5, 1e-3, 4, 1e-5))))),
        new Case("grad-corr", n, () -> make("momentum", 0.1, n, t -> t.controller(new GradientCorrelation(0.1, 10, 0.9, 1, 1e-4)))),
        new Case("guard", 160, () -> make("sgd", 20, 160, t -> t.guard(DivergenceGuard.defaults()))),
        new Case("guard+plateau", 160, () -> make("sgd", 20, 160, t -> t.guard(DivergenceGuard.defaults()).controller(new ReduceOnPlateau(20, 0, 8, 0.5, 1e-3, 4, 1e-3)))));
  }

  /** What a run shows on the way: per trainStep call, the step reached, its rate, loss, smoothed loss and lr scale. */
  static final class Trace {
    final List<Double> values = new ArrayList<>();
    final List<Integer> rollbackCalls = new ArrayList<>();
    int calls;

    void record(Trainer t, double loss) {
      calls++;
      values.addAll(List.of((double) t.step(), t.optimizer().learningRate().get(), loss, t.sensors().smoothedLoss(), t.lrScale()));
    }

    /** Runs {@code calls} steps of {@code t}, noting the calls during which the guard rolled back. */
    void run(Trainer t, int calls) {
      boolean[] rolled = {false};
      t.observe(new TrainObserver() {
        @Override
        public void onRollback(Rollback r) {
          rolled[0] = true;
        }
      });
      for (int i = 0; i < calls; i++) {
        rolled[0] = false;
        record(t, t.trainStep());
        if (rolled[0]) rollbackCalls.add(this.calls);
      }
    }
  }

  @Test
  void everyControllerAndTheGuardResumeBitIdentically() throws Exception {
    for (Case c : cases()) {
      Trainer straight = c.maker().get();
      LrRangeFinder finder = c.name().startsWith("range") ? FINDER[0] : null;
      Trace whole = new Trace();
      whole.run(straight, c.steps());
      TrainState end = straight.state();

      TreeSet<Integer> at = new TreeSet<>(List.of(1, c.steps() / 3, c.steps() / 2 + 1, c.steps() - 3));
      if (c.name().startsWith("range")) { // before, during and after the sweep's hand-over
        long ended = finder.endedAt();
        assertTrue(ended > 5 && finder.restoredTo() >= 0, c.name() + ": the sweep ended at " + ended + ", restored " + finder.restoredTo());
        at.addAll(List.of(3, (int) ended / 2, (int) ended - 1, (int) ended, (int) ended + 1, (int) ended + 5));
        FINDER[0] = null;
      }
      if (c.name().startsWith("guard")) {
        assertFalse(whole.rollbackCalls.isEmpty(), c.name() + ": the guard never rolled back");
        for (int k : whole.rollbackCalls.subList(0, Math.min(3, whole.rollbackCalls.size()))) at.addAll(List.of(k - 1, k, k + 1));
      }
      at.removeIf(k -> k < 1 || k >= c.steps());
      for (int k : at) {
        Trainer first = c.maker().get();
        Trace part = new Trace();
        part.run(first, k);
        Path file = tmp.resolve(c.name() + "-" + k + ".safetensors");
        Checkpoint.save(file, first, Map.of("note", "resume test"));
        first.trainStep(); // the object moves on; the file must not

        Trainer resumed = c.maker().get(); // a fresh model, optimizer, task, controller and trainer
        Checkpoint.restore(file, resumed);
        assertEquals(part.values.get(5 * k - 5).longValue(), resumed.step(), c.name() + " @" + k + ": step"); // the step reached by call k
        part.run(resumed, c.steps() - k);
        String where = c.name() + " resumed after call " + k;
        assertSameTrace(whole.values, part.values, where);
        assertSameState(end, resumed.state(), where);
      }
      System.out.printf("resume %-20s exact at calls %s (%d rollbacks)%s%n", c.name(), at, whole.rollbackCalls.size(),
          finder == null ? "" : String.format("; sweep ended at %d, rewound to %d, chose %.3g", finder.endedAt(), finder.restoredTo(), finder.chosenRate()));
    }
  }

  /** Bit for bit, naming the first step that differs (each call records step, rate, loss, smoothed loss, lr scale). */
  static void assertSameTrace(List<Double> a, List<Double> b, String where) {
    String[] what = {"step", "rate", "loss", "smoothed loss", "lr scale"};
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      if (!a.get(i).equals(b.get(i))) {
        throw new AssertionError(where + ": call " + (i / 5 + 1) + " " + what[i % 5] + " " + b.get(i) + ", uninterrupted " + a.get(i));
      }
    }
    assertEquals(a.size(), b.size(), where + ": calls recorded");
  }

  static void assertSameState(TrainState a, TrainState b, String where) {
    assertEquals(a.step(), b.step(), where + ": step");
    assertEquals(a.meta(), b.meta(), where + ": state strings");
    assertEquals(a.tensors().keySet(), b.tensors().keySet(), where + ": state tensors");
    for (String k : a.tensors().keySet()) assertArrayEquals(a.tensors().get(k).data(), b.tensors().get(k).data(), where + ": " + k);
  }

  /**
   * The bug this fixes: the smoothed loss a controller reads, at step 202, uninterrupted and
   * resumed at step 200. Before, the resumed EMA restarted at 0 while its bias correction used the
   * optimizer's restored step count.
   */
  @Test
  void smoothedLossAtStep202IsTheSameAfterResumingAt200() throws Exception {
    java.util.function.Supplier<Trainer> mk = () -> make("adam", 1e-2, 300, t -> t);
    Trainer straight = mk.get();
    for (int i = 0; i < 202; i++) straight.trainStep();
    double whole = straight.signals().smoothedLoss();

    Trainer first = mk.get();
    for (int i = 0; i < 200; i++) first.trainStep();
    Path file = tmp.resolve("at200.safetensors");
    Checkpoint.save(file, first, Map.of());
    Trainer resumed = mk.get();
    Checkpoint.restore(file, resumed);
    for (int i = 0; i < 2; i++) resumed.trainStep();
    double after = resumed.signals().smoothedLoss();
    System.out.printf("smoothed loss at step 202: uninterrupted %.6f, resumed at 200 %.6f%n", whole, after);
    assertEquals(whole, after, 0, "smoothed loss at step 202");
  }

  /** A rewind goes back to a snapshot's parameters and optimizer state, before the next step; the step count and the rate stay. */
  @Test
  void rewindRestoresTheSnapshotBeforeTheNextStep() {
    for (boolean withController : new boolean[] {false, true}) {
      Trainer t = make("adam", 1e-2, STEPS, x -> withController ? x.controller(Controller.open(Schedules.constant(1e-2))) : x);
      for (int i = 0; i < 3; i++) t.trainStep();
      TrainState s = t.snapshot();
      Trainer same = make("adam", 1e-2, STEPS, x -> x);
      for (int i = 0; i < 3; i++) same.trainStep();
      double next = same.trainStep(); // the loss of step 4 from the state after 3
      for (int i = 0; i < 4; i++) t.trainStep();
      t.rewind(s);
      t.task().loadState(stateBefore(3), "test"); // the batch of step 4 (a rewind leaves the data position alone)
      assertEquals(next, t.trainStep(), 0, "with controller " + withController + ": the step after the rewind starts from the snapshot");
      assertEquals(8, t.step(), "the step count is not rewound");
    }
  }

  private static Map<String, String> stateBefore(int steps) {
    Trainer u = make("adam", 1e-2, STEPS, x -> x);
    for (int i = 0; i < steps; i++) u.trainStep();
    return u.task().saveState();
  }

  /** A checkpoint of format 1 (no controller, sensors, lr scale, guard) still loads: those parts start fresh. */
  @Test
  void aFormatOneCheckpointLoadsWithDefaults() throws Exception {
    Trainer t = make("adam", 1e-2, STEPS, x -> x.controller(new ReduceOnPlateau(1e-2, 0, 8, 0.5, 1e-3, 4, 1e-5)));
    for (int i = 0; i < 10; i++) t.trainStep();
    TrainState s = t.state();
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    for (var e : s.tensors().entrySet()) if (e.getKey().startsWith("model.") || e.getKey().startsWith("optim.")) tensors.put(e.getKey(), e.getValue());
    Map<String, String> meta = new LinkedHashMap<>();
    for (var e : s.meta().entrySet()) if (e.getKey().startsWith("task.") || e.getKey().equals("optimizer") || e.getKey().equals("lr")) meta.put(e.getKey(), e.getValue());
    meta.put("format", "fivefold-checkpoint-1");
    meta.put("step", "10");
    meta.put("seconds", "1.5");
    Path file = tmp.resolve("v1.safetensors");
    SafeTensors.write(file, tensors, meta);

    Trainer r = make("adam", 1e-2, STEPS, x -> x.controller(new ReduceOnPlateau(1e-2, 0, 8, 0.5, 1e-3, 4, 1e-5)));
    Checkpoint.restore(file, r);
    assertEquals(10, r.step());
    assertEquals(1.5, r.seconds());
    assertEquals(1.0, r.lrScale());
    assertTrue(Double.isNaN(r.signals().loss()) && Double.isNaN(r.sensors().smoothedLoss()), "sensors start fresh");
    for (var e : t.task().model().namedParameters().entrySet()) {
      assertArrayEquals(e.getValue().value().data(), r.task().model().namedParameters().get(e.getKey()).value().data(), e.getKey());
    }
    assertEquals(t.state().meta("task."), r.state().meta("task."), "data position");
    r.trainStep(); // and it trains on
    assertEquals(11, r.step());
  }
}
