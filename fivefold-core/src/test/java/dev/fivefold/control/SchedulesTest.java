package dev.fivefold.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Each schedule at chosen steps against values computed by hand. */
class SchedulesTest {
  static final double TOL = 1e-12;

  @Test
  void constantStepMultiStepExponential() {
    assertEquals(0.1, Schedules.constant(0.1).at(999, 0.5), TOL);
    Schedule s = Schedules.step(1.0, 10, 0.5);
    assertEquals(1.0, s.at(9, 0), TOL);
    assertEquals(0.5, s.at(10, 0), TOL);
    assertEquals(0.125, s.at(35, 0), TOL);
    Schedule m = Schedules.multiStep(0.1, new long[] {30, 80}, 0.1);
    assertEquals(0.1, m.at(29, 0), TOL);
    assertEquals(0.01, m.at(30, 0), TOL);
    assertEquals(0.001, m.at(80, 0), 1e-15);
    assertEquals(0.5 * Math.pow(0.9, 3), Schedules.exponential(0.5, 0.9).at(3, 0), TOL);
  }

  @Test
  void cosineAndWarmup() {
    Schedule c = Schedules.cosine(1.0, 100, 0.1);
    assertEquals(1.0, c.at(0, 0), TOL);
    assertEquals(0.55, c.at(50, 0), TOL); // 0.1 + 0.9·½(1+cos π/2)
    assertEquals(0.1, c.at(100, 0), TOL);
    assertEquals(0.1, c.at(500, 0), TOL);
    Schedule w = Schedules.warmup(10, c);
    assertEquals(0.1, w.at(0, 0), TOL); // 1·1/10
    assertEquals(0.5, w.at(4, 0), TOL);
    assertEquals(1.0, w.at(10, 0), TOL);
    assertEquals(0.55, w.at(60, 0), TOL);
  }

  @Test
  void warmupCosineStartsItsCosineAtTheEndOfWarmup() {
    Schedule s = Schedules.warmupCosine(0.1, 20, 0.0);
    int total = 300;
    assertEquals(0.1 / 20, s.at(0, 0), TOL);
    assertEquals(0.1, s.at(19, 19.0 / total), TOL);
    assertEquals(0.1, s.at(20, 20.0 / total), TOL); // before issue 20: 0.0989
    assertEquals(0.05, s.at(160, 160.0 / total), TOL); // halfway from 20 to 300
    assertEquals(0.0, s.at(300, 1.0), TOL);
    Schedule f = Schedules.warmupCosine(1.0, 0, 0.1);
    assertEquals(1.0, f.at(0, 0), TOL);
    assertEquals(0.55, f.at(50, 0.5), TOL);
    assertEquals(0.1, f.at(100, 1.0), TOL);
    Schedule timed = Schedules.warmupCosine(1.0, 10, 0.0); // a run bounded by time: progress ahead of steps
    double prev = 1.0;
    for (int t = 10; t <= 100; t++) {
      double v = timed.at(t, Math.min(1.0, t / 50.0));
      assertTrue(v <= prev + 1e-15 && v >= 0, "step " + t + ": " + v);
      prev = v;
    }
    assertEquals(0.0, timed.at(100, 1.0), TOL);
  }

  /** The rates PyTorch's schedulers give each step (fixtures sched_*, scripts/record_fixtures.py). */
  @Test
  void matchPyTorchSchedulers() throws Exception {
    assertMatches("sched_one_cycle", 300, Schedules.oneCycle(1.0, 300, 0.3, 25, 1e4));
    assertMatches("sched_warmup_cosine", 300, Schedules.warmupCosine(0.1, 20, 0.0));
    assertMatches("sched_warmup_cosine_floor", 1000, Schedules.warmupCosine(2e-3, 100, 0.1));
  }

