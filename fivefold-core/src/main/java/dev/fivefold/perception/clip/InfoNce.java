package dev.fivefold.perception.clip;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Var;

/**
 * The symmetric InfoNCE loss of CLIP (Radford et al. 2021, figure 3; van den Oord et al. 2018) and
 * the mutual-information bound it gives.
 *
 * <p>For a batch of N matching pairs with unit-norm embeddings I [N, E] (images) and T [N, E]
 * (texts), logits = exp(s) · I Tᵀ with s the learned log-scale (1/τ = exp(s)); the loss is
 * ½ (CE(logits, diag) + CE(logitsᵀ, diag)), the mean cross-entropy of picking the matching text
 * for each image among the N texts, and the matching image for each text. Natural log (nats).
 *
 * <p>Bound: InfoNCE is a lower bound on the mutual information of the pairs, I(image; text) ≥
 * log N − L (nats), so in bits log₂ N − L / ln 2; it cannot exceed its ceiling log₂ N however good
 * the encoders (Poole et al. 2019, "On Variational Bounds of Mutual Information", eq. 12). With
 * the loss of each direction a bound, their mean is one too.
 */
public final class InfoNce {
  private InfoNce() {}

  /**
   * Rows scaled to unit L2 norm: x / ‖x‖ along the last axis, [N, E] → [N, E] (PyTorch's
   * F.normalize when ‖x‖ &gt; 1e-12). A zero row gives NaN.
   *
   * @param x the rows [N, E]
   * @return the unit rows [N, E]
   */
  public static Var normalize(Var x) {
    return F.div(x, F.sqrt(F.sum(F.mul(x, x), 1, true)));
  }

  /**
   * The symmetric loss (mean nats) of pairs (img[i], txt[i]).
   *
   * @param img unit-norm image embeddings [N, E]
   * @param txt unit-norm text embeddings [N, E]
   * @param logScale the log-scale s, shape [1]; the logits are scaled by exp(s)
   * @return the scalar loss, mean over both directions, nats
   */
  public static Var loss(Var img, Var txt, Var logScale) {
    if (img.shape().rank() != 2 || !img.shape().equals(txt.shape())) {
      throw new IllegalArgumentException("InfoNCE needs image and text embeddings of one shape [N, E], got " + img.shape() + " and " + txt.shape());
    }
    int n = img.shape().dim(0);
    int[] diag = new int[n];
    for (int i = 0; i < n; i++) diag[i] = i;
    Var logits = F.mul(F.matmul(img, F.transpose(txt, 0, 1)), F.exp(logScale)); // [N, N]: image i against text j
    Var perImage = F.crossEntropy(logits, diag);
    Var perText = F.crossEntropy(F.transpose(logits, 0, 1), diag);
    return F.scale(F.add(perImage, perText), 0.5f);
  }

  /**
   * log₂ N − loss / ln 2: the lower bound in bits on I(image; text) from a batch of N pairs with mean loss {@code lossNats}.
   *
   * @param lossNats the mean InfoNCE loss, nats
   * @param n N, the pairs per batch, &ge; 1
   * @return the bound, bits
   * @throws IllegalArgumentException if {@code n < 1}
   */
  public static double boundBits(double lossNats, int n) {
    if (n < 1) throw new IllegalArgumentException("batch (" + n + ") must be >= 1");
    return ceilingBits(n) - lossNats / Math.log(2);
  }

  /**
   * log₂ N: the most InfoNCE can certify with N pairs per batch.
   *
   * @param n N, the pairs per batch
   * @return log₂ N, bits
   */
  public static double ceilingBits(int n) {
    return Math.log(n) / Math.log(2);
  }
}
