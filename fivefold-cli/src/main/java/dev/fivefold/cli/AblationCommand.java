package dev.fivefold.cli;

import dev.fivefold.data.Dataset;
import dev.fivefold.data.augment.Augmentation;
import dev.fivefold.io.AtomicFiles;
import dev.fivefold.perception.Models;
import dev.fivefold.perception.experiment.AugmentationAblation;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code fivefold ablation}: model specs × augmentations × seeds ({@link AugmentationAblation}). */
@Command(name = "ablation", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"An ablation grid on Fashion-MNIST: every --model × every --augment × --seeds seeds, each trained as "
        + "'fivefold train' trains it (Adam, warm-up + cosine, same weights and batch order per seed), evaluated unaugmented. "
        + "Prints mean ± sample standard deviation of the final test accuracy per cell and the change against the "
        + "first --augment (the baseline, none by default); writes ablation.csv (every run) and ablation-summary.csv to --out.",
        "Default: LeNet-5 with no augmentation, each augmentation alone and crop:4,flip,erase:0.5, 3 seeds of 5 epochs.", "",
        "Examples:",
        "  ./fivefold ablation                       the LeNet-5 augmentation study",
        "  ./fivefold ablation --augment none --augment crop:4,flip --epochs 10",
        "  ./fivefold ablation --model lenet5 --model lenet5:norm=bn --augment none",
        "  ./fivefold ablation --model mlp:784-32-10 --epochs 0.5 --seeds 2 --train-size 2000", ""})
final class AblationCommand extends Subcommand {
  @Mixin Common common = new Common();

  @Option(names = "--model", paramLabel = "SPEC", description = "A model spec; repeat for several (default: lenet5).")
  List<String> models;

  @Option(names = "--augment", paramLabel = "SPEC", description = "An augmentation spec (" + Augmentation.NAMES + ", comma-joined, "
      + "or none); repeat for several; the first is the baseline (default: none, each augmentation alone, crop:4,flip,erase:0.5).")
  List<String> augments;

  @Option(names = "--epochs", paramLabel = "E", defaultValue = "5", description = "Epochs per run, fractions allowed (default: ${DEFAULT-VALUE}).")
  double epochs;

  @Option(names = "--batch", paramLabel = "N", defaultValue = "128", description = "Batch size (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--lr", paramLabel = "RATE", defaultValue = "0.001", description = "Peak Adam learning rate (default: ${DEFAULT-VALUE}).")
  double lr;

  @Option(names = "--warmup", paramLabel = "STEPS", defaultValue = "100", description = "Warm-up steps of the cosine schedule (default: ${DEFAULT-VALUE}).")
  long warmup;

  @Option(names = "--seeds", paramLabel = "N", defaultValue = "3", description = "Seeds per cell, from --seed on (default: ${DEFAULT-VALUE}).")
  int seeds;

  @Option(names = "--train-size", paramLabel = "N", defaultValue = "0", description = "Training images used, the first N; 0 = all (default).")
  int trainSize;

  @Option(names = "--test-size", paramLabel = "N", defaultValue = "0", description = "Test images used, the first N; 0 = all (default).")
  int testSize;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Directory with the four Fashion-MNIST IDX files (.gz).")
  Path dataDir;

  @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default: runs/ablation-<time>).")
  Path out;

  @Override
  public Integer call() throws IOException {
    common.apply();
    if (!(epochs > 0) || Double.isInfinite(epochs)) throw common.bad("--epochs (" + epochs + ") must be > 0");
    common.atLeast("--batch", batch, 1);
    common.positive("--lr", lr);
    common.atLeast("--warmup", warmup, 0);
    common.atLeast("--seeds", seeds, 1);
    common.atLeast("--train-size", trainSize, 0);
    common.atLeast("--test-size", testSize, 0);
    List<String> ms = models == null ? AugmentationAblation.Config.lenet5().models() : models;
    List<String> as = augments == null ? AugmentationAblation.DEFAULT_AUGMENTATIONS : augments;
    for (String m : ms) {
      try {
        Models.parse(m);
        Models.requireFits(Models.parse(m), batch, "--model " + m);
      } catch (IllegalArgumentException e) {
        throw common.bad("--model (" + m + "): " + e.getMessage());
      }
    }
    for (String a : as) {
      try {
        Augmentation.parse("--augment", a).check(new dev.fivefold.data.augment.ImageLayout(1, 28, 28));
      } catch (IllegalArgumentException e) {
        throw common.bad(e.getMessage().startsWith("--augment") ? e.getMessage() : "--augment (" + a + "): " + e.getMessage());
      }
    }
    var cfg = new AugmentationAblation.Config(ms, as, epochs, batch, lr, warmup, seeds, common.seed, trainSize, testSize);
    Dataset[] d = Inputs.images(null, dataDir, stderr);
    Path dir = Common.runFolder(out, "ablation");
    stderr.printf(Locale.ROOT, "ablation: %d model%s × %d augmentation%s × %d seed%s, %s epochs each -> %s%n", ms.size(), ms.size() == 1 ? "" : "s",
        as.size(), as.size() == 1 ? "" : "s", seeds, seeds == 1 ? "" : "s", epochs, dir);
    Table runs = new Table("model", "augment", "seed", "test_accuracy", "test_loss", "steps", "seconds");
    AugmentationAblation.Result r = AugmentationAblation.run(d[0], d[1], cfg, run -> {
      stderr.printf(Locale.ROOT, "%s %s seed %d: test accuracy %.4f (%.0f s)%n", run.model(), run.augmentation(), run.seed(), run.accuracy(), run.seconds());
      runs.add(run.model(), run.augmentation(), run.seed(), Table.fmt(run.accuracy()), Table.fmt(run.loss()), run.steps(),
          String.format(Locale.ROOT, "%.1f", run.seconds()));
      try {
        AtomicFiles.writeString(dir.resolve("ablation.csv"), runs.csv()); // a long grid keeps what it has
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    Table t = new Table("model", "augment", "seeds", "mean", "±sd", "min", "max", "vs " + as.getFirst());
    Table csv = new Table("model", "augment", "seeds", "mean_accuracy", "sd", "min", "max");
    double base = Double.NaN;
    for (AugmentationAblation.Summary s : r.summaries()) {
      if (s.augmentation().equals(as.getFirst())) base = s.mean();
      t.add(s.model(), s.augmentation(), s.seeds(), CurriculumCommand.pct(s.mean()), CurriculumCommand.pct(s.spread()), CurriculumCommand.pct(s.min()),
          CurriculumCommand.pct(s.max()), s.augmentation().equals(as.getFirst()) ? "" : CurriculumCommand.signed(s.mean() - base));
      csv.add(s.model(), s.augmentation(), s.seeds(), Table.fmt(s.mean()), Table.fmt(s.spread()), Table.fmt(s.min()), Table.fmt(s.max()));
    }
    AtomicFiles.writeString(dir.resolve("ablation-summary.csv"), csv.csv());
    stdout.printf(Locale.ROOT, "ablation: test accuracy (%%) after %s epochs, batch %d, Adam %s with warm-up + cosine, %d seeds%n", epochs, batch, lr, seeds);
    stdout.print(t.pretty());
    stdout.println("wrote " + dir.resolve("ablation.csv") + ", ablation-summary.csv");
    return 0;
  }
}
