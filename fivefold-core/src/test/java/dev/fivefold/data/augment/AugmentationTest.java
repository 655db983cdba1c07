package dev.fivefold.data.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.data.Mixup;
import dev.fivefold.data.RandomShift;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each augmentation against its definition; the spec parser and its errors. */
class AugmentationTest {
  static final ImageLayout MNIST = new ImageLayout(1, 28, 28);

  /** Distinct positive pixels, so any moved, erased or pasted pixel can be told apart. */
  static float[] image(ImageLayout g, long seed) {
    Rng r = new Rng(seed);
    float[] x = new float[g.size()];
    for (int i = 0; i < x.length; i++) x[i] = 0.5f + 0.5f * r.nextFloat() + i * 1e-6f;
    return x;
  }

  @Test
  void flipTwiceIsTheIdentityAndOnceMirrorsEveryRow() {
    ImageLayout g = new ImageLayout(2, 3, 5);
    float[] x = image(g, 1), y = x.clone();
    HorizontalFlip.mirror(y, 0, g);
    for (int c = 0; c < 2; c++) for (int r = 0; r < 3; r++) for (int col = 0; col < 5; col++) {
      assertEquals(x[(c * 3 + r) * 5 + 4 - col], y[(c * 3 + r) * 5 + col]);
    }
    HorizontalFlip.mirror(y, 0, g);
    assertArrayEquals(x, y);
    float[] z = x.clone();
    new HorizontalFlip(1).apply(z, 0, g, new Rng(3));
    new HorizontalFlip(1).apply(z, 0, g, new Rng(4));
    assertArrayEquals(x, z, "p = 1 flips every time");
    new HorizontalFlip(0).apply(z, 0, g, new Rng(3));
    assertArrayEquals(x, z, "p = 0 never flips");
    int flipped = 0;
    Rng r = new Rng(9);
    for (int i = 0; i < 4000; i++) {
      float[] w = x.clone();
      new HorizontalFlip(0.5).apply(w, 0, g, r);
      if (!Arrays.equals(w, x)) flipped++;
    }
    assertEquals(0.5, flipped / 4000.0, 0.03, "flip rate");
  }

  /** A crop of the zero-padded image is the image shifted by (dx, dy) in [−pad, pad]², zeros shifted in; all offsets occur. */
  @Test
  void cropIsAShiftWithinThePaddingWithZerosIn() {
    ImageLayout g = new ImageLayout(2, 10, 12);
    int pad = 3;
    boolean[][] seen = new boolean[2 * pad + 1][2 * pad + 1];
    Rng r = new Rng(5);
    for (int t = 0; t < 600; t++) {
      float[] x = image(g, t), y = x.clone();
      new RandomCrop(pad).apply(y, 0, g, r);
      int found = 0;
      for (int dy = -pad; dy <= pad; dy++) for (int dx = -pad; dx <= pad; dx++) {
        if (Arrays.equals(y, padCrop(x, g, pad, pad - dy, pad - dx))) {
          seen[dy + pad][dx + pad] = true;
          found++;
        }
      }
      assertEquals(1, found, "image " + t + " is exactly one crop of the padded image");
    }
    for (boolean[] row : seen) for (boolean s : row) assertTrue(s, "every offset in [-3, 3]^2 occurs");
  }

  /** The definition: pad every plane by {@code pad} zeros, cut the window whose top-left corner is (i, j). */
  static float[] padCrop(float[] x, ImageLayout g, int pad, int i, int j) {
    int H = g.height(), W = g.width(), PW = W + 2 * pad;
    float[] out = new float[x.length];
    for (int c = 0; c < g.channels(); c++) {
      float[] padded = new float[(H + 2 * pad) * PW];
      for (int y = 0; y < H; y++) System.arraycopy(x, (c * H + y) * W, padded, (y + pad) * PW + pad, W);
      for (int y = 0; y < H; y++) System.arraycopy(padded, (y + i) * PW + j, out, (c * H + y) * W, W);
    }
    return out;
  }

  @Test
  void cropDrawsAsRandomShiftDoes() {
    float[] x = image(MNIST, 2);
    float[] a = x.clone();
    new RandomCrop(2).apply(a, 0, MNIST, new Rng(17));
    Tensor b = RandomShift.mnist(2, new Rng(17)).apply(Tensor.of(x.clone(), 1, 1, 28, 28));
    assertArrayEquals(b.data(), a, "one shift implementation, same draws");
  }

