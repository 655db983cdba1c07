package dev.fivefold.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The docs test: every command the companion ({@code docs/guide.md} and {@code docs/guide.zh.md})
 * shows is run in-process through {@link Main#run} and its output is checked against the figures
 * the page quotes.
 *
 * <p>A command is marked in the page by an HTML comment right before its code block:
 *
 * <pre>
 * &lt;!-- docs-test: fast
 * expect: test accuracy 87\.72%
 * --&gt;
 * ```
 * ./fivefold demo
 * ```
 * </pre>
 *
 * {@code fast} or {@code slow}; each {@code expect:} line is a Java regular expression that must
 * be found in what the block's commands printed (stdout and stderr, in order). The block's lines
 * that start with {@code ./fivefold} are run in order (a {@code &&} chain is split); every other
 * line is a comment for the reader. The numbers in an expectation must also be written in the
 * page's text of that entry (from the tag to the next tag or heading), so the check is against
 * what the reader sees, not against a number hidden in the comment. Runs never write into the
 * source tree: a relative path under {@code runs/} is placed in a temporary folder, and a command
 * that takes {@code --out} and names none gets one there. Results do not depend on the thread
 * count, so {@code --threads 2} is added where the command does not set it.
 *
 * <p>The fast entries run in {@code ./fivefold test} (they need Fashion-MNIST installed, as the
 * demo does); all of them run with {@code -Ddocs.test=all} ({@code scripts/docs-test.sh --all}):
 * hours, since the slow ones are the guide's full measurements.
 */
class DocsTest {
  static final Path ROOT = Path.of("").toAbsolutePath().getParent();
  static final List<Path> PAGES = List.of(ROOT.resolve("docs/guide.md"), ROOT.resolve("docs/guide.zh.md"));
  static final Pattern TAG = Pattern.compile("<!-- docs-test: (fast|slow)\\s*\\n(.*?)-->\\s*\\n```[a-z]*\\n(.*?)\\n```", Pattern.DOTALL);
  static final Pattern NUMBER = Pattern.compile("\\d[\\d,]*(?:\\.\\d+)?");

  /** One tagged command block of a page. */
  record Entry(Path page, int line, boolean fast, List<String> expects, List<String> lines, List<List<String>> commands, String text) {
    String name() {
      return ROOT.relativize(page) + ":" + line + " " + String.join(" && ", commands.stream().map(c -> String.join(" ", c)).toList());
    }
  }

  @TempDir static Path tmp;

  /** The command model, built once: which subcommands exist and which take --out and --threads. */
  static final CommandLine COMMANDS = new CommandLine(new Main());

  static List<Entry> entries(Path page) throws IOException {
    String md = Files.readString(page);
    List<Entry> out = new ArrayList<>();
    Matcher m = TAG.matcher(md);
    List<int[]> spans = new ArrayList<>();
    while (m.find()) spans.add(new int[] {m.start(), m.end()});
    m.reset();
    int k = 0;
    while (m.find()) {
      List<String> expects = new ArrayList<>(), lines = new ArrayList<>();
      for (String l : m.group(2).split("\n")) {
        String t = l.strip();
        if (t.isEmpty()) continue;
        lines.add(t.substring(t.indexOf(':') + 1).strip());
        expects.add(expectation(page, t));
      }
      List<List<String>> commands = new ArrayList<>();
      for (String l : m.group(3).split("\n")) {
        String t = l.strip();
        if (!t.startsWith("./fivefold ")) continue;
        int hash = t.indexOf("  #");
        if (hash > 0) t = t.substring(0, hash).strip();
        for (String c : t.split(" && ")) commands.add(words(c.strip().substring("./fivefold ".length())));
      }
      // the entry's text: from the tag to the next tag or heading
      int end = k + 1 < spans.size() ? spans.get(k + 1)[0] : md.length();
      int heading = md.indexOf("\n#", m.end());
      if (heading >= 0 && heading < end) end = heading;
      String text = md.substring(m.end(), end);
      int line = (int) md.substring(0, m.start()).lines().count() + 1;
      out.add(new Entry(page, line, m.group(1).equals("fast"), expects, lines, commands, text));
      k++;
    }
    return out;
  }

  /**
   * One tag line as a regular expression: {@code expect: REGEX}; {@code number: 1.809} (that
   * literal, not followed by a digit); {@code percent: 89.62} (printed as {@code 89.62%} or as the
   * fraction {@code 0.8962}, the two forms the commands use).
   */
  static String expectation(Path page, String t) {
    if (t.startsWith("expect: ")) return t.substring("expect: ".length());
    if (t.startsWith("number: ")) { // thousands separators optional: 16,884 matches 16884 and 16,884
      String n = t.substring("number: ".length()).strip().replace(",", "");
      StringBuilder r = new StringBuilder("(?<![0-9.])");
      for (int i = 0; i < n.length(); i++) {
        int left = n.indexOf('.') < 0 ? n.length() - i : n.indexOf('.') - i;
        if (i > 0 && left > 0 && left % 3 == 0) r.append(",?");
        r.append(Pattern.quote(String.valueOf(n.charAt(i))));
      }
      return r.append("(?![0-9])").toString();
    }
    if (t.startsWith("percent: ")) {
      String p = t.substring("percent: ".length()).strip();
      String frac = new java.math.BigDecimal(p).movePointLeft(2).stripTrailingZeros().toPlainString();
      while (frac.length() - frac.indexOf('.') - 1 < p.length() - p.indexOf('.') - 1 + 2) frac += "0";
      return "(?:" + Pattern.quote(p) + "\\s?%|" + Pattern.quote(frac) + "(?![0-9]))";
    }
    throw new IllegalStateException(page + ": unknown docs-test line: " + t);
  }

  /** Splits a command line into words; double quotes group. */
  static List<String> words(String s) {
    List<String> w = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false, any = false;
    for (char c : s.toCharArray()) {
      if (c == '"') {
        quoted = !quoted;
        any = true;
      } else if (c == ' ' && !quoted) {
        if (any) w.add(cur.toString());
        cur.setLength(0);
        any = false;
      } else {
        cur.append(c);
        any = true;
      }
    }
    if (any) w.add(cur.toString());
    return w;
  }

  /** The arguments actually run: runs/ paths under {@code dir}, an --out there, --threads 2. */
  static String[] args(List<String> words, Path dir, int n) {
    List<String> a = new ArrayList<>();
    for (String w : words)
      a.add(w.startsWith("runs/") ? dir.resolve(w).toString() : w.startsWith("~/") ? System.getProperty("user.home") + w.substring(1) : w);
    CommandLine sub = COMMANDS.getSubcommands().get(a.getFirst());
    if (sub == null) throw new IllegalStateException("no such command: " + a.getFirst());
    if (sub.getCommandSpec().findOption("--out") != null && !a.contains("--out") && !a.contains("-o"))
      a.addAll(List.of("--out", dir.resolve("out-" + n).toString()));
    if (sub.getCommandSpec().findOption("--threads") != null && !a.contains("--threads")) a.addAll(List.of("--threads", "2"));
    return a.toArray(String[]::new);
  }

  static void check(Entry e) throws IOException {
    Path dir = Files.createTempDirectory(tmp, "entry");
    StringBuilder printed = new StringBuilder();
    int n = 0;
    for (List<String> c : e.commands()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
      String[] a = args(c, dir, n++);
      int code = Main.run(a, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
      printed.append(out.toString(StandardCharsets.UTF_8)).append(err.toString(StandardCharsets.UTF_8));
      assertEquals(0, code, () -> String.join(" ", a) + " failed:\n" + printed);
    }
    for (String x : e.expects()) {
      assertTrue(Pattern.compile(x).matcher(printed).find(),
          () -> e.name() + ": the output no longer matches /" + x + "/ — update the page (and the tag) if the change is intended. Output:\n" + printed);
    }
  }

  @TestFactory
  Stream<DynamicTest> companionCommands() throws IOException {
    boolean all = "all".equals(System.getProperty("docs.test"));
    List<DynamicTest> tests = new ArrayList<>();
    // guide.zh.md tags the same commands with the same expectations (pagesAreWellFormed): run them once
    for (Path p : PAGES.subList(0, 1))
      for (Entry e : entries(p)) {
        tests.add(DynamicTest.dynamicTest(e.name(), () -> {
          Assumptions.assumeTrue(e.fast() || all, "slow: run with -Ddocs.test=all (scripts/docs-test.sh --all)");
          check(e);
        }));
      }
    return tests.stream();
  }

  /** The tag forms accept the printed forms of a figure and reject a drifted one. */
  @Test
  void expectationsFailWhenANumberDrifts() {
    Path p = Path.of("page");
    Pattern pct = Pattern.compile(expectation(p, "percent: 89.62"));
    assertTrue(pct.matcher("test accuracy 0.8962 (loss 0.3)").find());
    assertTrue(pct.matcher("accuracy 89.62%").find());
    assertFalse(pct.matcher("test accuracy 0.8963 (loss 0.3)").find());
    assertFalse(pct.matcher("test accuracy 0.89621").find());
    assertFalse(pct.matcher("accuracy 89.61%").find());
    Pattern num = Pattern.compile(expectation(p, "number: 16,884"));
    assertTrue(num.matcher("file 16884 B").find());
    assertTrue(num.matcher("16,884 B").find());
    assertFalse(num.matcher("file 16885 B").find());
    assertFalse(num.matcher("file 116884 B").find());
    Pattern dec = Pattern.compile(expectation(p, "number: 5.200"));
    assertTrue(dec.matcher("-1.2791   1.6438      5.200 ").find());
    assertFalse(dec.matcher("15.200").find());
    assertFalse(dec.matcher("5.2001").find());
  }

  /**
   * The pages themselves: every tagged block has a command and an expectation, every number an
   * expectation checks is written in the entry's text, both pages tag the same commands with the
   * same expectations, and the fast set is not empty.
   */
  @Test
  void pagesAreWellFormed() throws IOException {
    Map<String, List<String>> byCommand = new LinkedHashMap<>();
    int fast = 0;
    for (Path p : PAGES) {
      List<Entry> es = entries(p);
      assertFalse(es.isEmpty(), p + " has no docs-test entries");
      Map<String, List<String>> mine = new LinkedHashMap<>();
      for (Entry e : es) {
        assertFalse(e.commands().isEmpty(), e.name() + ": no ./fivefold command in the block");
        assertFalse(e.expects().isEmpty(), e.name() + ": no expect line");
        for (List<String> c : e.commands()) args(c, tmp, 0); // every command exists
        for (String x : e.expects()) Pattern.compile(x);
        for (String x : e.lines()) {
          Matcher m = NUMBER.matcher(x.replace("\\", ""));
          while (m.find()) {
            String num = m.group();
            if (!e.text().contains(num)) fail(e.name() + ": the expectation /" + x + "/ checks " + num + ", which the page does not show");
          }
        }
        if (e.fast()) fast++;
        mine.put(e.name().substring(e.name().indexOf(' ') + 1) + (e.fast() ? " [fast]" : " [slow]"), e.expects());
      }
      if (byCommand.isEmpty()) byCommand.putAll(mine);
      else assertEquals(byCommand, mine, "guide.md and guide.zh.md must tag the same commands with the same expectations");
    }
    assertTrue(fast > 0, "no fast entries");
  }
}
