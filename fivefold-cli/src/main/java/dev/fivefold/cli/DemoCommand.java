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
    // train's own flags, parsed by picocli: every option the demo does not set keeps train's default
    java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("--model", "mlp", "--epochs", Integer.toString(epochs), "--batch", "128",
        "--lr", "1e-3", "--schedule", "cosine", "--warmup", "100", "--optimizer", "adam", "--eval-tokens", "0"));
    if (dataDir != null) args.addAll(java.util.List.of("--data-dir", dataDir.toString()));
    if (out != null) args.addAll(java.util.List.of("--out", out.toString()));
    TrainCommand t = new TrainCommand();
    new picocli.CommandLine(t).parseArgs(args.toArray(String[]::new));
    t.common = common; // the demo's --threads, --seed, --verbose
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
