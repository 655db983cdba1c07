package dev.fivefold.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Shape;
import dev.fivefold.tensor.Tensor;
import dev.fivefold.tensor.kernel.Parallel;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The direct kernel of bidirectional attention against the SGEMM kernel it replaces: output,
 * probabilities and the gradient of qkv bit for bit (T below, at and above the row block and the
 * vector length; head sizes below, at and above a vector, with partial vectors), with and without
 * a key mask, for 1 and 2 threads. The key mask: hidden keys get probability exactly 0, an all-visible
 * mask changes nothing, a hidden key's q, k, v have no influence.
 */
class AttentionKernelTest {
  record Run(float[] out, float[] probs, float[] grad) {}

  static Run run(Tensor x, Tensor u, int heads, boolean[] visible, boolean direct) {
    Tape tape = Tape.training();
    float[] g = new float[x.size()];
    for (int i = 0; i < g.length; i++) g[i] = 0.25f * (i % 7) - 0.5f; // backward adds to what is there
    Var q = tape.parameter(x, g);
    Var y = Attention.forward(q, heads, false, visible, direct);
    float[] out = y.data().clone(), probs = F.attentionProbabilities(y).data().clone();
    tape.backward(F.sum(F.mul(y, tape.input(u))));
    return new Run(out, probs, g);
  }

  static boolean[] mask(Rng rng, int b, int t) {
    boolean[] v = new boolean[b * t];
    for (int bi = 0; bi < b; bi++) {
      for (int j = 0; j < t; j++) v[bi * t + j] = bi == 0 || rng.nextInt(3) != 0; // sample 0 sees all
      v[bi * t + rng.nextInt(t)] = true;
    }
    return v;
  }

  @Test
  void directKernelIsBitIdenticalToSgemm() {
    int saved = Parallel.threads();
    try {
      int[][] shapes = {{2, 1, 8, 2}, {3, 5, 24, 3}, {2, 17, 16, 1}, {2, 50, 64, 4}, {1, 70, 48, 2}, {2, 33, 40, 1}, {1, 65, 96, 3}, {2, 50, 128, 2}};
      for (int[] sh : shapes) {
        int b = sh[0], t = sh[1], c = sh[2], heads = sh[3];
        Rng rng = new Rng(t * 31 + c);
        Tensor x = Tensor.normal(rng, 0f, 1f, b, t, 3 * c);
        Tensor u = Tensor.normal(rng, 0f, 1f, b, t, c);
        boolean[] vis = mask(rng, b, t);
        for (boolean[] m : new boolean[][] {null, vis}) {
          String what = "B" + b + " T" + t + " C" + c + " h" + heads + (m == null ? "" : " masked");
          Parallel.setThreads(1);
          Run ref = run(x, u, heads, m, false);
          for (int threads : new int[] {1, 2}) {
            Parallel.setThreads(threads);
            Run d = run(x, u, heads, m, true);
            assertArrayEquals(ref.out(), d.out(), what + " output, " + threads + " threads");
            assertArrayEquals(ref.probs(), d.probs(), what + " probabilities, " + threads + " threads");
            assertArrayEquals(ref.grad(), d.grad(), what + " gradient, " + threads + " threads");
          }
        }
      }
    } finally {
      Parallel.setThreads(saved);
    }
  }

  @Test
  void hiddenKeysGetZeroProbabilityAndHaveNoInfluence() {
    int b = 3, t = 9, c = 12, heads = 3;
    Rng rng = new Rng(5);
    Tensor x = Tensor.normal(rng, 0f, 1f, b, t, 3 * c);
    Tensor u = Tensor.normal(rng, 0f, 1f, b, t, c);
    boolean[] vis = mask(rng, b, t);
    Run m = run(x, u, heads, vis, true);
    int hidden = 0;
    for (int bi = 0; bi < b; bi++) {
      for (int h = 0; h < heads; h++) {
        for (int i = 0; i < t; i++) {
          double sum = 0;
          for (int j = 0; j < t; j++) {
            float p = m.probs()[((bi * heads + h) * t + i) * t + j];
            if (!vis[bi * t + j]) {
              assertEquals(0f, p, "hidden key " + j + " of sample " + bi);
              hidden++;
            }
            sum += p;
          }
          assertEquals(1.0, sum, 1e-5);
        }
      }
    }
    assertTrue(hidden > 0);
    // perturb the keys and values of hidden positions: outputs unchanged, their k and v get no gradient
    Tensor x2 = x.copy();
    for (int bi = 0; bi < b; bi++) {
      for (int j = 0; j < t; j++) {
        if (vis[bi * t + j]) continue;
        for (int k = c; k < 3 * c; k++) x2.data()[(bi * t + j) * 3 * c + k] += 3f;
      }
    }
    Run m2 = run(x2, u, heads, vis, true);
    assertArrayEquals(m.out(), m2.out());
    Run base = run(x, Tensor.zeros(b, t, c), heads, vis, true); // the initial gradient buffer's values
    for (int bi = 0; bi < b; bi++) {
      for (int j = 0; j < t; j++) {
        if (vis[bi * t + j]) continue;
        for (int k = c; k < 3 * c; k++) {
          int idx = (bi * t + j) * 3 * c + k;
          assertEquals(base.grad()[idx], m.grad()[idx], "gradient of hidden key/value " + idx);
        }
      }
    }
    // all visible: exactly the unmasked result
    boolean[] all = new boolean[b * t];
    Arrays.fill(all, true);
    Run a = run(x, u, heads, all, true), plain = run(x, u, heads, null, true);
    assertArrayEquals(plain.out(), a.out());
    assertArrayEquals(plain.grad(), a.grad());
  }

  @Test
  void badMasksAreRejected() {
    Tape tape = Tape.training();
    Var q = tape.input(Tensor.zeros(2, 3, 12));
    var e = assertThrows(IllegalArgumentException.class, () -> F.attention(q, 2, new boolean[5]));
    assertEquals("key mask length (5) must be B·T = 6 for attention input " + Shape.of(2, 3, 12), e.getMessage());
    boolean[] v = {true, false, true, false, false, false};
    e = assertThrows(IllegalArgumentException.class, () -> F.attention(q, 2, v));
    assertEquals("key mask: sample 1 has no visible key", e.getMessage());
  }
}
