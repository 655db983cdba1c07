package dev.fivefold.compress;

import dev.fivefold.nn.Linear;
import dev.fivefold.nn.Module;
import dev.fivefold.perception.LeNet5;
import dev.fivefold.perception.Mlp;
import dev.fivefold.tensor.Shape;
import dev.fivefold.tensor.Tensor;
import java.util.Arrays;

/**
 * Structured pruning by L1 norm (Li et al., "Pruning Filters for Efficient ConvNets", ICLR 2017,
 * §3.1): whole hidden neurons of an {@link Mlp} (row i of fc_l's weight and bias together with
 * column i of fc_{l+1}'s weight) or whole conv filters (output channel o of conv_l with input
 * channel o of conv_{l+1}). The result is physically smaller and dense; the kept units compute
 * exactly the values they computed before (the dropped ones are gone, not zeroed), and the
 * network output changes only by the dropped units' contributions.
 *
 * <p>For a {@link LeNet5} both are applied at once: conv1 filters (and conv2's matching input
 * channels), conv2 filters (and the 16 fc1 columns each one feeds through the 4×4 pooled map),
 * and fc1 neurons (and fc2's matching columns), giving a {@code lenet5:C1-C2-H} of the kept widths.
 */
public final class StructuredPruning {
  private StructuredPruning() {}

  /**
   * L1 norm of each slice along axis 0 (rows of [out, in]; filters of [O, C, k, k]).
   *
   * @param w a weight of rank &ge; 1: a matrix [out, in] or a kernel [O, C, k, k]
   * @return the L1 norms, one per index of axis 0
   */
  public static double[] l1Norms(Tensor w) {
    int n = w.dim(0), per = w.size() / n;
    double[] out = new double[n];
    float[] d = w.data();
    for (int i = 0; i < n; i++) {
      double s = 0;
      for (int j = 0; j < per; j++) s += Math.abs(d[i * per + j]);
      out[i] = s;
    }
    return out;
  }

  /**
   * The {@code keep} slices with the largest L1 norm (ties: lower index), ascending by index.
   *
   * @param norms the norm of each slice
   * @param keep how many to keep, in 1..{@code norms.length}
   * @return the kept indices, ascending
   * @throws IllegalArgumentException if {@code keep} is outside 1..{@code norms.length}
   */
  public static int[] largest(double[] norms, int keep) {
    if (keep < 1 || keep > norms.length) throw new IllegalArgumentException("keep (" + keep + ") must be in 1.." + norms.length);
    Integer[] idx = new Integer[norms.length];
    for (int i = 0; i < idx.length; i++) idx[i] = i;
    Arrays.sort(idx, (a, b) -> norms[a] != norms[b] ? Double.compare(norms[b], norms[a]) : Integer.compare(a, b));
    int[] out = new int[keep];
    for (int i = 0; i < keep; i++) out[i] = idx[i];
    Arrays.sort(out);
    return out;
  }

  /**
   * The sub-tensor of {@code t} at indices {@code keep} along {@code axis}.
   *
   * @param t the tensor
   * @param axis the axis selected along, in 0..rank-1
   * @param keep the indices kept along {@code axis}, in their output order
   * @return a new tensor of {@code t}'s shape with {@code keep.length} at {@code axis}
   * @throws IllegalArgumentException if an index of {@code keep} is outside the axis
   */
  public static Tensor select(Tensor t, int axis, int[] keep) {
    Shape s = t.shape();
    int outer = 1, inner = 1;
    for (int i = 0; i < axis; i++) outer *= s.dim(i);
    for (int i = axis + 1; i < s.rank(); i++) inner *= s.dim(i);
    int n = s.dim(axis);
    int[] dims = new int[s.rank()];
    for (int i = 0; i < dims.length; i++) dims[i] = s.dim(i);
    dims[axis] = keep.length;
    Tensor r = Tensor.zeros(dims);
    float[] src = t.data(), dst = r.data();
    for (int o = 0; o < outer; o++) {
      for (int k = 0; k < keep.length; k++) {
        if (keep[k] < 0 || keep[k] >= n) throw new IllegalArgumentException("keep index " + keep[k] + " outside axis " + axis + " of " + s);
        System.arraycopy(src, (o * n + keep[k]) * inner, dst, (o * keep.length + k) * inner, inner);
      }
    }
    return r;
  }

