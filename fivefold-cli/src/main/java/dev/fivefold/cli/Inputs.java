package dev.fivefold.cli;

import dev.fivefold.data.Dataset;
import dev.fivefold.data.FashionMnist;
import dev.fivefold.data.TextCorpus;
import dev.fivefold.data.augment.TestTimeAugmentation;
import dev.fivefold.io.BadInputException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** The commands' inputs from their flags: Fashion-MNIST (--data, --data-dir), a text corpus (--data), model specs. */
final class Inputs {
  private Inputs() {}

  /** kjv (default; written by {@link Acquire#kingJamesBible} on first use) or a text file. */
  static TextCorpus corpus(String data) throws IOException {
    if (data == null || data.equals("kjv")) return TextCorpus.fromFile(Acquire.kingJamesBible());
    Path p = Path.of(data);
    if (Files.isDirectory(p)) throw new BadInputException("--data (" + data + ") is a directory; gpt needs kjv or a text file");
    if (!Files.exists(p)) throw new BadInputException("--data (" + data + "): no such file (use kjv or a path to a text file)");
    return TextCorpus.fromFile(p);
  }

  /** Fashion-MNIST train and test sets from --data-dir or the default locations ({@link Acquire}); download progress to {@code downloads} if not null. */
  static Dataset[] images(String data, Path dir, PrintStream downloads) throws IOException {
    if (data != null && !data.equals("fashion-mnist")) {
      if (Files.isDirectory(Path.of(data))) {
        dir = Path.of(data);
      } else {
        throw new BadInputException("--data (" + data + ") must be fashion-mnist for image models (or use --data-dir DIR)");
      }
    }
    FashionMnist.Locator loc = FashionMnist.Locator.defaults();
    if (dir != null) {
      if (!Files.isDirectory(dir)) throw new BadInputException("--data-dir (" + dir + ") is not a directory");
      loc = loc.withDirectory(dir);
    }
    Acquire.Source src = Acquire.Source.defaults();
    if (downloads != null) src = src.withProgress(downloadProgress(downloads));
    return new Dataset[] {Acquire.fashionMnist(FashionMnist.Split.TRAIN, loc, src), Acquire.fashionMnist(FashionMnist.Split.TEST, loc, src)};
  }

  /** A download progress line on {@code err}, redrawn at most twice a second and once at the end. */
  static Acquire.Progress downloadProgress(PrintStream err) {
    long[] last = {0};
    return (file, bytes, total) -> {
      long now = System.nanoTime();
      boolean done = total >= 0 && bytes == total;
      if (!done && now - last[0] < 500_000_000L) return;
      last[0] = now;
      String of = total >= 0 ? String.format(" of %.1f MB (%d%%)", total / 1e6, 100 * bytes / Math.max(1, total)) : "";
      err.printf("\rdownloading %s: %.1f MB%s", file, bytes / 1e6, of);
      if (done) err.println();
    };
  }

  /**
   * The {@code --tta} flag of train and eval: "none", "flip", "shift:S" or "flip,shift:S".
   *
   * @throws BadInputException for any other value
   */
  static TestTimeAugmentation tta(String mode) {
    try {
      return TestTimeAugmentation.parse(mode);
    } catch (IllegalArgumentException e) {
      throw new BadInputException("--tta (" + mode + ") must be " + TestTimeAugmentation.SPECS);
    }
  }

  /** Whether model spec {@code a} names the family of {@code b} ("mlp" matches "mlp:784-100-10"; a full spec must be equal). */
  static boolean sameFamily(String a, String b) {
    return a.split(":")[0].equals(b.split(":")[0]) && (!a.contains(":") || a.equals(b));
  }

  /** Is {@code spec} a recurrent language model (lstm, gru, with or without arguments)? */
  static boolean isRecurrent(String spec) {
    String f = spec.split(":", 2)[0];
    return f.equals("lstm") || f.equals("gru");
  }

  /** {@code spec} with vocab=V added if it has none (a bare family gets its defaults). */
  static String withVocab(String spec, int vocab) {
    if (spec.contains("vocab=")) return spec;
    return spec + (spec.contains(":") ? "," : ":") + "vocab=" + vocab;
  }
}
