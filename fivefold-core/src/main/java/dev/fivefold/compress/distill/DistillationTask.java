package dev.fivefold.compress.distill;

import dev.fivefold.autodiff.Tape;
import dev.fivefold.autodiff.Var;
import dev.fivefold.data.Batches;
import dev.fivefold.data.Dataset;
import dev.fivefold.data.Mixup;
import dev.fivefold.data.RandomShift;
import dev.fivefold.nn.Module;
import dev.fivefold.tensor.Tensor;
import dev.fivefold.train.BatchedTask;
import dev.fivefold.train.ClassificationTask;
import dev.fivefold.train.Task;

/**
 * A classification {@link Task} whose loss is the {@link Distillation} loss against a fixed
 * teacher, the student on the training tape. Same batch order as {@link ClassificationTask} with the
 * same seed (the shuffle depends only on N and the seed).
 *
 * <p>Without jitter the transfer set is the N training images themselves, so the teacher's logits
 * are computed once, at construction (eval mode, inference tape, chunks of 1000), and looked up per
 * batch: a distilled epoch then costs what a plain one does.
 *
 * <p>With a {@code jitter} the transfer set is the training images each shifted by a fresh random
 * offset, the same shifted image going to the teacher and the student ("function matching",
 * Beyer et al., "Knowledge distillation: A good teacher is patient and consistent", CVPR 2022):
 * the student matches the teacher's function on many more inputs than the N training images, and
 * the teacher runs on every batch.
 *
 * <p>With a {@code mixup} (after the jitter, if both) each batch is blended pairwise
 * ({@link Mixup}) and teacher and student see the same blended images (Beyer et al.'s function
 * matching with mixup, §3-4); the hard term, if α &lt; 1, is the cross-entropy against the mixed
 * labels.
 *
 * <p>With {@code labelled} &lt; N only the first {@code labelled} training samples keep their
 * labels; the rest are an unlabelled transfer set (Hinton et al. 2015 §2; Buciluǎ, Caruana &amp;
 * Niculescu-Mizil, "Model Compression", KDD 2006): every sample gets the soft term, the labelled
 * ones the hard term too. The hard term stays a mean over the whole batch, the unlabelled rows
 * contributing 0 (a one-hot target q for a labelled row, q = 0 for an unlabelled one, in
 * {@link Distillation#lossWithTargets}), so it weighs in proportion to the labelled share.
 */
public final class DistillationTask extends BatchedTask {
  private static final int CHUNK = 1000;

  /**
   * Distillation on the N training images as they are: no jitter, no mixup, every sample labelled.
   *
   * @param student the model trained
   * @param teacher the fixed teacher, put in eval mode
   * @param distillation the loss
   * @param train the training (transfer) set
   * @param test the test set
   * @param batchSize the batch size
   * @param seed the batch order's seed
   */
  public DistillationTask(Module student, Module teacher, Distillation distillation, Dataset train, Dataset test, int batchSize, long seed) {
    this(student, teacher, distillation, train, test, batchSize, seed, null);
  }

  /**
   * Distillation on jittered images, every sample labelled.
   *
   * @param student the model trained
   * @param teacher the fixed teacher, put in eval mode
   * @param distillation the loss
   * @param train the training (transfer) set
   * @param test the test set
   * @param batchSize the batch size
   * @param seed the batch order's seed
   * @param jitter shifts each batch before both models see it (function matching); null for none
   */
  public DistillationTask(Module student, Module teacher, Distillation distillation, Dataset train, Dataset test, int batchSize, long seed,
      RandomShift jitter) {
    this(student, teacher, distillation, train, test, batchSize, seed, jitter, null);
  }

  /**
   * Distillation on jittered and mixed images, every sample labelled.
   *
   * @param student the model trained
   * @param teacher the fixed teacher, put in eval mode
   * @param distillation the loss
   * @param train the training (transfer) set
   * @param test the test set
   * @param batchSize the batch size
   * @param seed the batch order's seed
   * @param jitter shifts each batch before both models see it; null for none
   * @param mixup blends each (shifted) batch before both models see it; null for none
   */
  public DistillationTask(Module student, Module teacher, Distillation distillation, Dataset train, Dataset test, int batchSize, long seed,
      RandomShift jitter, Mixup mixup) {
    this(student, teacher, distillation, train, test, batchSize, seed, jitter, mixup, train.size());
  }

  /**
   * The general form: jitter, mixup and a labelled prefix.
   *
   * @param student the model trained
   * @param teacher the fixed teacher, put in eval mode
   * @param distillation the loss
   * @param train the training (transfer) set
   * @param test the test set
   * @param batchSize the batch size
   * @param seed the batch order's seed
   * @param jitter shifts each batch before both models see it; null for none
   * @param mixup blends each (shifted) batch before both models see it; null for none
   * @param labelled only samples {@code [0, labelled)} of {@code train} keep their labels (hard
   *     term); the others are unlabelled transfer images (soft term only). Needs no jitter and no
   *     mixup when less than {@code train.size()}.
   * @throws IllegalArgumentException if {@code labelled} is outside [0, N], an unlabelled transfer set is
   *     combined with jitter or mixup, or N exceeds 2^24 without jitter or mixup
   */
  public DistillationTask(Module student, Module teacher, Distillation distillation, Dataset train, Dataset test, int batchSize, long seed,
      RandomShift jitter, Mixup mixup, int labelled) {
    super(student, jitter == null && mixup == null ? indices(train) : train, test, batchSize, seed,
        new TeacherLoss(student, teacher, distillation, train, jitter, mixup, labelled));
  }

