package dev.fivefold.compress.distill;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Var;
import dev.fivefold.tensor.Tensor;

/**
 * Knowledge distillation (Hinton, Vinyals &amp; Dean, "Distilling the Knowledge in a Neural
 * Network", 2015, §2):
 * <pre>
 *   L = α · T² · (1/N) Σ_n Σ_c −softmax(t_n / T)_c · log softmax(s_n / T)_c  +  (1 − α) · CE(s, y)
 * </pre>
 * with student logits s [N, C] (differentiable), teacher logits t [N, C] (constant) and labels y.
 * The T² keeps the soft term's gradient magnitude independent of T (§2.1). The soft term is a
 * cross-entropy; it differs from KL(p_t ‖ p_s) by the teacher's entropy, a constant, so the
 * gradients are the same. α = 1 is pure distillation (labels ignored, may be null).
 *
 * <p>On a mixup transfer set ({@link dev.fivefold.data.Mixup}) the labels are distributions q [N, C]
 * (the mixed one-hots) and the hard term is the cross-entropy against them,
 * −(1/N) Σ_n Σ_c q_nc · log softmax(s_n)_c, which for one-hot q is CE(s, y).
 *
 *
 * <p>{@link Match#LOGITS} replaces the soft term by logit matching (Ba &amp; Caruana, "Do Deep Nets
 * Really Need to be Deep?", NeurIPS 2014, §2.3: the mimic net regresses the teacher's logits):
 * <pre>
 *   soft = (1/N) Σ_n ½ ‖s_n − t_n‖²        ∂soft/∂s_n = (s_n − t_n) / N
 * </pre>
 * T is not used. Hinton et al. §2.1 show the T²-scaled soft cross-entropy tends to
 * (1/(2C)) Σ_c (s_nc − t_nc)² per row as T → ∞ when both logit vectors have zero mean, so logit
 * matching is the high-temperature limit, C times larger and without the zero-mean proviso.
 *
 * @param temperature T &gt; 0 (Hinton: 1..20; default 4 is common)
 * @param alpha weight of the soft term in [0, 1]
 * @param match what the soft term compares: softened probabilities (Hinton) or raw logits (Ba &amp; Caruana)
 */
public record Distillation(double temperature, double alpha, Match match) {
  /** The soft term's comparison of student and teacher. */
  public enum Match {
    /** T² · CE(softmax(t/T), softmax(s/T)), Hinton et al. 2015. */
    SOFT_TARGETS,
    /** ½ ‖s − t‖² per row, Ba &amp; Caruana 2014. */
    LOGITS
  }

  /**
   * Validates the settings.
   *
   * @throws IllegalArgumentException if {@code temperature} is not &gt; 0, {@code alpha} is outside [0, 1],
   *     or {@code match} is null
   */
  public Distillation {
    if (!(temperature > 0)) throw new IllegalArgumentException("temperature (" + temperature + ") must be > 0");
    if (!(alpha >= 0 && alpha <= 1)) throw new IllegalArgumentException("alpha (" + alpha + ") must be in [0, 1]");
    if (match == null) throw new IllegalArgumentException("match must not be null");
  }

  /**
   * Hinton's soft-target distillation.
   *
   * @param temperature T &gt; 0
   * @param alpha weight of the soft term, in [0, 1]
   */
  public Distillation(double temperature, double alpha) {
    this(temperature, alpha, Match.SOFT_TARGETS);
  }

  /**
   * The mixed loss (scalar).
   *
   * @param student the student's logits [N, C], on the tape
   * @param teacher the teacher's logits [N, C], constant
   * @param labels the labels, N of them; may be null when α = 1
   * @return the scalar loss L
   * @throws IllegalArgumentException if the logits differ in shape, or labels are missing with α &lt; 1
   */
  public Var loss(Var student, Tensor teacher, int[] labels) {
    if (!student.shape().equals(teacher.shape())) {
      throw new IllegalArgumentException("student " + student.shape() + " and teacher " + teacher.shape() + " logits differ in shape");
    }
    Var soft = softLoss(student, teacher);
    if (alpha == 1) return soft;
    if (labels == null) throw new IllegalArgumentException("labels needed when alpha (" + alpha + ") < 1");
    Var hard = F.crossEntropy(student, labels);
    if (alpha == 0) return hard;
    return F.add(F.scale(soft, (float) alpha), F.scale(hard, (float) (1 - alpha)));
  }

  /**
   * The mixed loss with the hard term against target distributions q [N, C] (rows summing to 1, or 0 for an unlabelled row, which then adds nothing to the mean); q may be null when α = 1.
   *
   * @param student the student's logits [N, C], on the tape
   * @param teacher the teacher's logits [N, C], constant
   * @param targets the target distributions q [N, C], or null when α = 1
   * @return the scalar loss
   * @throws IllegalArgumentException if the logits differ in shape, or targets are missing with α &lt; 1
   */
  public Var lossWithTargets(Var student, Tensor teacher, Tensor targets) {
    if (!student.shape().equals(teacher.shape())) {
      throw new IllegalArgumentException("student " + student.shape() + " and teacher " + teacher.shape() + " logits differ in shape");
    }
    Var soft = softLoss(student, teacher);
    if (alpha == 1) return soft;
    if (targets == null) throw new IllegalArgumentException("targets needed when alpha (" + alpha + ") < 1");
    Var hard = F.softCrossEntropy(student, targets);
    if (alpha == 0) return hard;
    return F.add(F.scale(soft, (float) alpha), F.scale(hard, (float) (1 - alpha)));
  }

  /**
   * The soft term: T² · mean over rows of CE(softmax(t/T), softmax(s/T)), or with {@link Match#LOGITS} the mean of ½ ‖s − t‖².
   *
   * @param student the student's logits [N, C], on the tape
   * @param teacher the teacher's logits [N, C], constant
   * @return the scalar soft term
   */
  public Var softLoss(Var student, Tensor teacher) {
    if (match == Match.LOGITS) {
      int c = student.shape().dim(student.shape().rank() - 1);
      return F.scale(F.mse(student, student.tape().input(teacher)), c / 2f); // mse averages over N·C
    }
    float invT = (float) (1 / temperature);
    Tensor p = teacherProbabilities(teacher, temperature); // [N, C]
    Var logQ = F.logSoftmax(F.scale(student, invT)); // [N, C]
    int n = student.shape().size() / student.shape().dim(student.shape().rank() - 1);
    Var ce = F.sum(F.mul(logQ, student.tape().input(p)));
    return F.scale(ce, (float) (-temperature * temperature / n));
  }

  /**
   * softmax(t / T) row-wise, in double for accuracy.
   *
   * @param teacher the logits [..., C]
   * @param temperature T &gt; 0
   * @return a new tensor of the same shape
   */
  public static Tensor teacherProbabilities(Tensor teacher, double temperature) {
    int c = teacher.dim(teacher.rank() - 1), rows = teacher.size() / c;
    float[] t = teacher.data(), p = new float[t.length];
    for (int r = 0; r < rows; r++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < c; j++) max = Math.max(max, t[r * c + j] / temperature);
      double z = 0;
      for (int j = 0; j < c; j++) z += Math.exp(t[r * c + j] / temperature - max);
      for (int j = 0; j < c; j++) p[r * c + j] = (float) (Math.exp(t[r * c + j] / temperature - max) / z);
    }
    return Tensor.wrap(p, teacher.shape());
  }
}