  /** The erased pixels form one rectangle inside the image (all channels), of area in [0.02, 0.33]·HW up to rounding, ratio in [0.3, 3.3]; filled in [0, 1). */
  @Test
  void eraseRectangleIsInsideWithAreaAndRatioInRange() {
    ImageLayout g = new ImageLayout(2, 28, 28);
    Rng r = new Rng(8);
    int erased = 0, trials = 2000;
    double minFrac = 1, maxFrac = 0;
    for (int t = 0; t < trials; t++) {
      float[] x = image(g, t), y = x.clone();
      new RandomErasing(0.5, 0.02, 0.33, 0.3, 3.3).apply(y, 0, g, r);
      int top = 99, bottom = -1, left = 99, right = -1, changed = 0;
      for (int c = 0; c < 2; c++) for (int row = 0; row < 28; row++) for (int col = 0; col < 28; col++) {
        int k = (c * 28 + row) * 28 + col;
        if (y[k] != x[k]) {
          changed++;
          assertTrue(y[k] >= 0 && y[k] < 1, "fill in [0, 1)");
          top = Math.min(top, row);
          bottom = Math.max(bottom, row);
          left = Math.min(left, col);
          right = Math.max(right, col);
        }
      }
      if (changed == 0) continue;
      erased++;
      int h = bottom - top + 1, w = right - left + 1;
      assertEquals(2 * h * w, changed, "a full rectangle in both channels");
      double frac = h * w / 784.0;
      minFrac = Math.min(minFrac, frac);
      maxFrac = Math.max(maxFrac, frac);
      // h = round(√(S r)), w = round(√(S / r)): h·w within the rounding of S ∈ [0.02, 0.33]·784
      assertTrue((h - 0.5) * (w - 0.5) <= 0.33 * 784 + 1e-9 && (h + 0.5) * (w + 0.5) >= 0.02 * 784 - 1e-9, "area " + h + "x" + w);
      assertTrue((h - 0.5) / (w + 0.5) <= 3.3 && (h + 0.5) / (w - 0.5) >= 0.3, "ratio " + h + "/" + w);
    }
    assertEquals(0.5, erased / (double) trials, 0.04, "erase rate");
    assertTrue(minFrac < 0.04 && maxFrac > 0.28, "areas span the range: " + minFrac + " .. " + maxFrac);
  }

  @Test
  void eraseWithProbabilityZeroOrOneAndTheBoxFits() {
    float[] x = image(MNIST, 1), y = x.clone();
    RandomErasing.withProbability(0).apply(y, 0, MNIST, new Rng(1));
    assertArrayEquals(x, y);
    Rng r = new Rng(2);
    for (int t = 0; t < 1000; t++) {
      RandomErasing.Box b = RandomErasing.withProbability(1).box(MNIST, r);
      assertNotNull(b, "with p = 1 and the default scale a box always fits within 10 attempts (almost surely)");
      assertTrue(b.top() >= 0 && b.left() >= 0 && b.top() + b.h() <= 28 && b.left() + b.w() <= 28, "inside: " + b);
    }
    ImageLayout tiny = new ImageLayout(1, 2, 2); // every rectangle of ≥ 0.02·4 rounds to fit or not: never leaves the image
    for (int t = 0; t < 200; t++) {
      RandomErasing.Box b = new RandomErasing(1, 0.9, 1, 1, 1).box(tiny, r);
      assertNull(b, "a 2x2 square does not fit in 2x2 (h < H is required): left as it is");
    }
  }

  /** Cutout zeroes the clipped square [cy − s/2, cy + s/2) × [cx − s/2, cx + s/2) and nothing else. */
  @Test
  void cutoutZeroesAClippedSquare() {
    Rng r = new Rng(3);
    boolean clipped = false, full = false;
    for (int t = 0; t < 500; t++) {
      float[] x = image(MNIST, t), y = x.clone();
      new Cutout(8).apply(y, 0, MNIST, r);
      int top = 99, bottom = -1, left = 99, right = -1, zeros = 0;
      for (int k = 0; k < 784; k++) {
        if (y[k] != x[k]) {
          assertEquals(0f, y[k]);
          zeros++;
          top = Math.min(top, k / 28);
          bottom = Math.max(bottom, k / 28);
          left = Math.min(left, k % 28);
          right = Math.max(right, k % 28);
        }
      }
      if (zeros == 0) continue; // a centre on row or column 0 with half 4: rows [-4, 0) → empty
      int h = bottom - top + 1, w = right - left + 1;
      assertEquals(h * w, zeros, "a rectangle");
      assertTrue(h <= 8 && w <= 8, h + "x" + w);
      if (h == 8 && w == 8) full = true;
      else clipped = true;
      assertTrue(h == 8 || top == 0 || bottom == 27, "only a border clips: rows " + top + ".." + bottom);
      assertTrue(w == 8 || left == 0 || right == 27, "only a border clips: columns " + left + ".." + right);
    }
    assertTrue(full && clipped);
  }

