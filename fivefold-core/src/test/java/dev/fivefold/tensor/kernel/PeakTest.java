package dev.fivefold.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The measured peak is physically plausible: per thread at most two FMA units × lanes × 2 flops at
 * 6 GHz (a miscounted loop, e.g. flops counted per chain twice, lands above it) and at least one
 * FMA every 100 cycles at 1 GHz (the loop ran vectorised, or at all). No timing target is asserted.
 */
class PeakTest {
  @Test
  void peakIsWithinWhatACoreCanDo() {
    Peak.Result p = Peak.measure(1, 2);
    double lanes = p.lanes();
    assertEquals(FloatVectorLanes.preferred(), p.lanes());
    assertTrue(p.perThread() <= 2 * lanes * 2 * 6.0, "peak " + p.perThread() + " GFLOP/s per thread is above 2 FMA units at 6 GHz");
    assertTrue(p.perThread() >= lanes * 2 * 1.0 / 100, "peak " + p.perThread() + " GFLOP/s per thread: the loop did not run");
    assertFalse(p.cpu().isBlank());
    assertEquals(50.0, p.percent(p.gflops() / 2), 1e-9);
  }

  @Test
  void badArgumentsAreNamed() {
    var e = assertThrows(IllegalArgumentException.class, () -> Peak.measure(0, 1));
    assertEquals("threads (0) must be >= 1", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Peak.measure(1, 0));
    assertEquals("trials (0) must be >= 1", e.getMessage());
  }

  /** The preferred species' float lanes (16 with AVX-512). */
  static final class FloatVectorLanes {
    static int preferred() {
      return jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length();
    }
  }
}
