package dev.fivefold.compress.distill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Tape;
import dev.fivefold.autodiff.Var;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
import org.junit.jupiter.api.Test;

class DistillationTest {
  static float loss(Distillation d, Tensor s, Tensor t, int[] y) {
    Tape tape = Tape.inference();
    return d.loss(tape.input(s), t, y).item();
  }

  /** Central differences against the analytic gradient w.r.t. the student logits. */
  @Test
  void gradientMatchesFiniteDifferences() {
    Rng rng = new Rng(7);
    int[] y = {0, 3, 2, 1};
    for (double[] cfg : new double[][] {{1, 0.5}, {4, 0.7}, {10, 1}, {2, 0}}) {
      Distillation d = new Distillation(cfg[0], cfg[1]);
      Tensor s = Tensor.normal(rng, 0, 2, 4, 5), t = Tensor.normal(rng, 0, 3, 4, 5);
      float[] g = new float[20];
      Tape tape = Tape.training();
      Var sv = tape.parameter(s, g);
      tape.backward(d.loss(sv, t, y));
      float h = 1e-2f;
      double num2 = 0, err2 = 0;
      for (int i = 0; i < 20; i++) {
        float orig = s.data()[i];
        s.data()[i] = orig + h;
        float xp = s.data()[i];
        double lp = loss(d, s, t, y);
        s.data()[i] = orig - h;
        float xm = s.data()[i];
        double lm = loss(d, s, t, y);
        s.data()[i] = orig;
        double num = (lp - lm) / (xp - xm);
        assertEquals(num, g[i], 5e-3 * Math.max(1, Math.abs(num)), "T " + cfg[0] + " α " + cfg[1] + " at " + i);
        num2 += num * num;
        err2 += (num - g[i]) * (num - g[i]);
      }
      assertTrue(Math.sqrt(err2) <= 2e-3 * Math.max(1, Math.sqrt(num2)));
    }
  }

  @Test
  void softLossIsMinimalAtTheTeacherAndScalesWithTSquared() {
    Rng rng = new Rng(8);
    Tensor t = Tensor.normal(rng, 0, 1, 3, 4);
    Distillation d = new Distillation(2, 1);
    double entropy = 0;
    Tensor p = Distillation.teacherProbabilities(t, 2);
    for (float v : p.data()) entropy -= v * Math.log(v);
    entropy /= 3;
    assertEquals(4 * entropy, loss(d, t, t, null), 1e-5); // CE(p, p) = H(p), times T²
    Tensor other = Tensor.normal(rng, 0, 1, 3, 4);
    assertTrue(loss(d, other, t, null) > loss(d, t, t, null));
    // α = 0 is the hard cross-entropy
    int[] y = {1, 0, 3};
    Tape tape = Tape.inference();
    assertEquals(F.crossEntropy(tape.input(other), y).item(), loss(new Distillation(3, 0), other, t, y), 1e-6);
  }

  /** {@code n} random 28×28 images, 30% of the pixels lit, labels i mod 10. */
  static dev.fivefold.data.Dataset sparseImages(long seed, int n) {
    Rng rng = new Rng(seed);
    float[] x = new float[n * 784];
    int[] y = new int[n];
    for (int i = 0; i < x.length; i++) x[i] = rng.nextFloat() < 0.3f ? rng.nextFloat() : 0;
    for (int i = 0; i < n; i++) y[i] = i % 10;
    return new dev.fivefold.data.Dataset(Tensor.of(x, n, 1, 28, 28), y, 10);
  }

  /**
   * Function matching: with jitter, teacher and student must see the same shifted image. A student
   * identical to the teacher then has zero soft-loss gradient (softmax(s/T) = softmax(t/T)); were the
   * two fed different shifts, the gradient would not vanish.
   */
  @Test
  void jitteredTransferSetShowsTheSameImageToTeacherAndStudent() {
    int n = 16;
    dev.fivefold.data.Dataset d = sparseImages(4, n);
    for (int jitter : new int[] {0, 2}) {
      dev.fivefold.perception.Mlp teacher = new dev.fivefold.perception.Mlp(new int[] {784, 16, 10}, "relu", 3);
      dev.fivefold.perception.Mlp student = new dev.fivefold.perception.Mlp(new int[] {784, 16, 10}, "relu", 3);
      dev.fivefold.data.RandomShift shift = jitter == 0 ? null : dev.fivefold.data.RandomShift.mnist(jitter, new Rng(5));
      DistillationTask task = new DistillationTask(student, teacher, new Distillation(4, 1), d, d, 8, 6, shift);
      Tape tape = Tape.training();
      tape.backward(task.trainLoss(tape));
      for (var p : student.parameters()) for (float g : p.grad()) assertEquals(0, g, 1e-6, "jitter " + jitter);
    }
    // a differently initialised student does get a gradient, so the check above can fail
    dev.fivefold.perception.Mlp other = new dev.fivefold.perception.Mlp(new int[] {784, 16, 10}, "relu", 8);
    DistillationTask task = new DistillationTask(other, new dev.fivefold.perception.Mlp(new int[] {784, 16, 10}, "relu", 3),
        new Distillation(4, 1), d, d, 8, 6, dev.fivefold.data.RandomShift.mnist(2, new Rng(5)));
    Tape tape = Tape.training();
    tape.backward(task.trainLoss(tape));
    double norm = 0;
    for (var p : other.parameters()) for (float g : p.grad()) norm += g * g;
    assertTrue(norm > 1e-6, "gradient norm² " + norm);
  }

