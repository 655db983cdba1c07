package dev.fivefold.data.caption;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.tensor.Rng;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The caption generator and the character vocabulary: wording splits, encoding, and the bad inputs. */
class CaptionsTest {
  @Test
  void testWordingIsDisjointFromTraining() {
    Captions c = Captions.fashionMnist();
    assertEquals(10, c.classes());
    Rng rng = new Rng(3);
    for (int label = 0; label < 10; label++) {
      var w = c.words(label);
      assertTrue(w.trainNouns().contains(w.name()), "the name is a training noun");
      for (int k = 0; k < 50; k++) {
        String test = c.caption(label, Captions.Split.TEST, rng);
        assertTrue(w.testNouns().stream().anyMatch(test::contains), "test caption \"" + test + "\" uses a held-out noun");
        assertTrue(w.testTemplates().stream().anyMatch(t -> test.startsWith(t.substring(0, t.indexOf('{')).strip())), test);
        String train = c.caption(label, Captions.Split.TRAIN, rng);
        assertTrue(w.trainNouns().stream().anyMatch(train::contains), train);
      }
      for (String p : c.prompts(label)) assertTrue(p.contains(w.name()) && !p.contains("{"), p);
    }
  }

  @Test
  void captionsAreSeededAndFitTheDefaultContext() {
    Captions c = Captions.fashionMnist();
    assertEquals(c.caption(7, Captions.Split.TEST, new Rng(9)), c.caption(7, Captions.Split.TEST, new Rng(9)));
    assertTrue(c.longest() <= 47, "longest caption " + c.longest() + " fits a context of 48");
    CharVocabulary v = c.vocabulary();
    Rng rng = new Rng(1);
    for (int k = 0; k < 200; k++) v.encode(c.caption(k % 10, k % 2 == 0 ? Captions.Split.TRAIN : Captions.Split.TEST, rng), 48); // no character refused
  }

  @Test
  void encodingIsClassTokenCharactersPadding() {
    CharVocabulary v = new CharVocabulary("ab ");
    assertEquals(5, v.size());
    assertArrayEquals(new int[] {CharVocabulary.CLS, 2, 4, 3, CharVocabulary.PAD, CharVocabulary.PAD}, v.encode("a b", 6));
    assertEquals(new CharVocabulary("ab"), CharVocabulary.of(List.of("ba", "ab")));
  }

  @Test
  void badInputsNameTheValue() {
    CharVocabulary v = new CharVocabulary("abc ");
    var tooLong = assertThrows(IllegalArgumentException.class, () -> v.encode("abc abc", 5));
    assertTrue(tooLong.getMessage().contains("abc abc") && tooLong.getMessage().contains("7 characters") && tooLong.getMessage().contains("(5)"), tooLong.getMessage());
    var unknown = assertThrows(IllegalArgumentException.class, () -> v.encode("abz", 8));
    assertTrue(unknown.getMessage().contains("'z'") && unknown.getMessage().contains("at 2"), unknown.getMessage());
    var empty = assertThrows(IllegalArgumentException.class, () -> new CharVocabulary(""));
    assertTrue(empty.getMessage().startsWith("vocabulary"), empty.getMessage());
    assertThrows(IllegalArgumentException.class, () -> CharVocabulary.of(List.of()));
    var noTemplates = assertThrows(IllegalArgumentException.class,
        () -> new Captions.ClassWords("coat", List.of("jacket"), List.of("parka"), List.of("warm"), List.of(), List.of("a {noun}")));
    assertEquals("class 'coat' has no train templates", noTemplates.getMessage());
    var both = assertThrows(IllegalArgumentException.class,
        () -> new Captions.ClassWords("coat", List.of("jacket"), List.of("jacket"), List.of("warm"), List.of("a {noun}"), List.of("my {noun}")));
    assertTrue(both.getMessage().contains("\"jacket\") is in both splits"), both.getMessage());
    var noNoun = assertThrows(IllegalArgumentException.class,
        () -> new Captions.ClassWords("coat", List.of(), List.of("parka"), List.of("warm"), List.of("a thing"), List.of("my {noun}")));
    assertTrue(noNoun.getMessage().contains("has no {noun}"), noNoun.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Captions(List.of()));
    assertFalse(Captions.fill("a {attr} {noun}", "coat", "").contains("  "));
  }
}
