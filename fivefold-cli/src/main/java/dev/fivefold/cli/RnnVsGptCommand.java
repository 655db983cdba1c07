package dev.fivefold.cli;

import dev.fivefold.data.TextCorpus;
import dev.fivefold.perception.experiment.RnnVsGpt;
import dev.fivefold.io.AtomicFiles;
import dev.fivefold.io.Json;
import dev.fivefold.perception.ModelSpec;
import dev.fivefold.train.TrainObserver;
import dev.fivefold.train.Trainer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code fivefold rnnvsgpt}: GPT against LSTM and GRU at equal parameter count and equal training time. */
@Command(name = "rnnvsgpt", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Train a GPT, then a 2-layer LSTM and a 2-layer GRU of (nearly) the same parameter count, each for the same "
        + "training time, on the same text (AdamW, lr 2e-3, cosine), and print held-out bits per character and tokens/s. "
        + "The GPT reads random windows of --context; the recurrent models read consecutive chunks per batch row with the "
        + "state carried (truncated BPTT).",
        "Writes rnnvsgpt.csv (the table), curve.csv and rnnvsgpt.png (held-out bits/char against training time, per model) "
            + "and metrics.json to --out; shows each model's progress on stderr.", "",
        "Examples:",
        "  ./fivefold rnnvsgpt --minutes 10               three 10-minute runs on the King James Bible",
        "  ./fivefold rnnvsgpt --minutes 0.5 --eval-tokens 16384   a quick sanity run", ""})
final class RnnVsGptCommand extends Subcommand {
  @Mixin Common common = new Common();

  @Option(names = "--data", paramLabel = "NAME", description = "kjv (default) or a text file.")
  String data;

  @Option(names = "--minutes", paramLabel = "M", defaultValue = "10", description = "Training time per model (default: ${DEFAULT-VALUE}).")
  double minutes;

  @Option(names = "--max-steps", paramLabel = "N", defaultValue = "0", description = "Also stop each model after N steps (0 = no limit).")
  long maxSteps;

  @Option(names = "--batch", paramLabel = "N", defaultValue = "32", description = "Batch rows (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--context", paramLabel = "T", defaultValue = "128", description = "GPT context = recurrent chunk length (default: ${DEFAULT-VALUE}).")
  int context;

  @Option(names = "--layers", defaultValue = "4", description = "GPT blocks (default: ${DEFAULT-VALUE}).")
  int layers;

  @Option(names = "--heads", defaultValue = "4", description = "GPT heads (default: ${DEFAULT-VALUE}).")
  int heads;

  @Option(names = "--width", defaultValue = "128", description = "GPT width; the recurrent widths are matched to its parameter count (default: ${DEFAULT-VALUE}).")
  int width;

  @Option(names = "--eval-tokens", paramLabel = "N", defaultValue = "65536", description = "Held-out predictions scored per model (0 = all; default: ${DEFAULT-VALUE}).")
  long evalTokens;

  @Option(names = "--curve-points", paramLabel = "N", defaultValue = "10", description = "Held-out evaluations per model for the curve, "
      + "evenly spaced in training time, the last at the end; plus one before training (default: ${DEFAULT-VALUE}).")
  int curvePoints;

