package dev.fivefold.info;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Tape;
import dev.fivefold.autodiff.Var;
import dev.fivefold.nn.Activation;
import dev.fivefold.perception.Mlp;
import dev.fivefold.tensor.Tensor;
import dev.fivefold.train.TrainObserver;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.TreeSet;

/**
 * Records the information plane of an {@link Mlp} during training (Shwartz-Ziv &amp; Tishby
 * 2017, section 3; Saxe et al. 2018): at chosen epochs, for every layer T, the pair {@code (I(X;T),
 * I(T;Y))} in bits on a fixed evaluation set (for {@link SyntheticBits}: all 4096 inputs, X uniform
 * over them).
 *
 * <p>Estimators:
 *
 * <ul>
 *   <li>{@link Estimator#BIN}: each unit's output is put in {@code bins} equal bins (fixed range
 *       {@code [-1, 1]} for tanh, {@code [0, 1]} for the softmax layer, otherwise the layer's
 *       observed range {@code [min, max]} over all its units at that epoch, as Saxe et al. do for
 *       ReLU); T is the tuple of bin indices. Since the network is deterministic and the inputs
 *       distinct, {@code I(X;T) = H(T)}, at most {@code log2 n} (12 bits for 4096 inputs); {@code
 *       I(T;Y)} is the plug-in MI of the bin tuple and the label. A constant layer gives 0 and 0.
 *   <li>{@link Estimator#KDE}: T = layer + N(0, σ²I), {@code I(X;T)} by {@link KdeBound#upper} and
 *       {@code I(T;Y)} by {@link KdeBound#withLabels} (Saxe et al., appendix C).
 * </ul>
 *
 * <p>The representations T are read from the one forward of the network through a forward hook:
 * each hidden layer's activation and, last, the softmax of the logits (the output layer of
 * Shwartz-Ziv &amp; Tishby's figures).
 *
 * <p>Use as a {@link TrainObserver}: epoch 0 is measured at {@link #onStart}, and epoch e after
 * the last step of epoch e when e is in the chosen set. Both estimates obey data processing
 * ({@code I(T;Y) ≤ I(X;T) ≤ log2 n}) for BIN exactly; for KDE only up to the bounds' looseness.
 */
public final class InformationPlane implements TrainObserver {
  /** How mutual information is estimated from a layer's outputs. */
  public enum Estimator {
    /** Equal-width binning of each unit and plug-in estimates. */
    BIN,
    /** The pairwise-distance bounds of {@link KdeBound} for the layer plus Gaussian noise. */
    KDE
  }

  /**
   * One measurement of one layer at one epoch.
   *
   * @param epoch the epoch after which it was measured (0: before training)
   * @param layer the layer index, 1 = first hidden layer; the last is the softmax output
   * @param ixt I(X;T), bits
   * @param ity I(T;Y), bits
   */
  public record Point(int epoch, int layer, double ixt, double ity) {}

  private final Mlp net;
  private final Tensor x;
  private final int[] y;
  private final Estimator estimator;
  private final int bins;
  private final double noiseVariance;
  private final TreeSet<Integer> epochs;
  private final List<Point> points = new ArrayList<>();
  private long stepsPerEpoch = 1;

  /**
   * A recorder of {@code net}'s layers on the evaluation set {@code (x, y)} at the given epochs.
   *
   * @param x evaluation inputs {@code [n, in]}, each a distinct equally likely X
   * @param y their labels
   * @param epochs the epochs after which to measure (0 = before training)
   * @param bins bins per unit for BIN (30 in Shwartz-Ziv &amp; Tishby)
   * @param noiseVariance σ² for KDE (Saxe et al. use 0.1 in their KDE figures)
   * @param net the network being trained
   * @param estimator how I(X;T) and I(T;Y) are estimated
   * @throws IllegalArgumentException if {@code x} is not {@code [n, in]} with n labels, {@code bins < 2}, the
   *     noise
   *     variance is not finite and positive, or an epoch is negative
   */
  public InformationPlane(Mlp net, Tensor x, int[] y, Estimator estimator, int bins, double noiseVariance, int[] epochs) {
    if (x.rank() != 2 || x.dim(0) != y.length) throw new IllegalArgumentException("x " + x.shape() + " must be [n, in] with n = labels (" + y.length + ")");
    Check.bins(bins);
    Check.positive(noiseVariance, "noiseVariance");
    this.net = net;
    this.x = x;
    this.y = y.clone();
    this.estimator = estimator;
    this.bins = bins;
    this.noiseVariance = noiseVariance;
    this.epochs = new TreeSet<>();
    for (int e : epochs) {
      if (e < 0) throw new IllegalArgumentException("epoch (" + e + ") must be >= 0");
      this.epochs.add(e);
    }
  }

  /**
   * About {@code count} epochs spread logarithmically over {@code [1, last]}, plus 0 and last.
   *
   * @param last the last epoch, &ge; 1
   * @param count the number of spread epochs wanted, &ge; 1
   * @return distinct epochs, ascending, from 0 to {@code last}
   * @throws IllegalArgumentException if {@code last} or {@code count} is below 1
   */
  public static int[] logSpacedEpochs(int last, int count) {
    if (last < 1 || count < 1) throw new IllegalArgumentException("last (" + last + ") and count (" + count + ") must be >= 1");
    TreeSet<Integer> s = new TreeSet<>(List.of(0, last));
    for (int i = 0; i < count; i++) s.add((int) Math.round(Math.pow(last, i / (double) Math.max(1, count - 1))));
    return s.stream().mapToInt(Integer::intValue).toArray();
  }

