package dev.fivefold.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fivefold.autodiff.Tape;
import dev.fivefold.data.Dataset;
import dev.fivefold.data.TinyImages;
import dev.fivefold.data.augment.HorizontalFlip;
import dev.fivefold.data.augment.ImageLayout;
import dev.fivefold.data.augment.TestTimeAugmentation;
import dev.fivefold.nn.Module;
import dev.fivefold.perception.Models;
import dev.fivefold.tensor.Shape;
import dev.fivefold.tensor.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Test-time augmentation ({@link ClassificationTask#evaluate(Module, Dataset, int, TestTimeAugmentation)}):
 * with flip, its accuracy and loss equal an oracle computed from the model's logits on the images
 * and on their mirrors, whatever the batch; with ten views (flip, shift:2), an oracle from the
 * logits on the ten crops of the zero-padded images, cut out here independently; the plain
 * metrics are unchanged; a mirror-symmetric test set makes flip equal the plain evaluation.
 */
class FlipTtaTest {
  static final Dataset TEST = TinyImages.bands(50, 2);

  /** The test set with every image mirrored. */
  static Dataset mirrored(Dataset d) {
    float[] x = d.x().data().clone();
    int per = x.length / d.size();
    ImageLayout layout = ImageLayout.of(d.x());
    for (int i = 0; i < d.size(); i++) HorizontalFlip.mirror(x, i * per, layout);
    return new Dataset(Tensor.wrap(x, d.x().shape()), d.y(), d.classes());
  }

  static double[] softmax(float[] z, int off, int c) {
    double max = Double.NEGATIVE_INFINITY, sum = 0;
    for (int j = 0; j < c; j++) max = Math.max(max, z[off + j]);
    double[] p = new double[c];
    for (int j = 0; j < c; j++) sum += p[j] = Math.exp(z[off + j] - max);
    for (int j = 0; j < c; j++) p[j] /= sum;
    return p;
  }

  @Test
  void equalsTheMeanOfTheSoftmaxOfEachImageAndItsMirror() {
    Module m = Models.create("lenet5:norm=bn", 4);
    m.eval();
    float[] a = m.forward(Tape.inference().input(TEST.x())).data(), b = m.forward(Tape.inference().input(mirrored(TEST).x())).data();
    int c = 10, n = TEST.size();
    double loss = 0;
    int correct = 0;
    for (int i = 0; i < n; i++) {
      double[] p = softmax(a, i * c, c), q = softmax(b, i * c, c);
      int best = 0;
      for (int j = 0; j < c; j++) if (p[j] + q[j] > p[best] + q[best]) best = j;
      if (best == TEST.y()[i]) correct++;
      loss -= Math.log((p[TEST.y()[i]] + q[TEST.y()[i]]) / 2);
    }
    m.train();
    for (int batch : new int[] {7, 50}) {
      Map<String, Double> r = ClassificationTask.evaluate(m, TEST, batch, TestTimeAugmentation.FLIP);
      assertEquals(correct / (double) n, r.get("tta_accuracy"), 1e-12, "batch " + batch);
      assertEquals(loss / n, r.get("tta_loss"), 1e-5, "batch " + batch);
      Map<String, Double> plain = ClassificationTask.evaluate(m, TEST, batch);
      assertEquals(plain.get("accuracy"), r.get("accuracy"));
      assertEquals(plain.get("loss"), r.get("loss"), 1e-12);
      assertEquals(2, plain.size(), "no TTA keys without it");
    }
    // the oracle is not the plain evaluation: the mirror counts
    assertNotEquals(ClassificationTask.evaluate(m, TEST, 50).get("loss"), ClassificationTask.evaluate(m, TEST, 50, TestTimeAugmentation.FLIP).get("tta_loss"));
  }

  @Test
  void aMirrorSymmetricTestSetGivesThePlainScores() {
    float[] x = TEST.x().data().clone();
    int per = 784;
    for (int i = 0; i < TEST.size(); i++) {
      for (int r = 0; r < 28; r++) for (int col = 14; col < 28; col++) x[i * per + r * 28 + col] = x[i * per + r * 28 + 27 - col];
    }
    Dataset sym = new Dataset(Tensor.wrap(x, Shape.of(TEST.size(), 1, 28, 28)), TEST.y(), TEST.classes());
    Module m = Models.create("mlp:784-16-10", 3);
    Map<String, Double> r = ClassificationTask.evaluate(m, sym, 16, TestTimeAugmentation.FLIP);
    assertEquals(r.get("accuracy"), r.get("tta_accuracy"));
    assertEquals(r.get("loss"), r.get("tta_loss"), 1e-5);
  }

  @Test
  void theTaskReportsItOnlyWhenAsked() {
    Module m = Models.create("mlp:784-16-10", 3);
    ClassificationTask t = new ClassificationTask(m, TEST, TEST, 8, 1);
    assertEquals(2, t.evaluate().size());
    assertEquals(ClassificationTask.evaluate(m, TEST, BatchedTask.evalBatch(m), TestTimeAugmentation.FLIP), t.tta(TestTimeAugmentation.FLIP).evaluate());
    Dataset flat = new Dataset(Tensor.wrap(new float[5 * 7], Shape.of(5, 7)), new int[5], 2);
    assertThrows(IllegalArgumentException.class, () -> new ClassificationTask(m, TEST, flat, 8, 1).tta(TestTimeAugmentation.FLIP));
  }

  /** Image i of d zero-padded by s and cropped back to 28×28 at (s + dy, s + dx), mirrored if asked. */
  static Dataset crops(Dataset d, int s, int dy, int dx, boolean mirror) {
    int n = d.size(), side = 28, big = side + 2 * s;
    float[] x = new float[n * side * side];
    for (int i = 0; i < n; i++) {
      float[] padded = new float[big * big];
      for (int r = 0; r < side; r++) for (int c = 0; c < side; c++) padded[(r + s) * big + c + s] = d.x().data()[i * 784 + r * side + c];
      for (int r = 0; r < side; r++) {
        for (int c = 0; c < side; c++) {
          int cc = mirror ? side - 1 - c : c;
          x[i * 784 + r * side + cc] = padded[(r + s + dy) * big + c + s + dx];
        }
      }
    }
    return new Dataset(Tensor.wrap(x, d.x().shape()), d.y(), d.classes());
  }

  @Test
  void tenViewsEqualTheMeanOverTheTenCropsOfThePaddedImages() {
    Module m = Models.create("lenet5:norm=bn", 6);
    m.eval();
    int c = 10, n = TEST.size(), s = 2;
    double[] sum = new double[n * c];
    for (int[] t : new int[][] {{0, 0}, {-s, -s}, {-s, s}, {s, -s}, {s, s}}) {
      for (boolean mirror : new boolean[] {false, true}) {
        float[] z = m.forward(Tape.inference().input(crops(TEST, s, t[0], t[1], mirror).x())).data();
        for (int i = 0; i < n; i++) {
          double[] p = softmax(z, i * c, c);
          for (int j = 0; j < c; j++) sum[i * c + j] += p[j];
        }
      }
    }
    double loss = 0;
    int correct = 0;
    for (int i = 0; i < n; i++) {
      int best = 0;
      for (int j = 0; j < c; j++) if (sum[i * c + j] > sum[i * c + best]) best = j;
      if (best == TEST.y()[i]) correct++;
      loss -= Math.log(sum[i * c + TEST.y()[i]] / 10);
    }
    TestTimeAugmentation ten = TestTimeAugmentation.parse("flip,shift:2");
    assertEquals(10, ten.views());
    for (int batch : new int[] {9, 50}) {
      Map<String, Double> r = ClassificationTask.evaluate(m, TEST, batch, ten);
      assertEquals(correct / (double) n, r.get("tta_accuracy"), 1e-12, "batch " + batch);
      assertEquals(loss / n, r.get("tta_loss"), 1e-5, "batch " + batch);
      assertEquals(ClassificationTask.evaluate(m, TEST, batch).get("loss"), r.get("loss"), 1e-12);
    }
    assertNotEquals(ClassificationTask.evaluate(m, TEST, 50, TestTimeAugmentation.FLIP).get("tta_loss"), ClassificationTask.evaluate(m, TEST, 50, ten).get("tta_loss"));
  }
}