  /**
   * Without jitter the teacher's logits are computed once and looked up: every step's loss equals the
   * loss computed directly on the batch a {@link dev.fivefold.data.Batches} with the same seed draws
   * (the batch order of ClassificationTask), across an epoch boundary and a partial last batch.
   */
  @Test
  void cachedTeacherLogitsGiveTheLossOfTheSameBatches() {
    Rng rng = new Rng(9);
    int n = 50;
    float[] x = new float[n * 784];
    int[] y = new int[n];
    for (int i = 0; i < x.length; i++) x[i] = rng.nextFloat();
    for (int i = 0; i < n; i++) y[i] = rng.nextInt(10);
    dev.fivefold.data.Dataset d = new dev.fivefold.data.Dataset(Tensor.of(x, n, 1, 28, 28), y, 10);
    dev.fivefold.perception.Mlp teacher = new dev.fivefold.perception.Mlp(new int[] {784, 12, 10}, "relu", 1);
    dev.fivefold.perception.Mlp student = new dev.fivefold.perception.Mlp(new int[] {784, 6, 10}, "relu", 2);
    Distillation dist = new Distillation(3, 0.7);
    DistillationTask task = new DistillationTask(student, teacher, dist, d, d, 16, 11);
    dev.fivefold.data.Batches same = new dev.fivefold.data.Batches(d, 16, true, new Rng(11));
    for (int step = 0; step < 9; step++) { // 4 batches per epoch (16, 16, 16, 2)
      dev.fivefold.data.Batches.Batch b = same.next();
      Tape direct = Tape.inference();
      Tensor t = teacher.forward(direct.input(b.x())).value();
      float want = dist.loss(student.forward(direct.input(b.x())), Tensor.wrap(t.data().clone(), t.shape()), b.y()).item();
      assertEquals(want, task.trainLoss(Tape.inference()).item(), 1e-6 * Math.max(1, Math.abs(want)), "step " + step);
    }
  }