  /** mixup through the augmenter: x̃ = λ x + (1 − λ) x_π, target mass λ on the own label, rows sum to 1. */
  @Test
  void mixupTargetsMatchTheBlend() {
    int n = 16;
    Tensor x = Tensor.of(batch(n, 1), n, 784);
    int[] y = labels(n);
    Mixup.Mixed m = new Mixing.MixupBlend(0.4).mix(x, MNIST, new Rng(3));
    Mixup.Mixed same = new Mixup(0.4, new Rng(3)).apply(x);
    assertArrayEquals(same.x().data(), m.x().data(), "the one mixup implementation");
    Tensor q = m.targets(y, 10);
    for (int i = 0; i < n; i++) {
      int p = m.partner()[i];
      float l = m.lambda()[i];
      for (int k = 0; k < 784; k += 97) assertEquals(l * x.data()[i * 784 + k] + (1 - l) * x.data()[p * 784 + k], m.x().data()[i * 784 + k], 1e-6);
      double sum = 0;
      for (int c = 0; c < 10; c++) sum += q.data()[i * 10 + c];
      assertEquals(1, sum, 1e-6);
      if (y[p] != y[i]) assertEquals(l, q.data()[i * 10 + y[i]], 1e-7);
    }
  }

  /** CutMix: outside one box the sample's own pixels, inside its partner's; λ_i = 1 − box/HW = the own label's target mass. */
  @Test
  void cutmixPastesABoxAndItsTargetMassIsTheKeptArea() {
    int n = 64;
    ImageLayout g = new ImageLayout(1, 28, 28);
    Tensor x = Tensor.of(batch(n, 2), n, 1, 28, 28);
    int[] y = labels(n);
    Mixup.Mixed m = new Mixing.CutMix(1).mix(x, g, new Rng(4));
    Tensor q = m.targets(y, 10);
    float[] a = x.data(), b = m.x().data();
    boolean partial = false;
    for (int i = 0; i < n; i++) {
      int p = m.partner()[i], pasted = 0, top = 99, bottom = -1, left = 99, right = -1;
      for (int k = 0; k < 784; k++) {
        float v = b[i * 784 + k];
        if (v == a[i * 784 + k] && p != i) continue;
        assertEquals(a[p * 784 + k], v, "sample " + i + " pixel " + k + " is its own or its partner's");
        if (p == i) continue;
        pasted++;
        top = Math.min(top, k / 28);
        bottom = Math.max(bottom, k / 28);
        left = Math.min(left, k % 28);
        right = Math.max(right, k % 28);
      }
      if (p != i) {
        if (pasted > 0) assertEquals((bottom - top + 1) * (right - left + 1), pasted, "the pasted pixels are a box");
        assertEquals(1 - pasted / 784.0, m.lambda()[i], 1e-6, "λ = kept area");
        if (pasted > 0 && pasted < 784) partial = true;
        if (y[p] != y[i]) assertEquals(m.lambda()[i], q.data()[i * 10 + y[i]], 1e-6);
      }
    }
    assertTrue(partial);
  }

  static float[] batch(int n, long seed) {
    float[] x = new float[n * 784];
    for (int i = 0; i < n; i++) System.arraycopy(image(MNIST, seed * 1000 + i), 0, x, i * 784, 784);
    return x;
  }

  static int[] labels(int n) {
    int[] y = new int[n];
    for (int i = 0; i < n; i++) y[i] = i % 10;
    return y;
  }

