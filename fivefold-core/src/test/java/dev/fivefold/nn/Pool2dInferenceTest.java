package dev.fivefold.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Tape;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
import org.junit.jupiter.api.Test;

class Pool2dInferenceTest {
  /** The branch-free inference max-pool gives the tape kernel's values bit for bit: ties of ±0 keep the first, NaN wins, odd sizes drop the edge. */
  @Test
  void bitIdenticalToTheTapeKernelWithZerosAndNaN() {
    Rng rng = new Rng(3);
    float[] special = {0f, -0f, Float.NaN, 1f, -1f, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY};
    for (int[] dims : new int[][] {{3, 4, 8, 8}, {2, 3, 7, 9}, {1, 1, 2, 2}}) {
      Tensor x = Tensor.normal(rng, 0, 1, dims);
      float[] d = x.data();
      for (int i = 0; i < d.length; i++) if (rng.nextInt(3) == 0) d[i] = special[rng.nextInt(special.length)];
      float[] ref = F.maxPool2d(Tape.training().input(x), 2, 2).data();
      float[] got = Pool2d.max(2).forward(Tape.inference().input(x)).data();
      assertEquals(ref.length, got.length);
      for (int i = 0; i < ref.length; i++) assertEquals(Float.floatToRawIntBits(ref[i]) == Float.floatToRawIntBits(got[i]) || (ref[i] != ref[i] && got[i] != got[i]), true, "output " + i + ": " + ref[i] + " vs " + got[i]);
    }
  }
}
