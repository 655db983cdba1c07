package dev.fivefold.cli;

import dev.fivefold.data.Dataset;
import dev.fivefold.io.AtomicFiles;
import dev.fivefold.io.BadInputException;
import dev.fivefold.landscape.LandscapeExperiment;
import dev.fivefold.landscape.Landscape;
import dev.fivefold.nn.Parameter;
import dev.fivefold.perception.ImageClassifier;
import dev.fivefold.perception.LoadedModel;
import dev.fivefold.perception.Models;
import dev.fivefold.tensor.Rng;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code fivefold landscape CKPT}: the loss surface around a trained image classifier. */
@Command(name = "landscape", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Plot the 2-D loss landscape around a trained image classifier: L(α, β) = loss(θ + αδ + βη) for two random "
        + "filter-normalised directions δ, η (Li et al. 2018: each row of a weight's direction has that row's norm; "
        + "biases stay put), on the first --samples test images over a --grid × --grid grid of α, β in [−span, span]. "
        + "Writes landscape.png (heat map with contours; the model at the cross) and landscape.csv (alpha, beta, loss, accuracy); "
        + "prints the two axis slices.", "",
        "Examples:",
        "  ./fivefold landscape runs/mlp-20250101-120000/checkpoint.safetensors",
        "  ./fivefold landscape CKPT --grid 31 --span 0.5 --samples 5000 --seed 2", ""})
final class LandscapeCommand extends Subcommand {
  @Mixin Common common = new Common();

  @Parameters(paramLabel = "CKPT", description = "A checkpoint.safetensors of an image model (mlp, lenet5).")
  Path file;

  @Option(names = "--model", paramLabel = "SPEC", description = "Model spec for plain weights (default: from the checkpoint).")
  String model;

  @Option(names = "--samples", paramLabel = "N", defaultValue = "2000", description = "Test images per evaluation (default: ${DEFAULT-VALUE}).")
  int samples;

  @Option(names = "--grid", paramLabel = "N", defaultValue = "21", description = "Grid points per axis (default: ${DEFAULT-VALUE}; odd puts the model at a grid point).")
  int grid;

  @Option(names = "--span", paramLabel = "S", defaultValue = "1.0", description = "α and β range over [−S, S] (default: ${DEFAULT-VALUE}).")
  double span;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Directory with the Fashion-MNIST IDX files (default: the checkpoint's).")
  Path dataDir;

  @Option(names = "--out", paramLabel = "DIR", description = "Run folder (default: runs/landscape-<yyyyMMdd-HHmmss>).")
  Path out;

  @Override
  public Integer call() throws IOException {
    common.apply();
    common.atLeast("--samples", samples, 1);
    common.atLeast("--grid", grid, 2);
    common.positive("--span", span);
    long t0 = System.nanoTime();
    LoadedModel l = Models.load(file, model);
    if (!(l.model() instanceof ImageClassifier)) throw new BadInputException(file + ": landscape needs an image classifier (mlp, lenet5), not " + l.spec());
    Path dir = dataDir;
    if (dir == null && l.meta().containsKey("data-dir")) dir = Path.of(l.meta().get("data-dir"));
    Dataset test = Inputs.images(null, dir, stderr)[1].take(samples);

    int total = grid * grid;
    stderr.printf("landscape of %s: %d×%d grid, span %s, %d test images, seed %d%n", l.spec(), grid, grid, span, test.size(), common.seed);
    LandscapeExperiment.Result res = LandscapeExperiment.run(l.model(), test, new LandscapeExperiment.Config(grid, span, common.seed), k -> {
      if (k % grid == 0) stderr.printf("\r  %d/%d points", k, total);
    });
    stderr.println();
    Landscape.Grid g = res.grid();

    Path run = Common.runFolder(out, "landscape");
    double[] c = g.coords();
    StringBuilder csv = new StringBuilder("alpha,beta,loss,accuracy\n");
    for (int i = 0; i < grid; i++) {
      for (int j = 0; j < grid; j++) {
        csv.append(c[j]).append(',').append(c[i]).append(',').append(g.loss()[i][j]).append(',').append(g.accuracy()[i][j]).append('\n');
      }
    }
    AtomicFiles.writeString(run.resolve("landscape.csv"), csv.toString());
    HeatMap.write(run.resolve("landscape.png"), "loss landscape of " + l.spec() + " (" + test.size() + " test images)",
        "α (direction δ)", "β (direction η)", c, c, g.loss(), 15, List.of(), new double[] {0, 0});

    int mid = res.centre(); // the centre row/column (exact 0 for odd grids)
    Table t = new Table("coord", "loss(α,0)", "acc(α,0)", "loss(0,β)", "acc(0,β)");
    for (int k = 0; k < grid; k++) {
      t.add(String.format("%+.3f", c[k]), String.format("%.4f", g.loss()[mid][k]), String.format("%.4f", g.accuracy()[mid][k]),
          String.format("%.4f", g.loss()[k][mid]), String.format("%.4f", g.accuracy()[k][mid]));
    }
    stdout.print(t.pretty());
    stdout.printf("centre (%.3f, %.3f): loss %.4f, accuracy %.4f | grid min %.4f at (%.3f, %.3f), max %.4f | %.1f s%n", c[mid], c[mid],
        g.loss()[mid][mid], g.accuracy()[mid][mid], res.min(), c[res.minJ()], c[res.minI()], res.max(), (System.nanoTime() - t0) / 1e9);
    stdout.println("run folder " + run + " (landscape.png, landscape.csv)");
    return 0;
  }
}