  @Test
  void specsParseAndPrintBack() {
    Augmentation a = Augmentation.parse("crop:4,flip,erase:0.5");
    assertEquals(List.of(new RandomCrop(4), new HorizontalFlip(0.5), RandomErasing.withProbability(0.5)), a.ops());
    assertNull(a.mixing());
    assertEquals("crop:4,flip,erase:0.5", a.toString());
    assertEquals(a, Augmentation.parse(a.toString()));
    Augmentation b = Augmentation.parse(" cutmix , cutout:6, flip:0.25 ");
    assertEquals(List.of(new Cutout(6), new HorizontalFlip(0.25)), b.ops());
    assertEquals(new Mixing.CutMix(1), b.mixing());
    assertEquals("cutout:6,flip:0.25,cutmix:1.0", b.toString());
    assertEquals(b, Augmentation.parse(b.toString()));
    assertEquals(new Mixing.MixupBlend(0.2), Augmentation.parse("mixup").mixing());
    assertEquals(new RandomCrop(4), Augmentation.parse("crop").ops().get(0));
    for (String none : new String[] {"", "none", " none "}) assertTrue(Augmentation.parse(none).isNone());
    assertTrue(Augmentation.parse(null).isNone());
    assertEquals("none", Augmentation.none().toString());
    assertFalse(a.isNone());
  }

  @Test
  void badSpecsAreOneLineErrorsNamingTheSourceAndTheValue() {
    String[][] cases = {
        {"crop:4,blur", "--augment (crop:4,blur): unknown augmentation 'blur' (known: crop[:PAD], flip[:P], erase[:P], cutout[:SIZE], mixup[:ALPHA], cutmix[:ALPHA])"},
        {"erase:1.5", "--augment (erase:1.5): erase probability (1.5) must be in [0, 1]"},
        {"flip:-0.1", "--augment (flip:-0.1): flip probability (-0.1) must be in [0, 1]"},
        {"erase:NaN", "--augment (erase:NaN): 'NaN' is not a number"},
        {"crop:x", "--augment (crop:x): 'x' is not an integer"},
        {"crop:0", "--augment (crop:0): crop padding (0) must be >= 1"},
        {"cutout:0", "--augment (cutout:0): cutout size (0) must be >= 1"},
        {"mixup:0", "--augment (mixup:0): mixup alpha (0.0) must be > 0 and finite"},
        {"cutmix:-1", "--augment (cutmix:-1): cutmix alpha (-1.0) must be > 0 and finite"},
        {"flip,flip", "--augment (flip,flip): 'flip' is given twice"},
        {"mixup,cutmix", "--augment (mixup,cutmix): mixup and cutmix cannot be combined"},
        {"flip,", "--augment (flip,): unknown augmentation '' (known: crop[:PAD], flip[:P], erase[:P], cutout[:SIZE], mixup[:ALPHA], cutmix[:ALPHA])"},
    };
    for (String[] c : cases) {
      String msg = assertThrows(IllegalArgumentException.class, () -> Augmentation.parse("--augment", c[0])).getMessage();
      assertEquals(c[1], msg);
      assertFalse(msg.contains("\n"));
    }
    assertEquals("crop padding (28) must be < the image side (28)",
        assertThrows(IllegalArgumentException.class, () -> Augmentation.parse("crop:28").check(MNIST)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> ImageLayout.of(Tensor.zeros(4, 783)), "not a square");
  }

  /** The augmenter: batch k's result depends on (seed, k) only; restore(k) replays it; mixing gives soft targets. */
  @Test
  void augmenterIsSeededAndReplaysFromItsCount() {
    int n = 12;
    Tensor x = Tensor.of(batch(n, 3), n, 1, 28, 28);
    int[] y = labels(n);
    Augmentation spec = Augmentation.parse("crop:3,flip,erase:0.7,cutout:5,cutmix:1");
    Augmenter a = new Augmenter(spec, 42), b = new Augmenter(spec, 42), other = new Augmenter(spec, 43);
    Augmenter.Augmented a0 = a.apply(x, y, 10), a1 = a.apply(x, y, 10);
    assertFalse(Arrays.equals(a0.x().data(), a1.x().data()), "batches differ");
    assertFalse(Arrays.equals(a0.x().data(), other.apply(x, y, 10).x().data()), "seeds differ");
    b.restore(1);
    Augmenter.Augmented b1 = b.apply(x, y, 10);
    assertArrayEquals(a1.x().data(), b1.x().data());
    assertArrayEquals(a1.targets().data(), b1.targets().data());
    assertEquals(2, b.batches());
    assertArrayEquals(batch(n, 3), x.data(), "the input is not changed");
    assertNull(new Augmenter(Augmentation.parse("flip"), 1).apply(x, y, 10).targets(), "no mixing: hard labels");
    Tensor flat = Tensor.of(batch(n, 3), n, 784); // the MLP's layout gets the same pixels
    assertArrayEquals(a0.x().data(), new Augmenter(spec, 42).apply(flat, y, 10).x().data());
  }
}