  @Override
  public void onStart(long totalSteps, long stepsPerEpoch) {
    this.stepsPerEpoch = Math.max(1, stepsPerEpoch);
    if (epochs.contains(0)) measure(0);
  }

  @Override
  public void onStep(Step s) {
    if (s.step() % stepsPerEpoch != 0) return;
    int e = (int) (s.step() / stepsPerEpoch);
    if (epochs.contains(e)) measure(e);
  }

  /**
   * Measures every layer now and records it under {@code epoch}.
   *
   * @param epoch the epoch to record the points under
   * @return this measurement's points, one per layer
   */
  public List<Point> measure(int epoch) {
    List<float[][]> outs = layerOutputs(net, x);
    List<Point> now = new ArrayList<>();
    for (int l = 0; l < outs.size(); l++) {
      boolean last = l == outs.size() - 1;
      double[] mi = estimate(outs.get(l), last);
      now.add(new Point(epoch, l + 1, mi[0], mi[1]));
    }
    points.addAll(now);
    return now;
  }

  /**
   * Every layer's output on {@code x [n, in]}, computed without recording (eval mode, restored
   * after): the hidden activations {@code [n, sizes[i]]} for i = 1..L-2, read by a forward hook,
   * then the softmax probabilities {@code [n, sizes[L-1]]}.
   *
   * @param net the network (its training mode is restored afterwards)
   * @param x the inputs {@code [n, in]}
   * @return one {@code [n][units]} array per layer, the softmax output last
   */
  public static List<float[][]> layerOutputs(Mlp net, Tensor x) {
    List<float[][]> out = new ArrayList<>();
    boolean was = net.isTraining();
    net.eval();
    Tape tape = Tape.inference();
    try (var h = net.hook((name, m, y) -> {
      if (m instanceof Activation) out.add(rows(y));
    })) {
      out.add(rows(F.softmax(net.forward(tape.input(x)))));
    } finally {
      if (was) net.train();
    }
    return out;
  }

  static float[][] rows(Var v) {
    int n = v.shape().dim(0), d = v.shape().size() / Math.max(1, n);
    float[] a = v.data();
    float[][] r = new float[n][d];
    for (int i = 0; i < n; i++) System.arraycopy(a, i * d, r[i], 0, d);
    return r;
  }

  /** {I(X;T), I(T;Y)} for one layer's outputs. */
  double[] estimate(float[][] h, boolean softmaxLayer) {
    if (estimator == Estimator.KDE) {
      return new double[] {KdeBound.upper(h, noiseVariance), KdeBound.withLabels(h, y, noiseVariance)};
    }
    double lo, hi;
    if (softmaxLayer) {
      lo = 0;
      hi = 1;
    } else if (net.activation().equals("tanh")) {
      lo = -1;
      hi = 1;
    } else {
      lo = Double.POSITIVE_INFINITY;
      hi = Double.NEGATIVE_INFINITY;
      for (float[] r : h) for (float v : r) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
      if (!(lo < hi)) return new double[] {0, 0};
    }
    int[] t = Binning.fixedWidth(h, bins, lo, hi);
    return new double[] {Discrete.entropy(t), Discrete.mutualInformation(t, y)};
  }

  /**
   * All points so far, in measurement order.
   *
   * @return an unmodifiable view
   */
  public List<Point> points() {
    return Collections.unmodifiableList(points);
  }

  /**
   * The measured epochs, ascending.
   *
   * @return the distinct epochs of the recorded points
   */
  public int[] measuredEpochs() {
    return points.stream().mapToInt(Point::epoch).distinct().sorted().toArray();
  }

  /**
   * Mean over runs of the points with the same (epoch, layer); runs must share epochs and layers.
   *
   * @param runs the points of each run, in the same order
   * @return the averaged points, in the first run's order
   * @throws IllegalArgumentException if {@code runs} is empty or the runs measured different epochs or layers
   */
  public static List<Point> average(List<List<Point>> runs) {
    if (runs.isEmpty()) throw new IllegalArgumentException("runs (empty) must hold at least one run");
    List<Point> first = runs.getFirst();
    List<Point> out = new ArrayList<>();
    for (int i = 0; i < first.size(); i++) {
      Point p = first.get(i);
      double ixt = 0, ity = 0;
      for (List<Point> r : runs) {
        Point q = r.get(i);
        if (q.epoch() != p.epoch() || q.layer() != p.layer()) throw new IllegalArgumentException("runs measured different epochs or layers");
        ixt += q.ixt();
        ity += q.ity();
      }
      out.add(new Point(p.epoch(), p.layer(), ixt / runs.size(), ity / runs.size()));
    }
    return out;
  }

  @Override
  public String toString() {
    return "InformationPlane(" + estimator + ", epochs " + Arrays.toString(epochs.stream().mapToInt(i -> i).toArray()) + ")";
  }
}