  /** Sample i is the number i (exact in float up to 2^24), with its label: batches of these name the samples to gather. */
  private static Dataset indices(Dataset d) {
    if (d.size() > 1 << 24) throw new IllegalArgumentException("training set (" + d.size() + " samples) is larger than 2^24");
    float[] idx = new float[d.size()];
    for (int i = 0; i < idx.length; i++) idx[i] = i;
    return new Dataset(Tensor.of(idx, idx.length, 1), d.y(), d.classes());
  }

  /** The distillation loss of a batch: the teacher's logits (cached, or computed on the batch's shifted or mixed images) against the student's. */
  private static final class TeacherLoss implements Loss {
    private final Module student, teacher;
    private final Dataset train;
    private final Distillation distillation;
    private final Tape teacherTape = Tape.inference();
    private final RandomShift jitter;
    private final Mixup mixup;
    private final float[] teacherLogits; // [N, classes], null with jitter or mixup
    private final int labelled; // samples [0, labelled) have labels

    TeacherLoss(Module student, Module teacher, Distillation distillation, Dataset train, RandomShift jitter, Mixup mixup, int labelled) {
      this.student = student;
      this.teacher = teacher;
      this.distillation = distillation;
      this.train = train;
      this.jitter = jitter;
      this.mixup = mixup;
      teacher.eval();
      if (labelled < 0 || labelled > train.size()) {
        throw new IllegalArgumentException("labelled (" + labelled + ") must be in [0, " + train.size() + "]");
      }
      if (labelled < train.size() && (jitter != null || mixup != null)) {
        throw new IllegalArgumentException("an unlabelled transfer set (labelled " + labelled + " of " + train.size() + ") needs no jitter and no mixup");
      }
      this.labelled = labelled;
      this.teacherLogits = jitter == null && mixup == null ? logits(teacher, train) : null;
    }

    /** The teacher's logits of every sample, [N, classes]. */
    private float[] logits(Module m, Dataset d) {
      int n = d.size(), per = d.features();
      int[] dims = d.x().shape().dims();
      float[] out = null;
      for (int start = 0; start < n; start += CHUNK) {
        int k = Math.min(CHUNK, n - start);
        dims[0] = k;
        float[] buf = new float[k * per];
        System.arraycopy(d.x().data(), start * per, buf, 0, k * per);
        teacherTape.reset();
        Var t = m.forward(teacherTape.input(Tensor.of(buf, dims))); // [k, classes]
        int c = t.shape().dim(-1);
        if (out == null) out = new float[n * c];
        System.arraycopy(t.data(), 0, out, start * c, k * c);
      }
      return out == null ? new float[0] : out;
    }

    @Override
    public Var of(Tape tape, Batches.Batch b) {
      if (jitter != null || mixup != null) {
        Tensor x = jitter == null ? b.x() : jitter.apply(b.x()); // [B, 1, 28, 28]
        Mixup.Mixed mixed = mixup == null ? null : mixup.apply(x);
        if (mixed != null) x = mixed.x();
        teacherTape.reset();
        Var t = teacher.forward(teacherTape.input(x));
        Tensor logits = Tensor.wrap(t.data().clone(), t.shape()); // [B, classes]
        Var s = student.forward(tape.input(x));
        if (mixed == null) return distillation.loss(s, logits, b.y());
        return distillation.lossWithTargets(s, logits, distillation.alpha() == 1 ? null : mixed.targets(b.y(), train.classes()));
      }
      int m = b.size(), per = train.features(), c = teacherLogits.length / train.size();
      int[] dims = train.x().shape().dims();
      dims[0] = m;
      float[] x = new float[m * per], logits = new float[m * c];
      float[] idx = b.x().data();
      for (int i = 0; i < m; i++) {
        int j = (int) idx[i];
        System.arraycopy(train.x().data(), j * per, x, i * per, per);
        System.arraycopy(teacherLogits, j * c, logits, i * c, c);
      }
      Var s = student.forward(tape.input(Tensor.of(x, dims)));
      if (labelled == train.size()) return distillation.loss(s, Tensor.of(logits, m, c), b.y());
      float[] q = null; // one-hot rows for the labelled samples, zero rows for the others
      if (distillation.alpha() < 1) {
        q = new float[m * c];
        for (int i = 0; i < m; i++) {
          int j = (int) idx[i];
          if (j < labelled) q[i * c + b.y()[i]] = 1;
        }
      }
      return distillation.lossWithTargets(s, Tensor.of(logits, m, c), q == null ? null : Tensor.of(q, m, c));
    }
  }
}
