package dev.fivefold.cli;

import java.io.PrintStream;
import java.util.concurrent.Callable;

/**
 * A subcommand: results go to {@link #stdout}, progress and errors to {@link #stderr}; tests
 * redirect both through {@link Main.Streams}.
 */
abstract class Subcommand implements Callable<Integer>, Main.Streams {
  PrintStream stdout = System.out, stderr = System.err;

  @Override
  public void streams(PrintStream o, PrintStream e) {
    stdout = o;
    stderr = e;
  }
}