  /**
   * An unlabelled transfer set (only the first 20 of 50 samples labelled): each step's loss is
   * α · soft over the whole batch + (1 − α) · (1/B) Σ CE over its labelled rows only, the rows
   * identified by their first pixel; all labelled is the plain loss and α = 1 ignores labels.
   */
  @Test
  void unlabelledTransferSamplesGetTheSoftTermOnly() {
    Rng rng = new Rng(19);
    int n = 50, labelled = 20, per = 784;
    float[] x = new float[n * per];
    int[] y = new int[n];
    for (int i = 0; i < x.length; i++) x[i] = rng.nextFloat();
    for (int i = 0; i < n; i++) {
      x[i * per] = i / 64f; // names the sample
      y[i] = rng.nextInt(10);
    }
    dev.fivefold.data.Dataset d = new dev.fivefold.data.Dataset(Tensor.of(x, n, 1, 28, 28), y, 10);
    dev.fivefold.perception.Mlp teacher = new dev.fivefold.perception.Mlp(new int[] {784, 12, 10}, "relu", 1);
    dev.fivefold.perception.Mlp student = new dev.fivefold.perception.Mlp(new int[] {784, 6, 10}, "relu", 2);
    Distillation dist = new Distillation(3, 0.7);
    DistillationTask task = new DistillationTask(student, teacher, dist, d, d, 16, 11, null, null, labelled);
    DistillationTask all = new DistillationTask(student, teacher, dist, d, d, 16, 11, null, null, n);
    DistillationTask plain = new DistillationTask(student, teacher, dist, d, d, 16, 11);
    DistillationTask pure = new DistillationTask(student, teacher, new Distillation(3, 1), d, d, 16, 11, null, null, 0);
    dev.fivefold.data.Batches same = new dev.fivefold.data.Batches(d, 16, true, new Rng(11));
    int seenLabelled = 0, seenUnlabelled = 0;
    for (int step = 0; step < 7; step++) {
      dev.fivefold.data.Batches.Batch b = same.next();
      Tape direct = Tape.inference();
      Tensor t = teacher.forward(direct.input(b.x())).value();
      Tensor tl = Tensor.wrap(t.data().clone(), t.shape());
      Var s = student.forward(direct.input(b.x()));
      double soft = dist.softLoss(s, tl).item(), hard = 0;
      for (int i = 0; i < b.size(); i++) {
        int j = Math.round(b.x().data()[i * per] * 64);
        if (j >= labelled) {
          seenUnlabelled++;
          continue;
        }
        seenLabelled++;
        Tensor row = Tensor.of(java.util.Arrays.copyOfRange(s.data(), i * 10, i * 10 + 10), 1, 10);
        hard += F.crossEntropy(direct.input(row), new int[] {y[j]}).item();
      }
      double want = 0.7 * soft + 0.3 * hard / b.size();
      assertEquals(want, task.trainLoss(Tape.inference()).item(), 1e-5 * Math.max(1, Math.abs(want)), "step " + step);
      assertEquals(plain.trainLoss(Tape.inference()).item(), all.trainLoss(Tape.inference()).item(), 1e-6, "all labelled, step " + step);
      assertEquals(soft, pure.trainLoss(Tape.inference()).item(), 1e-5 * Math.max(1, soft), "alpha 1, step " + step);
    }
    assertTrue(seenLabelled > 0 && seenUnlabelled > 0);
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> new DistillationTask(student, teacher, dist, d, d, 16, 11, null, null, n + 1));
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> new DistillationTask(student, teacher, dist, d, d, 16, 11, dev.fivefold.data.RandomShift.mnist(1, new Rng(3)), null, labelled));
  }

  /** The cross-entropy against target distributions: its gradient (softmax(s) − q) / N against central differences; one-hot q is CE(s, y). */
  @Test
  void softCrossEntropyGradientMatchesFiniteDifferencesAndOneHotIsCrossEntropy() {
    Rng rng = new Rng(12);
    Tensor s = Tensor.normal(rng, 0, 2, 3, 4);
    float[] q = new float[12];
    for (int r = 0; r < 3; r++) {
      float l = rng.nextFloat();
      q[r * 4 + r] += l;
      q[r * 4 + 3] += 1 - l;
    }
    Tensor qt = Tensor.of(q, 3, 4);
    float[] g = new float[12];
    Tape tape = Tape.training();
    tape.backward(F.softCrossEntropy(tape.parameter(s, g), qt));
    float h = 1e-2f;
    for (int i = 0; i < 12; i++) {
      float orig = s.data()[i];
      s.data()[i] = orig + h;
      double lp = F.softCrossEntropy(Tape.inference().input(s), qt).item();
      s.data()[i] = orig - h;
      double lm = F.softCrossEntropy(Tape.inference().input(s), qt).item();
      s.data()[i] = orig;
      assertEquals((lp - lm) / (2 * h), g[i], 2e-3, "at " + i);
    }
    int[] y = {2, 0, 1};
    float[] onehot = new float[12];
    for (int r = 0; r < 3; r++) onehot[r * 4 + y[r]] = 1;
    Tape t2 = Tape.inference();
    assertEquals(F.crossEntropy(t2.input(s), y).item(), F.softCrossEntropy(t2.input(s), Tensor.of(onehot, 3, 4)).item(), 1e-6);
    // the mixed loss with one-hot targets is the loss with the labels
    Tensor t = Tensor.normal(rng, 0, 1, 3, 4);
    Distillation d = new Distillation(3, 0.6);
    assertEquals(loss(d, s, t, y), d.lossWithTargets(Tape.inference().input(s), t, Tensor.of(onehot, 3, 4)).item(), 1e-6);
  }

  /**
   * Function matching with mixup: teacher and student see the same blended image, so a student
   * identical to the teacher has zero soft-loss gradient; and with α &lt; 1 the step's loss is the
   * mixed loss against the mixed labels of the batch and partners a Mixup with the same seed draws.
   */
  @Test
  void mixupTransferSetShowsTheSameBlendToTeacherAndStudentWithMixedLabels() {
    int n = 16;
    dev.fivefold.data.Dataset d = sparseImages(21, n);
    dev.fivefold.perception.Mlp teacher = new dev.fivefold.perception.Mlp(new int[] {784, 16, 10}, "relu", 3);
    dev.fivefold.perception.Mlp twin = new dev.fivefold.perception.Mlp(new int[] {784, 16, 10}, "relu", 3);
    DistillationTask task = new DistillationTask(twin, teacher, new Distillation(4, 1), d, d, 8, 6, null,
        new dev.fivefold.data.Mixup(1, new Rng(5)));
    Tape tape = Tape.training();
    tape.backward(task.trainLoss(tape));
    for (var p : twin.parameters()) for (float g : p.grad()) assertEquals(0, g, 1e-6);

    dev.fivefold.perception.Mlp student = new dev.fivefold.perception.Mlp(new int[] {784, 6, 10}, "relu", 8);
    Distillation dist = new Distillation(2, 0.5);
    DistillationTask mixed = new DistillationTask(student, teacher, dist, d, d, 8, 6, null, new dev.fivefold.data.Mixup(1, new Rng(5)));
    dev.fivefold.data.Batches same = new dev.fivefold.data.Batches(d, 8, true, new Rng(6));
    dev.fivefold.data.Mixup blend = new dev.fivefold.data.Mixup(1, new Rng(5));
    for (int step = 0; step < 3; step++) {
      dev.fivefold.data.Batches.Batch b = same.next();
      dev.fivefold.data.Mixup.Mixed m = blend.apply(b.x());
      Tape direct = Tape.inference();
      Tensor t = teacher.forward(direct.input(m.x())).value();
      float want = dist.lossWithTargets(student.forward(direct.input(m.x())), Tensor.wrap(t.data().clone(), t.shape()), m.targets(b.y(), 10)).item();
      assertEquals(want, mixed.trainLoss(Tape.inference()).item(), 1e-6 * Math.max(1, Math.abs(want)), "step " + step);
    }
  }

  /**
   * Logit matching (Ba &amp; Caruana 2014): the mixed loss's gradient against central differences;
   * the soft term's gradient is exactly (s − t) / N, and Hinton's T²-scaled soft term at T = 1000
   * has C times smaller gradient (s − t) / (C·N) when both logit rows have zero mean (§2.1).
   */
  @Test
  void logitMatchingGradientMatchesFiniteDifferencesAndIsTheHighTemperatureLimit() {
    Rng rng = new Rng(31);
    int n = 4, c = 5;
    int[] y = {0, 3, 2, 1};
    Tensor s = Tensor.normal(rng, 0, 2, n, c), t = Tensor.normal(rng, 0, 3, n, c);
    for (double alpha : new double[] {1, 0.6}) {
      Distillation d = new Distillation(4, alpha, Distillation.Match.LOGITS);
      float[] g = new float[n * c];
      Tape tape = Tape.training();
      tape.backward(d.loss(tape.parameter(s, g), t, y));
      float h = 1e-2f;
      for (int i = 0; i < n * c; i++) {
        float orig = s.data()[i];
        s.data()[i] = orig + h;
        double lp = loss(d, s, t, y);
        s.data()[i] = orig - h;
        double lm = loss(d, s, t, y);
        s.data()[i] = orig;
        double num = (lp - lm) / (2 * h);
        assertEquals(num, g[i], 5e-3 * Math.max(1, Math.abs(num)), "α " + alpha + " at " + i);
        if (alpha == 1) assertEquals((s.data()[i] - t.data()[i]) / n, g[i], 1e-5, "analytic at " + i);
      }
    }
    // zero-mean rows: T² soft CE at T = 1000 has gradient (s − t) / (C N)
    float[] zs = s.data().clone(), zt = t.data().clone();
    for (float[] z : new float[][] {zs, zt}) {
      for (int r = 0; r < n; r++) {
        double m = 0;
        for (int j = 0; j < c; j++) m += z[r * c + j];
        for (int j = 0; j < c; j++) z[r * c + j] -= (float) (m / c);
      }
    }
    float[] g = new float[n * c];
    Tape tape = Tape.training();
    tape.backward(new Distillation(1000, 1).loss(tape.parameter(Tensor.of(zs, n, c), g), Tensor.of(zt, n, c), null));
    for (int i = 0; i < n * c; i++) assertEquals((zs[i] - zt[i]) / (c * n), g[i], 2e-3 * Math.max(1, Math.abs(zs[i] - zt[i]) / (c * n)), "at " + i);
    assertTrue(org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new Distillation(4, 1, null))
        .getMessage().contains("match"));
  }
}
