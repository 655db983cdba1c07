package dev.fivefold.data.augment;

import dev.fivefold.data.Mixup;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;

/**
 * An augmentation that blends each sample of a batch with a partner and so makes soft targets:
 * mixup or CutMix. Both pair sample i with π(i), π a random permutation of the batch drawn first,
 * then give each sample its own weight λ_i, and the targets are
 * {@code ỹ_i = λ_i · onehot(y_i) + (1 − λ_i) · onehot(y_π(i))} ({@link Mixup.Mixed#targets}).
 * The result is a {@link Mixup.Mixed}: blended images, partners and weights.
 */
public sealed interface Mixing {
  /**
   * The mixed copy of a batch {@code x}; x is not changed.
   *
   * @param x the images, [N, ...]
   * @param layout the images' layout
   * @param rng the source of the partners and weights
   * @return the mixed batch
   */
  Mixup.Mixed mix(Tensor x, ImageLayout layout, Rng rng);

  /**
   * As written in an augmentation spec.
   *
   * @return the spec item, e.g. {@code "mixup:0.2"}
   */
  String spec();

  /**
   * mixup (Zhang et al., ICLR 2018), computed by {@link Mixup}, the one implementation:
   * {@code x̃_i = λ_i x_i + (1 − λ_i) x_π(i)}, λ_i ~ Beta(α, α) per sample.
   *
   * @param alpha &gt; 0 and finite (Zhang et al.: 0.2 on ImageNet, 1 on CIFAR-10)
   */
  record MixupBlend(double alpha) implements Mixing {
    /**
     * Checks α.
     *
     * @throws IllegalArgumentException if α is not positive and finite
     */
    public MixupBlend {
      if (!(alpha > 0 && alpha < Double.POSITIVE_INFINITY)) throw new IllegalArgumentException("mixup alpha (" + alpha + ") must be > 0 and finite");
    }

    @Override
    public Mixup.Mixed mix(Tensor x, ImageLayout layout, Rng rng) {
      return new Mixup(alpha, rng).apply(x);
    }

    @Override
    public String spec() {
      return "mixup:" + alpha;
    }
  }

  /**
   * CutMix (Yun, Han, Oh, Chun, Choe &amp; Yoo, "CutMix: Regularization Strategy to Train Strong
   * Classifiers with Localizable Features", ICCV 2019, Algorithm A1): sample i gets the box
   * {@code B_i} of its partner pasted in, all channels,
   * <pre>
   *   x̃_i = M_i ⊙ x_i + (1 − M_i) ⊙ x_π(i),   M_i = 0 inside B_i, 1 outside
   * </pre>
   * B_i's sides are {@code ⌊W·√(1−λ)⌋ × ⌊H·√(1−λ)⌋}, λ ~ Beta(α, α) ({@link Mixup#beta}), centred on
   * a uniform pixel (cx, cy) and clipped at the borders (the authors' code), and the weight is the
   * share of the image actually kept, {@code λ_i = 1 − |B_i| / (H·W)}, so the target mass matches
   * the pasted area. Per sample (one λ and box each) where the paper draws one per batch, as
   * {@link Mixup} does for mixup. Draw order: π, then per sample λ, cx, cy.
   *
   * @param alpha &gt; 0 and finite (Yun et al.: 1)
   */
  record CutMix(double alpha) implements Mixing {
    /**
     * Checks α.
     *
     * @throws IllegalArgumentException if α is not positive and finite
     */
    public CutMix {
      if (!(alpha > 0 && alpha < Double.POSITIVE_INFINITY)) throw new IllegalArgumentException("cutmix alpha (" + alpha + ") must be > 0 and finite");
    }

    @Override
    public Mixup.Mixed mix(Tensor x, ImageLayout layout, Rng rng) {
      int n = x.dim(0), per = layout.size(), H = layout.height(), W = layout.width();
      if ((long) n * per != x.size()) throw new IllegalArgumentException("images " + x.shape() + " do not match layout " + layout);
      int[] partner = new int[n];
      for (int i = 0; i < n; i++) partner[i] = i;
      rng.shuffle(partner);
      float[] src = x.data(), dst = src.clone(), lambda = new float[n];
      for (int i = 0; i < n; i++) {
        double cut = Math.sqrt(1 - Mixup.beta(alpha, rng));
        int cw = (int) (W * cut), ch = (int) (H * cut);
        int cx = rng.nextInt(W), cy = rng.nextInt(H);
        int x1 = Math.max(0, cx - cw / 2), x2 = Math.min(W, cx + cw / 2), y1 = Math.max(0, cy - ch / 2), y2 = Math.min(H, cy + ch / 2);
        for (int c = 0; c < layout.channels(); c++) {
          for (int y = y1; y < y2; y++) {
            int row = (c * H + y) * W;
            System.arraycopy(src, partner[i] * per + row + x1, dst, i * per + row + x1, x2 - x1);
          }
        }
        lambda[i] = (float) (1 - (double) (x2 - x1) * (y2 - y1) / ((double) H * W));
      }
      return new Mixup.Mixed(Tensor.wrap(dst, x.shape()), partner, lambda);
    }

    @Override
    public String spec() {
      return "cutmix:" + alpha;
    }
  }
}
