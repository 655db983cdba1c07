package dev.fivefold.cli;

import dev.fivefold.data.TextCorpus;
import dev.fivefold.perception.experiment.RnnVsGpt;
import java.io.IOException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code fivefold rnnvsgpt}: GPT against LSTM and GRU at equal parameter count and equal training time. */
@Command(name = "rnnvsgpt", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Train a GPT, then a 2-layer LSTM and a 2-layer GRU of (nearly) the same parameter count, each for the same "
        + "training time, on the same text (AdamW, lr 2e-3, cosine), and print held-out bits per character and tokens/s. "
        + "The GPT reads random windows of --context; the recurrent models read consecutive chunks per batch row with the "
        + "state carried (truncated BPTT).", "",
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
    if (width % heads != 0) throw common.bad("--heads (" + heads + ") must divide --width (" + width + ")");
    TextCorpus corpus = Inputs.corpus(data);
    RnnVsGpt.Config cfg = new RnnVsGpt.Config(corpus, minutes * 60, maxSteps, batch, context, layers, heads, width, evalTokens, common.seed);
    stderr.printf("rnnvsgpt: %s, %.1f min per model, batch %d, context %d, %d thread%s%n", corpus.name(), minutes, batch, context,
        common.threads(), common.threads() == 1 ? "" : "s");
    RnnVsGpt.Result r = RnnVsGpt.run(cfg);
    Table t = new Table("model", "parameters", "steps", "train s", "tokens/s", "held-out bpc");
    for (RnnVsGpt.Row row : r.rows()) {
      t.add(row.spec(), String.format("%,d", row.parameters()), row.steps(), String.format("%.1f", row.seconds()),
          String.format("%,.0f", row.tokensPerSecond()), Table.fmt(row.bpc()));
    }
    stdout.print(t.pretty());
    return 0;
  }
}
