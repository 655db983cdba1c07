package dev.fivefold.nn;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Var;
import dev.fivefold.tensor.Tensor;

/**
 * Batch normalisation (Ioffe &amp; Szegedy 2015) over the channel axis 1, PyTorch's
 * {@code nn.BatchNorm1d}/{@code nn.BatchNorm2d} with their defaults: eps 1e-5, momentum 0.1, an
 * affine weight (1 at start) and bias (0), running mean (0) and variance (1).
 *
 * <p>In training mode on a recording tape (as {@link Dropout} decides) each channel is normalised
 * by the batch's mean and biased variance, y = (x − μ)/√(σ² + ε)·w + b, and the running statistics
 * move towards them: r ← (1 − 0.1)·r + 0.1·batch, the variance unbiased (·M/(M − 1), M values per
 * channel). In evaluation mode, or on an inference tape, the running statistics normalise. A
 * training batch needs more than one value per channel.
 *
 * <p>The running statistics are buffers ({@code running_mean}, {@code running_var}, PyTorch's
 * names): saved and loaded with the model, not trained, not counted as parameters. PyTorch's
 * {@code num_batches_tracked} is not kept (it only matters for {@code momentum=None}).
 */
public abstract sealed class BatchNorm extends Module permits BatchNorm1d, BatchNorm2d {
  /** PyTorch's defaults. */
  public static final float EPS = 1e-5f, MOMENTUM = 0.1f;
  private final int features;
  private final float eps, momentum;
  private final Parameter weight, bias;
  private final Tensor runningMean, runningVar;

  BatchNorm(int features, float eps, float momentum) {
    if (features < 1) throw new IllegalArgumentException("batch norm features (" + features + ") must be >= 1");
    if (!(eps >= 0) || Float.isInfinite(eps)) throw new IllegalArgumentException("batch norm eps (" + eps + ") must be finite and >= 0");
    if (!(momentum >= 0 && momentum <= 1)) throw new IllegalArgumentException("batch norm momentum (" + momentum + ") must be in [0, 1]");
    this.features = features;
    this.eps = eps;
    this.momentum = momentum;
    this.weight = parameter("weight", Tensor.full(1f, features)).noDecay();
    this.bias = parameter("bias", Tensor.zeros(features)).noDecay();
    this.runningMean = buffer("running_mean", Tensor.zeros(features));
    this.runningVar = buffer("running_var", Tensor.full(1f, features));
  }

  /** The input's rank this layer takes (2 or 3 for 1d, 4 for 2d); throws naming the shape otherwise. */
  abstract void checkRank(Var x);

  @Override
  public final Var forward(Var x) {
    checkRank(x);
    if (x.shape().dim(1) != features) throw new IllegalArgumentException(getClass().getSimpleName() + "(" + features + ") got input " + x.shape());
    boolean batchStats = isTraining() && x.tape().recording();
    return F.batchNorm(x, weight.on(x.tape()), bias.on(x.tape()), runningMean, runningVar, batchStats, momentum, eps);
  }

  /** {@return the number of normalised features (channels) C} */
  public final int features() {
    return features;
  }

  /** {@return ε, added to the variance} */
  public final float eps() {
    return eps;
  }

  /** {@return the momentum of the running statistics} */
  public final float momentum() {
    return momentum;
  }

  /** {@return the gain γ, [C]} */
  public final Parameter weight() {
    return weight;
  }

  /** {@return the shift β, [C]} */
  public final Parameter bias() {
    return bias;
  }

  /**
   * The running mean [C] (live: updated by each training forward).
   *
   * @return the running mean
   */
  public final Tensor runningMean() {
    return runningMean;
  }

  /**
   * The running (unbiased) variance [C] (live).
   *
   * @return the running variance
   */
  public final Tensor runningVar() {
    return runningVar;
  }
}
