package dev.fivefold.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code fivefold demo}: the first thing to run. */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Train LeNet-300-100 on Fashion-MNIST for 5 epochs (Adam 1e-3 with a cosine schedule, batch 128) and write a run folder.",
        "Finds Fashion-MNIST in $FIVEFOLD_DATA, /usr/share/datasets/fashion-mnist or ~/.cache/fivefold, "
            + "or downloads it (30 MB). About a minute on 2 cores.", "",
        "Examples:",
        "  ./fivefold demo",
        "  ./fivefold demo --threads 1 --out runs/first", ""})
final class DemoCommand extends Subcommand {
  @Mixin Common common = new Common();

  @Option(names = "--epochs", defaultValue = "5", description = "Epochs (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Directory with the four Fashion-MNIST IDX files.")
  Path dataDir;

  @Option(names = "--out", paramLabel = "DIR", description = "Run folder (default: runs/mlp-<yyyyMMdd-HHmmss>).")
  Path out;


  @Override
  public Integer call() throws Exception {
    TrainCommand t = new TrainCommand();
    t.common = common;
    t.model = "mlp";
    t.epochs = epochs;
    t.batch = 128;
    t.lrOption = 1e-3;
    t.schedule = "cosine";
    t.warmup = 100;
    t.optimizer = "adam";
    t.dataDir = dataDir;
    t.out = out;
    t.layers = 4;
    t.heads = 4;
    t.width = 128;
    t.context = 128;
    t.evalTokens = 0;
    t.showDownloads = true;
    t.streams(stdout, stderr);
    t.nextHint = String.join("\n",
        "next:",
        "  ./fivefold eval CKPT                            # score the checkpoint again",
        "  ./fivefold train --model lenet5 --epochs 3      # a convolutional network",
        "  ./fivefold train --model gpt --max-minutes 5    # a small GPT on the King James Bible, then: ./fivefold sample",
        "  ./fivefold bench --quick                        # how fast this machine runs the kernels");
    return t.call();
  }
}