  @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default: runs/rnnvsgpt-<time>).")
  Path out;

  @Override
  public Integer call() throws IOException {
    common.apply();
    common.positive("--minutes", minutes);
    common.atLeast("--max-steps", maxSteps, 0);
    common.atLeast("--batch", batch, 1);
    common.atLeast("--context", context, 1);
    common.atLeast("--layers", layers, 1);
    common.atLeast("--heads", heads, 1);
    common.atLeast("--width", width, 1);
    common.atLeast("--eval-tokens", evalTokens, 0);
    common.atLeast("--curve-points", curvePoints, 1);
    if (width % heads != 0) throw common.bad("--heads (" + heads + ") must divide --width (" + width + ")");
    TextCorpus corpus = Inputs.corpus(data);
    RnnVsGpt.Config cfg = new RnnVsGpt.Config(corpus, minutes * 60, maxSteps, batch, context, layers, heads, width, evalTokens, curvePoints, common.seed);
    Thread chartsReady = Charts.warmUp();
    Path dir = Common.runFolder(out, "rnnvsgpt");
    stderr.printf("rnnvsgpt: %s, %.1f min per model, batch %d, context %d, %d thread%s -> %s%n", corpus.name(), minutes, batch, context,
        common.threads(), common.threads() == 1 ? "" : "s", dir);
    Progress[] progress = new Progress[1];
    RnnVsGpt.Result r;
    try {
      r = RnnVsGpt.run(cfg, new RnnVsGpt.Listener() {
        @Override
        public TrainObserver starting(int index, int count, ModelSpec spec, Trainer trainer) {
          stderr.printf("model %d/%d: %s%n", index + 1, count, spec);
          progress[0] = new Progress(stderr, "tokens", Progress.terminal());
          return new TimeBudget(progress[0], trainer);
        }

        @Override
        public void finished(int index, RnnVsGpt.Row row) {
          progress[0].close();
          stderr.printf(Locale.ROOT, "model %d done: %s  %,d steps in %.1f s, %,.0f tokens/s, held-out bpc %.4f%n", index + 1, row.spec(), row.steps(),
              row.seconds(), row.tokensPerSecond(), row.bpc());
        }
      });
    } finally {
      if (progress[0] != null) progress[0].close();
    }
    Table t = new Table("model", "parameters", "steps", "train s", "tokens/s", "held-out bpc");
    StringBuilder table = new StringBuilder("model,spec,parameters,steps,train_s,tokens_per_s,bpc,loss\n");
    StringBuilder curve = new StringBuilder("model,step,seconds,bpc\n");
    List<Charts.Series> series = new ArrayList<>();
    Map<String, Object> fin = new LinkedHashMap<>();
    for (RnnVsGpt.Row row : r.rows()) {
      t.add(row.spec(), String.format("%,d", row.parameters()), row.steps(), String.format("%.1f", row.seconds()),
          String.format("%,.0f", row.tokensPerSecond()), Table.fmt(row.bpc()));
      String name = row.spec().substring(0, row.spec().indexOf(':'));
      table.append(String.format(Locale.ROOT, "%s,\"%s\",%d,%d,%.3f,%.1f,%.6f,%.6f%n", name, row.spec(), row.parameters(), row.steps(), row.seconds(),
          row.tokensPerSecond(), row.bpc(), row.loss()));
      List<double[]> pts = new ArrayList<>();
      for (RnnVsGpt.Point p : row.curve()) {
        curve.append(String.format(Locale.ROOT, "%s,%d,%.3f,%.6f%n", name, p.step(), p.seconds(), p.bpc()));
        pts.add(new double[] {p.seconds(), p.bpc()});
      }
      series.add(new Charts.Series(String.format(Locale.ROOT, "%s (%,d parameters)", name, row.parameters()), pts, true));
      fin.put(name + "_bpc", row.bpc());
      fin.put(name + "_tokens_per_s", row.tokensPerSecond());
    }
    AtomicFiles.writeString(dir.resolve("rnnvsgpt.csv"), table.toString());
    AtomicFiles.writeString(dir.resolve("curve.csv"), curve.toString());
    Charts.join(chartsReady);
    Charts.write(dir.resolve("rnnvsgpt.png"), "held-out bits per character against training time, " + corpus.name(), "training time (s)",
        "held-out bits/char", series);
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("command", "rnnvsgpt");
    meta.put("model", r.rows().stream().map(RnnVsGpt.Row::spec).collect(Collectors.joining(" | ")));
    meta.put("data", corpus.name());
    meta.put("minutes", minutes);
    meta.put("batch", batch);
    meta.put("seed", common.seed);
    meta.put("threads", common.threads());
    meta.put("final", fin);
    AtomicFiles.writeString(dir.resolve("metrics.json"), Json.pretty(meta));
    stdout.print(t.pretty());
    stdout.println("wrote " + dir.resolve("rnnvsgpt.csv") + ", curve.csv, rnnvsgpt.png, metrics.json");
    return 0;
  }

  /**
   * Passes a time-budgeted run's signals to {@link Progress} with a meaningful total: the planned
   * steps are unknown when time is the limit, so the bar is indefinite and the total in the lines
   * is estimated from the share of the budget done ({@link Trainer#progress()}).
   */
  private static final class TimeBudget implements TrainObserver {
    private final Progress progress;
    private final Trainer trainer;

    TimeBudget(Progress progress, Trainer trainer) {
      this.progress = progress;
      this.trainer = trainer;
    }

    @Override
    public void onStart(long totalSteps, long stepsPerEpoch) {
      progress.onStart(-1, stepsPerEpoch); // an indefinite bar: the steps the budget allows are not known yet
    }

    @Override
    public void onStep(Step s) {
      double done = trainer.progress();
      long total = done > 0 ? Math.max(s.step(), Math.round(s.step() / done)) : s.totalSteps();
      progress.onStep(new Step(s.step(), total, s.epoch(), s.loss(), s.lr(), s.seconds(), s.units()));
    }

    @Override
    public void onEval(Eval e) {
      progress.onEval(e);
    }

    @Override
    public void onEnd() {
      progress.onEnd();
    }
  }
}
