package dev.fivefold.cli;

import dev.fivefold.io.AtomicFiles;
import dev.fivefold.landscape.TestFunction;
import dev.fivefold.landscape.Trajectory;
import dev.fivefold.landscape.TrajectoryComparison;
import dev.fivefold.optim.Optimizers;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code fivefold trajectories}: optimizer paths over contour plots of 2-D test functions. */
@Command(name = "trajectories", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Draw the optimizers' paths on 2-D test functions (rosenbrock, beale, saddle x²−y²) over a heat map with "
        + "contour lines: one <function>.png each, plus trajectories.csv (final point, steps to the minimum) and "
        + "points.csv (every point). The point is a 2-element parameter stepped by the real optimizers.", "",
        "Learning rates per function (unless --lr): sgd, momentum and nesterov use a rate gradient descent survives "
            + "(rosenbrock 5e-4, beale 1e-3, saddle 0.05); the scale-free methods a per-coordinate step "
            + "(0.05; adagrad 10×, lars 100× since its trust coefficient is 0.001); adadelta 1.0, its PyTorch default.",
        "A path stops when it leaves twice the plotted window (the saddle's escape) or becomes non-finite.", "",
        "Examples:",
        "  ./fivefold trajectories",
        "  ./fivefold trajectories --function rosenbrock --only sgd,momentum,adam --steps 2000 --start -1,1", ""})
final class TrajectoriesCommand extends Subcommand {
  @Mixin Common common = new Common();

  @Option(names = "--function", paramLabel = "NAME,...", split = ",", description = "rosenbrock, beale, saddle (default: all).")
  List<String> functions;

  @Option(names = "--only", paramLabel = "NAME,...", split = ",",
      description = "Optimizers, or 'all' (default: sgd,momentum,nesterov,adagrad,rmsprop,adam).")
  List<String> only;

  @Option(names = "--steps", paramLabel = "N", defaultValue = "500", description = "Steps per path (default: ${DEFAULT-VALUE}).")
  int steps;

  @Option(names = "--start", paramLabel = "X,Y", description = "Start point for every function (default: rosenbrock -1.5,2; "
      + "beale 1,1.5; saddle 1,0.001).")
  String start;

  @Option(names = "--lr", paramLabel = "RATE", description = "One learning rate for all optimizers (default: per function, see above).")
  Double lr;

  @Option(names = "--out", paramLabel = "DIR", description = "Run folder (default: runs/trajectories-<yyyyMMdd-HHmmss>).")
  Path out;

  @Override
  public Integer call() throws IOException {
    common.apply();
    common.atLeast("--steps", steps, 0);
    if (lr != null) common.positive("--lr", lr);
    List<TestFunction> fs = new ArrayList<>();
    try {
      if (functions == null) fs.addAll(List.of(TestFunction.values()));
      else for (String n : functions) fs.add(TestFunction.byName(n));
    } catch (IllegalArgumentException e) {
      throw common.bad("--function: " + e.getMessage());
    }
    List<String> opts = only == null ? TrajectoryComparison.DEFAULT_OPTIMIZERS
        : only.size() == 1 && only.getFirst().equals("all") ? Optimizers.NAMES : only.stream().map(String::strip).toList();
    for (String n : opts) {
      if (!Optimizers.NAMES.contains(n)) throw common.bad("--only: optimizer (" + n + ") must be one of " + String.join(", ", Optimizers.NAMES));
    }
    double[] startPoint = start == null ? null : parseStart(start);

    Path dir = Common.runFolder(out, "trajectories");
    var cfg = new TrajectoryComparison.Config(fs, opts, steps, startPoint, lr);
    TrajectoryComparison.Result res = TrajectoryComparison.run(cfg);
    Table t = new Table("function", "optimizer", "lr", "steps", "final_x", "final_y", "final_f", "steps_to_min_0.01", "stopped");
    StringBuilder points = new StringBuilder("function,optimizer,step,x,y\n");
    for (int fi = 0; fi < fs.size(); fi++) {
      TestFunction f = fs.get(fi);
      double[] s0 = cfg.start(f);
      List<HeatMap.Line> lines = new ArrayList<>();
      for (Trajectory tr : res.byFunction().get(fi)) {
        String n = tr.optimizer();
        double[] e = tr.last();
        int hit = tr.stepsTo(0.01);
        t.add(f.id(), n, tr.lr(), tr.steps(), String.format("%.4f", e[0]), String.format("%.4f", e[1]), String.format("%.4g", f.value(e[0], e[1])),
            f.minimum() == null ? "n/a" : hit < 0 ? "-" : hit, tr.stoppedEarly() ? "left window" : "");
        for (int i = 0; i < tr.points().size(); i++) {
          points.append(f.id()).append(',').append(n).append(',').append(i).append(',')
              .append((float) tr.points().get(i)[0]).append(',').append((float) tr.points().get(i)[1]).append('\n');
        }
        lines.add(new HeatMap.Line(n + " (" + tr.lr() + ")", tr.points()));
      }
      double[] w = f.window();
      double[] xs = TestFunction.linspace(w[0], w[1], 241), ys = TestFunction.linspace(w[2], w[3], 241);
      HeatMap.write(dir.resolve(f.id() + ".png"), f.id() + ": " + steps + " steps from (" + s0[0] + ", " + s0[1] + ")", "x", "y",
          xs, ys, f.sample(xs, ys), 18, lines, f.minimum());
    }
    AtomicFiles.writeString(dir.resolve("trajectories.csv"), t.csv());
    AtomicFiles.writeString(dir.resolve("points.csv"), points.toString());
    stdout.print(t.pretty());
    stdout.println("run folder " + dir + " (" + String.join(", ", fs.stream().map(f -> f.id() + ".png").toList())
        + ", trajectories.csv, points.csv)");
    return 0;
  }

  private double[] parseStart(String s) {
    String[] p = s.split(",");
    try {
      if (p.length == 2) {
        double[] v = {Double.parseDouble(p[0].strip()), Double.parseDouble(p[1].strip())};
        if (Double.isFinite(v[0]) && Double.isFinite(v[1])) return v;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw common.bad("--start (" + s + ") must be two finite numbers X,Y");
  }
}
