package dev.fivefold.data.caption;

import dev.fivefold.tensor.Rng;
import java.util.ArrayList;
import java.util.List;

/**
 * Captions of labelled images generated from a per-class vocabulary: each class has a name, nouns
 * (the name among the training ones, held-out synonyms for the test split), attribute words, and
 * templates for each split. A caption of class c in split s is a template of s with {@code {noun}}
 * replaced by a noun of s and {@code {attr}} by one of c's attributes, each drawn uniformly.
 *
 * <p>The test split's templates and nouns are disjoint from the training ones (checked), so a model
 * scored on test captions is scored on wording it never read; attributes are shared (they carry
 * what the class looks like, not how it is named). {@link #prompts} are the zero-shot prompts of a
 * class: its name in each test template, attributes left out.
 *
 * <p>{@link #fashionMnist()} is the vocabulary of the ten Fashion-MNIST classes. Bad vocabularies
 * are refused with one-line {@link IllegalArgumentException}s naming the class and the value: no
 * classes, a class without templates or nouns for a split, a template without {@code {noun}},
 * a template or noun in both splits.
 */
public final class Captions {
  /** The two wordings. */
  public enum Split {
    /** The training wording: the training templates and nouns. */
    TRAIN,
    /** The held-out wording: templates and nouns never seen in training. */
    TEST
  }

  /**
   * One class's words.
   *
   * @param name the class name (used in prompts), also a training noun
   * @param trainNouns nouns of the training split (the name is added if missing), at least one
   * @param testNouns held-out synonyms of the test split, at least one, none a training noun
   * @param attributes attribute words, at least one, shared by both splits
   * @param trainTemplates templates of the training split, each with {@code {noun}}, at least one
   * @param testTemplates held-out templates, each with {@code {noun}}, at least one, none a training one
   */
  public record ClassWords(String name, List<String> trainNouns, List<String> testNouns, List<String> attributes, List<String> trainTemplates,
      List<String> testTemplates) {
    /**
     * Copies the lists (adding the name to the training nouns if missing) and checks them.
     *
     * @throws IllegalArgumentException naming the class and the value if the name is blank, a list is empty
     *   or has a blank entry, a template lacks {@code {noun}}, or a noun or template is in both splits
     */
    public ClassWords {
      if (name == null || name.isBlank()) throw new IllegalArgumentException("class name (\"" + name + "\") must not be blank");
      List<String> tn = new ArrayList<>(trainNouns);
      if (!tn.contains(name)) tn.addFirst(name);
      trainNouns = List.copyOf(tn);
      testNouns = List.copyOf(testNouns);
      attributes = List.copyOf(attributes);
      trainTemplates = List.copyOf(trainTemplates);
      testTemplates = List.copyOf(testTemplates);
      nonEmpty(name, "test nouns", testNouns);
      nonEmpty(name, "attributes", attributes);
      nonEmpty(name, "train templates", trainTemplates);
      nonEmpty(name, "test templates", testTemplates);
      for (String t : trainTemplates) template(name, t);
      for (String t : testTemplates) template(name, t);
      disjoint(name, "noun", trainNouns, testNouns);
      disjoint(name, "template", trainTemplates, testTemplates);
    }

    private static void nonEmpty(String name, String what, List<String> l) {
      if (l.isEmpty()) throw new IllegalArgumentException("class '" + name + "' has no " + what);
      for (String s : l) if (s == null || s.isBlank()) throw new IllegalArgumentException("class '" + name + "' has a blank entry among its " + what);
    }

    private static void template(String name, String t) {
      if (!t.contains("{noun}")) throw new IllegalArgumentException("class '" + name + "': template (\"" + t + "\") has no {noun}");
    }

    private static void disjoint(String name, String what, List<String> train, List<String> test) {
      for (String s : test) if (train.contains(s)) throw new IllegalArgumentException("class '" + name + "': " + what + " (\"" + s + "\") is in both splits");
    }

    List<String> nouns(Split s) {
      return s == Split.TRAIN ? trainNouns : testNouns;
    }

    List<String> templates(Split s) {
      return s == Split.TRAIN ? trainTemplates : testTemplates;
    }
  }

  private final List<ClassWords> classes;

  /**
   * Captions of these classes.
   *
   * @param classes one entry per label, at least one
   * @throws IllegalArgumentException if {@code classes} is null or empty
   */
  public Captions(List<ClassWords> classes) {
    if (classes == null || classes.isEmpty()) throw new IllegalArgumentException("captions need at least one class (got " + (classes == null ? "null" : "none") + ")");
    this.classes = List.copyOf(classes);
  }

  /**
   * Number of classes (labels 0 .. classes − 1).
   *
   * @return the class count
   */
  public int classes() {
    return classes.size();
  }

  /**
   * {@return the words of class {@code label}}
   *
   * @param label a label in [0, {@link #classes()})
   * @throws IllegalArgumentException if the label is out of range
   */
  public ClassWords words(int label) {
    if (label < 0 || label >= classes.size()) throw new IllegalArgumentException("label (" + label + ") must be in [0, " + classes.size() + ")");
    return classes.get(label);
  }

