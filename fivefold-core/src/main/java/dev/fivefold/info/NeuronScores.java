package dev.fivefold.info;

import dev.fivefold.compress.StructuredPruning;
import dev.fivefold.perception.Mlp;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Scores of the hidden neurons of an {@link Mlp}, for information-guided structured pruning: a unit
 * with a low score is dropped first (with its incoming row and outgoing column, by {@link
 * StructuredPruning#prune}). Four criteria:
 *
 * <ul>
 *   <li>{@link Criterion#MI}: {@code I(T_i; Y)} in bits between the unit's activation, binned into
 *       {@code bins} equal-width bins over its observed range, and the class label (plug-in, {@link
 *       Discrete#mutualInformation(int[], int[])}); a unit that copies the label scores {@code H(Y)},
 *       a constant (dead) unit 0. Plug-in bias: about {@code (bins-1)(classes-1)/(2N ln 2)} bits,
 *       the same order for every unit, so rankings are little affected for N in the thousands.
 *   <li>{@link Criterion#ENTROPY}: {@code H(T_i)} in bits of the same binned activation — how much
 *       the unit varies at all, label-blind; a constant unit scores 0.
 *   <li>{@link Criterion#MAGNITUDE}: L1 norm of the unit's incoming weights (Li et al. 2017), as
 *       {@link StructuredPruning#pruneByL1}.
 *   <li>{@link Criterion#RANDOM}: uniform random scores (a baseline).
 * </ul>
 */
public final class NeuronScores {
  private NeuronScores() {}

  /** A pruning criterion; higher score = more important = kept longer. */
  public enum Criterion {
    /** Plug-in {@code I(T_i; Y)}, bits, of the binned activation and the label. */
    MI,
    /** Plug-in {@code H(T_i)}, bits, of the binned activation (label-blind). */
    ENTROPY,
    /** L1 norm of the unit's incoming weights. */
    MAGNITUDE,
    /** Uniform random scores in [0, 1) (a baseline). */
    RANDOM;

    /**
     * The criterion's name in lower case, as the command line and result tables spell it.
     *
     * @return e.g. {@code "mi"}
     */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * The hidden activations of {@code m} on {@code x [n, ...]} (flattened per sample), computed
   * without recording: element l is {@code [n][sizes[l+1]]}, the output of fc_{l+1} after the
   * activation, for every hidden layer.
   *
   * @param m the network
   * @param x the inputs {@code [n, ...]}
   * @return one {@code [n][units]} array per hidden layer, first layer first
   */
  public static List<float[][]> hiddenActivations(Mlp m, Tensor x) {
    List<float[][]> out = InformationPlane.layerOutputs(m, x);
    return out.subList(0, out.size() - 1);
  }

  /** Column j of {@code act [n][d]}, binned into {@code bins} equal-width bins over its observed range (constant: all bin 0). */
  static int[] binColumn(float[][] act, int j, int bins) {
    int n = act.length;
    float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
    for (float[] row : act) {
      float v = row[j];
      if (!Float.isFinite(v)) throw new IllegalArgumentException("activation [" + j + "] is not finite: " + v);
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    int[] b = new int[n];
    if (!(hi > lo)) return b;
    double w = (double) hi - lo;
    for (int i = 0; i < n; i++) b[i] = Math.min(bins - 1, (int) ((act[i][j] - (double) lo) / w * bins));
    return b;
  }

  /**
   * Per unit (column of {@code act [n][d]}): I(binned T_i; Y) in bits.
   *
   * @param act the activations {@code [n][d]}
   * @param labels the class of each of the n samples
   * @param bins equal-width bins per unit, &ge; 2
   * @return d scores, bits, &ge; 0
   * @throws IllegalArgumentException if {@code act} is empty or ragged, the lengths differ, {@code bins < 2},
   *     or an
   *     activation is not finite
   */
  public static double[] mutualInformation(float[][] act, int[] labels, int bins) {
    checkShapes(act, labels, bins);
    double[] s = new double[act[0].length];
    for (int j = 0; j < s.length; j++) s[j] = Math.max(0, Discrete.mutualInformation(binColumn(act, j, bins), labels));
    return s;
  }

  /**
   * Per unit (column of {@code act [n][d]}): H(binned T_i) in bits.
   *
   * @param act the activations {@code [n][d]}
   * @param bins equal-width bins per unit, &ge; 2
   * @return d scores, bits, &ge; 0
   * @throws IllegalArgumentException if {@code act} is empty or ragged, {@code bins < 2}, or an activation is
   *     not finite
   */
  public static double[] entropy(float[][] act, int bins) {
    checkShapes(act, null, bins);
    double[] s = new double[act[0].length];
    for (int j = 0; j < s.length; j++) s[j] = Math.max(0, Discrete.entropy(binColumn(act, j, bins)));
    return s;
  }

  /**
   * Per unit of hidden layer {@code layer} (0-based): L1 norm of its incoming weights (row of fc_{layer+1}).
   *
   * @param m the network
   * @param layer the hidden layer, 0-based
   * @return one score per unit of that layer
   */
  public static double[] magnitude(Mlp m, int layer) {
    return StructuredPruning.l1Norms(m.layers().get(layer).weight().value());
  }

  /**
   * Uniform random scores in [0, 1).
   *
   * @param units the number of scores
   * @param seed the generator's seed
   * @return {@code units} scores
   */
  public static double[] random(int units, long seed) {
    Rng r = new Rng(seed);
    double[] s = new double[units];
    for (int i = 0; i < units; i++) s[i] = r.nextDouble();
    return s;
  }

  /**
   * Scores of every hidden layer's units under {@code c}: element l has {@code sizes[l+1]} scores.
   * {@code acts} (from {@link #hiddenActivations}) and {@code labels} are needed by MI and ENTROPY
   * only; RANDOM uses {@code seed + l} for layer l.
   *
   * @param c the criterion
   * @param m the network
   * @param acts the hidden activations (MI, ENTROPY), else may be null
   * @param labels the class of each sample (MI), else may be null
   * @param bins equal-width bins per unit (MI, ENTROPY), &ge; 2
   * @param seed the base seed (RANDOM)
   * @return one score array per hidden layer
   */
  public static List<double[]> score(Criterion c, Mlp m, List<float[][]> acts, int[] labels, int bins, long seed) {
    List<double[]> out = new ArrayList<>();
    int hidden = m.layers().size() - 1;
    for (int l = 0; l < hidden; l++) {
      out.add(switch (c) {
        case MI -> mutualInformation(acts.get(l), labels, bins);
        case ENTROPY -> entropy(acts.get(l), bins);
        case MAGNITUDE -> magnitude(m, l);
        case RANDOM -> random(m.sizes()[l + 1], seed + l);
      });
    }
    return out;
  }

  /**
   * The units to keep when the lowest-scored {@code fraction} of each layer is pruned: per layer
   * {@code max(1, units - round(fraction · units))} highest-scored units (ties: lower index),
   * ascending, ready for {@link StructuredPruning#prune}.
   *
   * @param scores one score array per hidden layer
   * @param fraction the share of each layer's units to prune, in [0, 1)
   * @return per layer the ascending indices of the units kept
   * @throws IllegalArgumentException if {@code fraction} is outside [0, 1)
   */
  public static int[][] keep(List<double[]> scores, double fraction) {
    if (!(fraction >= 0 && fraction < 1)) throw new IllegalArgumentException("fraction (" + fraction + ") must be in [0, 1)");
    int[][] k = new int[scores.size()][];
    for (int l = 0; l < k.length; l++) {
      int n = scores.get(l).length;
      k[l] = StructuredPruning.largest(scores.get(l), Math.max(1, n - (int) Math.round(fraction * n)));
    }
    return k;
  }

  /**
   * {@code m} with the lowest-scored {@code fraction} of each hidden layer's units removed (no retraining).
   *
   * @param m the network (unchanged)
   * @param scores one score array per hidden layer
   * @param fraction the share of each layer's units to prune, in [0, 1)
   * @return a new, smaller network
   * @throws IllegalArgumentException if {@code fraction} is outside [0, 1)
   */
  public static Mlp prune(Mlp m, List<double[]> scores, double fraction) {
    return StructuredPruning.prune(m, keep(scores, fraction));
  }

  private static void checkShapes(float[][] act, int[] labels, int bins) {
    if (act.length == 0 || act[0].length == 0) throw new IllegalArgumentException("activations must be non-empty [n][d]");
    if (bins < 2) throw new IllegalArgumentException("bins (" + bins + ") must be >= 2");
    if (labels != null && labels.length != act.length) {
      throw new IllegalArgumentException("labels (" + labels.length + ") and activations (" + act.length + ") differ in length");
    }
    for (float[] row : act) if (row.length != act[0].length) throw new IllegalArgumentException("activations are ragged");
  }
}