  /**
   * A smaller Mlp keeping, in hidden layer l (1-based, the output of fc_l), the units
   * {@code keep[l-1]} (ascending). {@code keep.length} is the number of hidden layers.
   *
   * @param m the model, not changed
   * @param keep per hidden layer the units kept, ascending
   * @return a new, smaller Mlp with the kept units' weights and biases
   * @throws IllegalArgumentException if {@code keep.length} is not the number of hidden layers
   */
  public static Mlp prune(Mlp m, int[][] keep) {
    int[] sizes = m.sizes();
    if (keep.length != sizes.length - 2) throw new IllegalArgumentException("keep has " + keep.length + " layers, the Mlp has " + (sizes.length - 2) + " hidden layers");
    int[] ns = sizes.clone();
    for (int l = 0; l < keep.length; l++) ns[l + 1] = keep[l].length;
    Mlp out = new Mlp(ns, m.activation(), 0);
    for (int l = 0; l < m.layers().size(); l++) {
      Linear src = m.layers().get(l), dst = out.layers().get(l);
      Tensor w = src.weight().value(); // [out, in]
      if (l < keep.length) w = select(w, 0, keep[l]);
      if (l > 0) w = select(w, 1, keep[l - 1]);
      dst.weight().value().copyFrom(w);
      if (src.bias() != null) {
        Tensor b = src.bias().value();
        dst.bias().value().copyFrom(l < keep.length ? select(b, 0, keep[l]) : b);
      }
    }
    return out;
  }

  /**
   * Keeps the fraction {@code keepFraction} (at least one) of each hidden layer's units by L1 norm of their incoming weights.
   *
   * @param m the model, not changed
   * @param keepFraction fraction of units kept per hidden layer, in (0, 1]; rounded, at least one unit
   * @return a new, smaller Mlp
   * @throws IllegalArgumentException if {@code keepFraction} is outside (0, 1]
   */
  public static Mlp pruneByL1(Mlp m, double keepFraction) {
    if (!(keepFraction > 0 && keepFraction <= 1)) throw new IllegalArgumentException("keepFraction (" + keepFraction + ") must be in (0, 1]");
    int[][] keep = new int[m.layers().size() - 1][];
    for (int l = 0; l < keep.length; l++) {
      Tensor w = m.layers().get(l).weight().value();
      keep[l] = largest(l1Norms(w), Math.max(1, (int) Math.round(keepFraction * w.dim(0))));
    }
    return prune(m, keep);
  }

  /**
   * Filter pruning of a conv pair: returns {conv1 weight [K, C, k, k], conv1 bias [K], conv2 weight
   * [O, K, k', k']} keeping filters {@code keep} of conv1 and the matching input channels of conv2.
   *
   * @param conv1Weight conv1's weight [K, C, k, k]
   * @param conv1Bias conv1's bias [K]
   * @param conv2Weight conv2's weight [O, K, k', k']
   * @param keep the conv1 filters kept, ascending indices in 0..K-1
   * @return three new tensors: conv1 weight [K', C, k, k], conv1 bias [K'], conv2 weight [O, K', k', k'] with
   *     K' = {@code keep.length}
   */
  public static Tensor[] pruneFilters(Tensor conv1Weight, Tensor conv1Bias, Tensor conv2Weight, int[] keep) {
    return new Tensor[] {select(conv1Weight, 0, keep), select(conv1Bias, 0, keep), select(conv2Weight, 1, keep)};
  }