  /**
   * A caption of class {@code label} in {@code split}: template, noun and attribute drawn uniformly from {@code rng}, in that order.
   *
   * @param label the class
   * @param split the wording
   * @param rng the source of the draws
   * @return the caption
   */
  public String caption(int label, Split split, Rng rng) {
    ClassWords w = words(label);
    List<String> ts = w.templates(split), ns = w.nouns(split);
    String t = ts.get(rng.nextInt(ts.size()));
    String noun = ns.get(rng.nextInt(ns.size()));
    String attr = w.attributes().get(rng.nextInt(w.attributes().size()));
    return fill(t, noun, attr);
  }

  /**
   * The zero-shot prompts of class {@code label}: its name in each test template, attributes left out.
   *
   * @param label the class
   * @return one prompt per test template
   */
  public List<String> prompts(int label) {
    ClassWords w = words(label);
    List<String> out = new ArrayList<>();
    for (String t : w.testTemplates()) out.add(fill(t, w.name(), ""));
    return out;
  }

  /**
   * Every caption's characters, and the prompts'.
   *
   * @return the vocabulary of every character these words can produce
   */
  public CharVocabulary vocabulary() {
    List<String> texts = new ArrayList<>();
    for (ClassWords w : classes) {
      texts.add(w.name());
      texts.addAll(w.trainNouns());
      texts.addAll(w.testNouns());
      texts.addAll(w.attributes());
      for (String t : w.trainTemplates()) texts.add(fill(t, "", ""));
      for (String t : w.testTemplates()) texts.add(fill(t, "", ""));
    }
    return CharVocabulary.of(texts);
  }

  /**
   * The longest caption or prompt these words can make, in characters (the text context needs one more).
   *
   * @return the length in characters
   */
  public int longest() {
    int max = 0;
    for (ClassWords w : classes) {
      for (Split s : Split.values()) {
        for (String t : w.templates(s)) for (String n : w.nouns(s)) for (String a : w.attributes()) max = Math.max(max, fill(t, n, a).length());
      }
      for (String p : prompts(classes.indexOf(w))) max = Math.max(max, p.length());
    }
    return max;
  }

  /** {@code {noun}} and {@code {attr}} replaced, runs of spaces collapsed, ends trimmed. */
  static String fill(String template, String noun, String attr) {
    return template.replace("{noun}", noun).replace("{attr}", attr).replaceAll(" +", " ").replace(" ,", ",").strip();
  }

  /**
   * The ten Fashion-MNIST classes, in label order. Training templates: "a photo of a {noun}",
   * "a picture of a {attr} {noun}", "this is a {noun}, {attr}", "an image of the {noun}",
   * "a {attr} {noun}", "my {noun}"; held-out: "a snapshot of a {noun}", "here is a {attr} {noun}",
   * "look at this {noun}", "the {noun} in the photo, {attr}".
   *
   * @return the captions
   */
  public static Captions fashionMnist() {
    List<String> train = List.of("a photo of a {noun}", "a picture of a {attr} {noun}", "this is a {noun}, {attr}", "an image of the {noun}", "a {attr} {noun}",
        "my {noun}");
    List<String> test = List.of("a snapshot of a {noun}", "here is a {attr} {noun}", "look at this {noun}", "the {noun} in the photo, {attr}");
    String[][] w = {
        // name; train nouns; test nouns; attributes
        {"t-shirt", "top|tee", "jersey top|crew neck", "short-sleeved|cotton|casual|plain"},
        {"trousers", "pants|slacks", "jeans|chinos", "long-legged|denim|tailored|wide"},
        {"pullover", "sweater|jumper", "knitwear|woolly", "knitted|warm|long-sleeved|woollen"},
        {"dress", "gown|frock", "sundress|evening wear", "elegant|flowing|summer|sleeveless"},
        {"coat", "jacket|overcoat", "parka|raincoat", "heavy|buttoned|winter|hooded"},
        {"sandal", "flip-flop|beach shoe", "slide|open shoe", "open-toed|strappy|summer|flat"},
        {"shirt", "blouse|button-up", "dress shirt|oxford", "collared|formal|striped|long-sleeved"},
        {"sneaker", "trainer|running shoe", "kicks|sports shoe", "laced|sporty|rubber-soled|athletic"},
        {"bag", "handbag|purse", "tote|satchel", "leather|carrying|large|zipped"},
        {"ankle boot", "boot|bootie", "chelsea boot|short boot", "ankle-high|sturdy|lace-up|heeled"}};
    List<ClassWords> cs = new ArrayList<>();
    for (String[] r : w) cs.add(new ClassWords(r[0], List.of(r[1].split("\\|")), List.of(r[2].split("\\|")), List.of(r[3].split("\\|")), train, test));
    return new Captions(cs);
  }
}
