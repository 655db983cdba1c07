package dev.fivefold.compress;

import dev.fivefold.nn.LegacyLeNet5Inference;
import dev.fivefold.nn.LegacyMlpInference;
import dev.fivefold.nn.Module;
import dev.fivefold.perception.LeNet5;
import dev.fivefold.perception.Mlp;
import dev.fivefold.perception.Models;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
import dev.fivefold.tensor.kernel.Parallel;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The one forward run tape-free ({@link Inference}) against the former MlpInference /
 * LeNet5Inference (kept in the tests as oracles), same weights, same JVM, timed alternately (ABAB,
 * medians of 9 rounds) so that the host's load hits both alike. Dense and global magnitude pruning
 * at 0.5, 0.9, 0.98. Run: {@code java -cp core/target/classes:core/target/test-classes
 * dev.fivefold.compress.InferenceBench CHECKPOINT [threads]}.
 */
public final class InferenceBench {
  public static void main(String[] a) throws Exception {
    Parallel.setThreads(a.length > 1 ? Integer.parseInt(a[1]) : 2);
    Module base = Models.load(Path.of(a[0])).model();
    int f = 784;
    System.out.printf("%-10s %6s %12s %12s %8s%n", "variant", "batch", "before us", "after us", "after/before");
    for (double s : new double[] {0, 0.5, 0.9, 0.98}) {
      Module m = base.copy();
      if (s > 0) Pruner.global(Pruner.weights(m), s);
      Inference.Kind kind = s == 0 ? Inference.Kind.DENSE : Inference.Kind.SPARSE;
      Inference now = Inference.of(m, kind);
      Logits old = switch (m) {
        case LeNet5 l -> LegacyLeNet5Inference.of(l, kind)::logits;
        case Mlp p -> LegacyMlpInference.of(p, kind)::logits;
        default -> throw new IllegalArgumentException("an mlp or a lenet5 checkpoint");
      };
      runAll(s, now, old, f);
    }
  }

  interface Logits {
    float[] of(float[] x, int b);
  }

  private static final java.util.Map<Integer, float[]> PROBES = new java.util.HashMap<>();

  private static float[] probe(int b, int f) {
    return PROBES.computeIfAbsent(b, k -> Tensor.uniform(new Rng(k), 0, 1, k, f).data());
  }

  private static void runAll(double s, Inference now, Logits old, int f) {
    for (int b : new int[] {1, 64, 1000}) {
      float[] x = probe(b, f);
      double[] ta = new double[9], tb = new double[9];
      for (int r = 0; r < 9; r++) {
        ta[r] = micros(() -> old.of(x, b));
        tb[r] = micros(() -> now.logits(x, b));
      }
      Arrays.sort(ta);
      Arrays.sort(tb);
      System.out.printf("%-10s %6d %12.1f %12.1f %8.2f%n", s == 0 ? "dense" : "csr " + s, b, ta[4], tb[4], tb[4] / ta[4]);
    }
  }

  private static double micros(Runnable r) {
    for (int i = 0; i < 20; i++) r.run();
    int n = 0;
    long t0 = System.nanoTime();
    while (System.nanoTime() - t0 < 50_000_000L || n < 5) {
      r.run();
      n++;
    }
    return (System.nanoTime() - t0) / 1e3 / n;
  }
}