  static void assertMatches(String fixture, int total, Schedule s) throws Exception {
    var url = SchedulesTest.class.getResource("/fixtures/" + fixture + ".safetensors");
    var c = dev.fivefold.io.SafeTensors.read(java.nio.file.Path.of(url.toURI()));
    float[] hi = c.get("lr").data(), lo = c.get("lr_lo").data();
    assertEquals(total, hi.length);
    for (int t = 0; t < total; t++) {
      double want = (double) hi[t] + lo[t];
      double got = s.at(t, t / (double) total);
      assertEquals(want, got, 1e-12 * Math.max(want, 1e-300) + 1e-18, fixture + " step " + t);
    }
  }

  @Test
  void noamPeaksAtWarmup() {
    Schedule n = Schedules.noam(512, 4000, 1.0);
    double peak = Math.pow(512, -0.5) * Math.pow(4000, -0.5);
    assertEquals(peak, n.at(3999, 0), 1e-15);
    assertEquals(Math.pow(512, -0.5) * 1 * Math.pow(4000, -1.5), n.at(0, 0), 1e-15);
    assertEquals(Math.pow(512, -0.5) / Math.sqrt(16000), n.at(15999, 0), 1e-15);
    assertTrue(n.at(3998, 0) < peak && n.at(4000, 0) < peak);
  }

  @Test
  void oneCycleAndTriangular() {
    // PyTorch OneCycleLR: the peak at f·T - 1 = 29, the floor at T - 1 = 99 (issue 20: they were at 30 and 100)
    Schedule o = Schedules.oneCycle(1.0, 100, 0.3, 25, 1e4);
    assertEquals(0.04, o.at(0, 0), TOL);
    assertEquals(1.0, o.at(29, 0), TOL);
    assertTrue(o.at(28, 0) < 1.0 - 1e-4 && o.at(30, 0) < 1.0 - 1e-4);
    assertEquals(0.04 + 0.96 * 0.5 * (1 - Math.cos(Math.PI * 14 / (0.3 * 100 - 1))), o.at(14, 0), TOL);
    assertEquals(0.04 / 1e4, o.at(99, 0), 1e-15);
    assertEquals(0.04 / 1e4, o.at(100, 0), 1e-15);
    assertEquals(4e-6 + (1 - 4e-6) * 0.5, o.at(64, 0), 1e-9); // halfway from 29 to 99
    Schedule t = Schedules.triangular(0.1, 1.1, 10);
    assertEquals(0.1, t.at(0, 0), TOL);
    assertEquals(0.6, t.at(5, 0), TOL);
    assertEquals(1.1, t.at(10, 0), TOL);
    assertEquals(0.6, t.at(15, 0), TOL);
    assertEquals(0.1, t.at(20, 0), TOL);
    assertEquals(0.3, t.at(22, 0), TOL);
  }

  @Test
  void badArgumentsNameParameterAndValue() {
    var e = assertThrows(IllegalArgumentException.class, () -> Schedules.step(0.1, 0, 0.5));
    assertTrue(e.getMessage().contains("step size (0)"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Schedules.exponential(0.1, 1.5));
    assertTrue(e.getMessage().contains("gamma (1.5)"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Schedules.constant(Double.NaN));
    assertTrue(e.getMessage().contains("learning rate (NaN)"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Schedules.multiStep(0.1, new long[] {5, 5}, 0.1));
    assertTrue(e.getMessage().contains("milestones[1] (5)"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Schedules.oneCycle(1, 100, 1.2, 25, 1e4));
    assertTrue(e.getMessage().contains("pct start (1.2)"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Schedules.oneCycle(1, 3, 0.3, 25, 1e4));
    assertTrue(e.getMessage().contains("pct start × total steps (0.8"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Schedules.triangular(0.5, 0.1, 10));
    assertTrue(e.getMessage().contains("max learning rate (0.1)"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Schedules.noam(0, 10, 1));
    assertTrue(e.getMessage().contains("model dimension (0)"), e.getMessage());
  }
}