  /**
   * A smaller LeNet5 keeping conv1 filters {@code keep[0]}, conv2 filters {@code keep[1]} and fc1
   * neurons {@code keep[2]} (each ascending, within the model's widths).
   *
   * @param m the model, without normalisation layers; not changed
   * @param keep three ascending index groups: conv1 filters, conv2 filters, fc1 neurons
   * @return a new, smaller LeNet5 with the kept units' weights
   * @throws IllegalArgumentException if {@code keep} does not hold three non-empty ascending groups within
   *     the widths, or the model has normalisation layers
   */
  public static LeNet5 prune(LeNet5 m, int[][] keep) {
    if (keep.length != 3) throw new IllegalArgumentException("keep has " + keep.length + " groups, a LeNet5 has 3 (conv1, conv2, fc1)");
    if (m.spec().norm() != LeNet5.Norm.NONE) throw new IllegalArgumentException("structured pruning takes a LeNet5 without normalisation, got " + m.spec());
    int[] w = m.widths();
    String[] group = {"conv1", "conv2", "fc1"};
    for (int g = 0; g < 3; g++) {
      if (keep[g].length < 1) throw new IllegalArgumentException("keep for " + group[g] + " is empty");
      for (int k = 0; k < keep[g].length; k++) {
        if (keep[g][k] < 0 || keep[g][k] >= w[g] || (k > 0 && keep[g][k] <= keep[g][k - 1])) {
          throw new IllegalArgumentException("keep for " + group[g] + " must be ascending indices in 0.." + (w[g] - 1) + ", got " + Arrays.toString(keep[g]));
        }
      }
    }
    var sd = m.stateDict();
    var out = new java.util.LinkedHashMap<String, Tensor>();
    Tensor[] c1 = pruneFilters(sd.get("conv1.weight"), sd.get("conv1.bias"), sd.get("conv2.weight"), keep[0]);
    out.put("conv1.weight", c1[0]);
    out.put("conv1.bias", c1[1]);
    out.put("conv2.weight", select(c1[2], 0, keep[1]));
    out.put("conv2.bias", select(sd.get("conv2.bias"), 0, keep[1]));
    Tensor fc1 = select(sd.get("fc1.weight"), 0, keep[2]); // [H', 16·C2]
    Tensor cols = select(fc1.reshape(keep[2].length, w[1], 16), 1, keep[1]); // [H', K2, 16]
    out.put("fc1.weight", cols.reshape(keep[2].length, 16 * keep[1].length));
    out.put("fc1.bias", select(sd.get("fc1.bias"), 0, keep[2]));
    out.put("fc2.weight", select(sd.get("fc2.weight"), 1, keep[2]));
    out.put("fc2.bias", sd.get("fc2.bias"));
    LeNet5 small = new LeNet5(keep[0].length, keep[1].length, keep[2].length, 0);
    small.loadStateDict(out, "structured pruning of a LeNet5 " + Arrays.toString(w));
    return small;
  }

  /**
   * Keeps the fraction {@code keepFraction} (at least one) of conv1's filters, conv2's filters and
   * fc1's neurons, each by the L1 norm of its weights (Li et al. 2017).
   *
   * @param m the model, without normalisation layers; not changed
   * @param keepFraction fraction of each group kept, in (0, 1]; rounded, at least one
   * @return a new, smaller LeNet5
   * @throws IllegalArgumentException if {@code keepFraction} is outside (0, 1]
   */
  public static LeNet5 pruneByL1(LeNet5 m, double keepFraction) {
    if (!(keepFraction > 0 && keepFraction <= 1)) throw new IllegalArgumentException("keepFraction (" + keepFraction + ") must be in (0, 1]");
    var sd = m.stateDict();
    String[] weight = {"conv1.weight", "conv2.weight", "fc1.weight"};
    int[][] keep = new int[3][];
    for (int g = 0; g < 3; g++) {
      Tensor w = sd.get(weight[g]);
      keep[g] = largest(l1Norms(w), Math.max(1, (int) Math.round(keepFraction * w.dim(0))));
    }
    return prune(m, keep);
  }

  /**
   * {@link #pruneByL1(Mlp, double)} or {@link #pruneByL1(LeNet5, double)} by the model's family:
   * the surgery is family-specific (which units feed which), the criterion is not.
   *
   * @param m an {@link Mlp} or a {@link LeNet5}; not changed
   * @param keepFraction fraction of units kept per group, in (0, 1]
   * @return a new, smaller model of the same family
   * @throws IllegalArgumentException for a family without structured pruning
   */
  public static Module pruneByL1(Module m, double keepFraction) {
    return switch (m) {
      case Mlp mlp -> pruneByL1(mlp, keepFraction);
      case LeNet5 cnn -> pruneByL1(cnn, keepFraction);
      default -> throw new IllegalArgumentException("structured pruning takes an mlp or a lenet5, not " + m.getClass().getSimpleName());
    };
  }
}
