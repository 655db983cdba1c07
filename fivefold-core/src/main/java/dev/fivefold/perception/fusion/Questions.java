package dev.fivefold.perception.fusion;

import dev.fivefold.data.caption.CharVocabulary;
import dev.fivefold.tensor.Rng;
import java.util.ArrayList;
import java.util.List;

/**
 * Yes/no questions about a labelled image, each a text and its answer for every class.
 *
 * <p>{@link #draw}: for an image of class y, the answer is yes or no with probability ½ each, then
 * a question with that answer for y uniformly (so neither the answer nor the question alone tells
 * the answer: a model must look and read). {@link #drawBiased}: a question q uniformly among those
 * whose answer for y equals q's {@link #shortcut} answer — on such a split the answer is a function
 * of the question alone, the shortcut Gat et al. (2021) built the perceptual score to expose.
 *
 * <p>{@link #fashionMnist()}: per class "is this a {noun}?" and "is it a {noun}?" (shortcut no and
 * yes respectively), and questions about groups of classes ("is it something to wear on the
 * feet?", ...), shortcut alternating yes, no in their order.
 */
public final class Questions {
  /**
   * A yes/no question about an image's class.
   *
   * @param text the question
   * @param yes the answer for each class
   * @param shortcut the answer a biased split always pairs with this question
   */
  public record Question(String text, boolean[] yes, boolean shortcut) {
    /**
     * Copies {@code yes} and validates the text.
     *
     * @throws IllegalArgumentException if the text is null or blank
     */
    public Question {
      if (text == null || text.isBlank()) throw new IllegalArgumentException("question text (\"" + text + "\") must not be blank");
      yes = yes.clone();
    }
  }

  private final List<Question> questions;
  private final int classes;

  /**
   * A question set.
   *
   * @param questions at least one; every class must have a yes and a no question, and a question matching each
   *     shortcut
   * @throws IllegalArgumentException if these conditions fail or the questions disagree on the class count
   */
  public Questions(List<Question> questions) {
    if (questions == null || questions.isEmpty()) throw new IllegalArgumentException("questions need at least one question");
    this.questions = List.copyOf(questions);
    this.classes = questions.getFirst().yes().length;
    for (Question q : questions) {
      if (q.yes().length != classes) throw new IllegalArgumentException("question (\"" + q.text() + "\") answers " + q.yes().length + " classes, not " + classes);
    }
    for (int c = 0; c < classes; c++) {
      boolean y = false, n = false, s = false;
      for (Question q : questions) {
        y |= q.yes()[c];
        n |= !q.yes()[c];
        s |= q.yes()[c] == q.shortcut();
      }
      if (!y || !n || !s) throw new IllegalArgumentException("class " + c + " needs a yes question, a no question and one that matches its shortcut");
    }
  }

  /**
   * The number of questions.
   *
   * @return the count
   */
  public int size() {
    return questions.size();
  }

  /**
   * The number of image classes the questions answer for.
   *
   * @return the count
   */
  public int classes() {
    return classes;
  }

  /**
   * Question {@code q}.
   *
   * @param q the index, in [0, size)
   * @return the question
   */
  public Question get(int q) {
    return questions.get(q);
  }

  /**
   * The answer to question q about an image of class {@code label}.
   *
   * @param q the question's index
   * @param label the image's class
   * @return the answer
   */
  public boolean answer(int q, int label) {
    return questions.get(q).yes()[label];
  }

  /**
   * The shortcut answer of question q.
   *
   * @param q the question's index
   * @return the shortcut answer
   */
  public boolean shortcut(int q) {
    return questions.get(q).shortcut();
  }

  /**
   * A balanced question about class {@code label}: the answer first (½ yes), then a question with it.
   *
   * @param label the image's class
   * @param rng the generator
   * @return the question's index
   */
  public int draw(int label, Rng rng) {
    boolean want = rng.nextFloat() < 0.5f;
    return pick(label, rng, q -> answer(q, label) == want);
  }

  /**
   * A biased question about class {@code label}: one whose answer for it is its shortcut.
   *
   * @param label the image's class
   * @param rng the generator
   * @return the question's index
   */
  public int drawBiased(int label, Rng rng) {
    return pick(label, rng, q -> answer(q, label) == shortcut(q));
  }

  private int pick(int label, Rng rng, java.util.function.IntPredicate ok) {
    int count = 0;
    for (int q = 0; q < questions.size(); q++) if (ok.test(q)) count++;
    int k = rng.nextInt(count);
    for (int q = 0; q < questions.size(); q++) if (ok.test(q) && k-- == 0) return q;
    throw new IllegalStateException("no question for class " + label);
  }

  /**
   * The characters of every question.
   *
   * @return a vocabulary of the characters used
   */
  public CharVocabulary vocabulary() {
    List<String> t = new ArrayList<>();
    for (Question q : questions) t.add(q.text());
    return CharVocabulary.of(t);
  }

  /**
   * The longest question, in characters.
   *
   * @return the length
   */
  public int longest() {
    int m = 0;
    for (Question q : questions) m = Math.max(m, q.text().length());
    return m;
  }

  /**
   * The Fashion-MNIST questions (see the class comment).
   *
   * @return the question set
   */
  public static Questions fashionMnist() {
    String[] nouns = {"t-shirt", "pair of trousers", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle boot"};
    List<Question> qs = new ArrayList<>();
    for (int c = 0; c < nouns.length; c++) {
      boolean[] yes = new boolean[10];
      yes[c] = true;
      qs.add(new Question("is this a " + nouns[c] + "?", yes, false));
      qs.add(new Question("is it a " + nouns[c] + "?", yes, true));
    }
    Object[][] groups = {
        {"is it something to wear on the feet?", new int[] {5, 7, 9}},
        {"is it footwear?", new int[] {5, 7, 9}},
        {"is it worn on the upper body?", new int[] {0, 2, 4, 6}},
        {"does it have sleeves?", new int[] {0, 2, 4, 6}},
        {"is it worn on the legs?", new int[] {1}},
        {"can you carry things in it?", new int[] {8}},
        {"is it a piece of clothing?", new int[] {0, 1, 2, 3, 4, 6}},
        {"is it something to wear?", new int[] {0, 1, 2, 3, 4, 5, 6, 7, 9}}};
    for (int g = 0; g < groups.length; g++) {
      boolean[] yes = new boolean[10];
      for (int c : (int[]) groups[g][1]) yes[c] = true;
      qs.add(new Question((String) groups[g][0], yes, g % 2 == 0));
    }
    return new Questions(qs);
  }
}
