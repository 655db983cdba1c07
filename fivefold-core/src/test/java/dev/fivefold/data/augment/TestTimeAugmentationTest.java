package dev.fivefold.data.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The views of {@link TestTimeAugmentation}: their count, their pixels on a small image, and the spec. */
class TestTimeAugmentationTest {
  @Test
  void countsItsViews() {
    assertEquals(1, TestTimeAugmentation.NONE.views());
    assertEquals(2, TestTimeAugmentation.FLIP.views());
    assertEquals(5, TestTimeAugmentation.parse("shift:1").views());
    assertEquals(10, TestTimeAugmentation.parse("shift:3,flip").views());
  }

  @Test
  void theViewsAreTheImageItsCornerCropsAndTheirMirrors() {
    // two channels of 3×4: value = 100·c + 10·row + col + 1, so 0 marks a pixel shifted in
    ImageLayout layout = new ImageLayout(2, 3, 4);
    float[] img = new float[24 + 5];
    for (int c = 0; c < 2; c++) for (int r = 0; r < 3; r++) for (int k = 0; k < 4; k++) img[5 + c * 12 + r * 4 + k] = 100 * c + 10 * r + k + 1;
    TestTimeAugmentation t = TestTimeAugmentation.parse("flip,shift:1");
    float[] out = new float[24 + 2];
    t.view(0, img, 5, out, 2, layout);
    for (int q = 0; q < 24; q++) assertEquals(img[5 + q], out[2 + q], "view 0 is the image");
    // view 2 = corner (-1, -1): out[r][k] = in[r - 1][k - 1]
    t.view(2, img, 5, out, 2, layout);
    assertArrayEquals(new float[] {0, 0, 0, 0, 0, 1, 2, 3, 0, 11, 12, 13}, java.util.Arrays.copyOfRange(out, 2, 14));
    assertArrayEquals(new float[] {0, 0, 0, 0, 0, 101, 102, 103, 0, 111, 112, 113}, java.util.Arrays.copyOfRange(out, 14, 26));
    // view 3 = that crop mirrored
    t.view(3, img, 5, out, 2, layout);
    assertArrayEquals(new float[] {0, 0, 0, 0, 3, 2, 1, 0, 13, 12, 11, 0}, java.util.Arrays.copyOfRange(out, 2, 14));
    // view 8 = corner (+1, +1): out[r][k] = in[r + 1][k + 1]
    t.view(8, img, 5, out, 2, layout);
    assertArrayEquals(new float[] {12, 13, 14, 0, 22, 23, 24, 0, 0, 0, 0, 0}, java.util.Arrays.copyOfRange(out, 2, 14));
    assertThrows(IndexOutOfBoundsException.class, () -> t.view(10, img, 5, out, 2, layout));
  }

  @Test
  void readsAndWritesItsSpec() {
    for (String s : new String[] {"none", "flip", "shift:2", "flip,shift:1"}) assertEquals(s, TestTimeAugmentation.parse(s).spec());
    assertEquals("flip,shift:4", TestTimeAugmentation.parse("shift:4,flip").spec());
    for (String bad : new String[] {"", "FLIP", "flip,flip", "shift:0", "shift:17", "shift:x", "flip,", "crop:2"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TestTimeAugmentation.parse(bad), bad);
      assertTrue(e.getMessage().contains("(" + bad + ")"), e.getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> new TestTimeAugmentation(false, -1));
  }
}
