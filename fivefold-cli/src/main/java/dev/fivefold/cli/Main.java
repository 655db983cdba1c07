package dev.fivefold.cli;

import dev.fivefold.io.BadInputException;
import dev.fivefold.train.DivergenceException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParameterException;

/**
 * The {@code fivefold} command. Exit codes: 0 success; 1 a failure that is not the user's input
 * (I/O, divergence, a bug); 2 bad input (unknown flag, value out of range, missing or corrupt
 * file, a size that does not fit the Java heap), reported as one line {@code fivefold: <message>}
 * on stderr; 130 interrupted (143 when the launcher died: see {@link Lifecycle}).
 * {@code --verbose} adds the stack trace.
 */
@Command(name = "fivefold", mixinStandardHelpOptions = true, version = "fivefold 0.1.0",
    description = {"Train, evaluate, sample and measure neural networks in pure Java.", "",
        "New here? Run:  ./fivefold demo"},
    subcommands = {DemoCommand.class, TrainCommand.class, EvalCommand.class, SampleCommand.class, BenchCommand.class,
        OptimizersCommand.class, TrajectoriesCommand.class, LandscapeCommand.class,
        ControllersCommand.class, GuardCommand.class, SwatsCommand.class,
        InfoplaneCommand.class, VibCommand.class, MdlCommand.class, InfoPruneCommand.class,
        CurriculumCommand.class, AblationCommand.class,
        ExplainCommand.class, RnnVsGptCommand.class,
        ClipCommand.class,
        FusionCommand.class,
        FixationsCommand.class,
        SparkTrainCommand.class, SparkTimingsCommand.class,
        DistributedCommand.class,
        ZipCommand.class, UnzipCommand.class,
        CompressCommand.class, QuantizeCommand.class, RateDistortionCommand.class, FaultCommand.class, DistillCommand.class, SparseCommand.class, LotteryCommand.class,
        SensingCommand.class,
        ServeCommand.class,
        CommandLine.HelpCommand.class})
public final class Main implements Runnable {
  /** Exit code of bad input. */
  public static final int BAD_INPUT = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  public static void main(String[] args) {
    System.setProperty("java.awt.headless", "true");
    Lifecycle.install(System.err);
    int rc = run(args, System.out, System.err);
    System.out.flush();
    Lifecycle.finished();
    System.exit(rc);
  }

  /**
   * Runs the command line with the given streams and returns the exit code (for tests). Never
   * throws: every exception and {@link Error} becomes one line on {@code err} and an exit code.
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    boolean verbose = Arrays.asList(args).contains("--verbose");
    CommandLine cl = new CommandLine(new Main());
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    for (CommandLine sub : cl.getSubcommands().values()) {
      if (sub.getCommand() instanceof Streams s) s.streams(out, err);
    }
    cl.setParameterExceptionHandler((ex, a) -> {
      err.println("fivefold: " + oneLine(ex.getMessage()));
      if (verbose) ex.printStackTrace(err);
      String name = ex.getCommandLine().getCommandSpec().qualifiedName();
      err.println("Try '" + name + " --help' for usage.");
      return BAD_INPUT;
    });
    cl.setExecutionExceptionHandler((ex, c, pr) -> handle(ex, verbose, err));
    Lifecycle.activity("running " + (args.length > 0 && !args[0].startsWith("-") ? args[0] : "fivefold"));
    try {
      return cl.execute(args);
    } catch (Throwable t) { // an Error (out of memory, stack overflow) is one line too, never a stack trace
      return handle(t, verbose, err);
    } finally {
      Common.releaseRunFolders();
    }
  }

  /** One line on stderr for an exception from a command; returns the exit code. */
  static int handle(Throwable ex, boolean verbose, PrintStream err) {
    int rc;
    String msg;
    if (ex instanceof UncheckedIOException u && u.getCause() != null) ex = u.getCause();
    switch (ex) {
      case ParameterException p -> {
        msg = p.getMessage();
        rc = BAD_INPUT;
      }
      case BadInputException b -> {
        msg = b.getMessage();
        rc = BAD_INPUT;
      }
      case IllegalArgumentException i -> {
        msg = i.getMessage();
        rc = BAD_INPUT;
      }
      case NoSuchFileException n -> {
        msg = n.getFile() + ": no such file" + (n.getReason() == null ? "" : " (" + n.getReason() + ")");
        rc = BAD_INPUT;
      }
      case DivergenceException d -> {
        msg = d.getMessage() + " (try a smaller --lr)";
        rc = 1;
      }
      case Interrupted i -> {
        msg = i.getMessage();
        rc = 130;
      }
      case OutOfMemoryError o -> {
        msg = "out of memory (" + o.getMessage() + "): the Java heap limit is " + dev.fivefold.io.Heap.gb(dev.fivefold.io.Heap.max())
            + "; use smaller sizes or raise it with " + dev.fivefold.io.Heap.ENV + "=16g (java -Xmx16g)";
        rc = BAD_INPUT;
      }
      case StackOverflowError so -> {
        msg = "input too deeply nested (stack overflow)";
        rc = BAD_INPUT;
      }
      case NegativeArraySizeException n -> {
        msg = "a size overflowed 2^31 (" + n.getMessage() + "); use smaller sizes (--batch, --context, --width)";
        rc = BAD_INPUT;
      }
      case Error e -> {
        msg = "internal error: " + e + (verbose ? "" : " (run with --verbose for the stack trace)");
        rc = 1;
      }
      case IOException io -> {
        msg = io.getClass().getSimpleName().replace("Exception", "") + ": " + io.getMessage();
        rc = 1;
      }
      default -> {
        msg = "internal error: " + ex + (verbose ? "" : " (run with --verbose for the stack trace)");
        rc = 1;
      }
    }
    if (!(ex instanceof Interrupted)) err.println("fivefold: " + oneLine(msg)); // the shutdown hook has reported it
    if (verbose) ex.printStackTrace(err);
    return rc;
  }

  static String oneLine(String s) {
    return s == null ? "(no message)" : s.strip().replaceAll("\\s*\\R\\s*", " ");
  }

  /** Commands that print take their streams from {@link #run}. */
  interface Streams {
    void streams(PrintStream out, PrintStream err);
  }

  /** The run was stopped by a signal after a checkpoint was written. */
  static final class Interrupted extends RuntimeException {
    Interrupted(String message) {
      super(message);
    }
  }
}
