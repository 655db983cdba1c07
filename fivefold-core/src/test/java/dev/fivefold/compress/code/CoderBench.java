package dev.fivefold.compress.code;

import dev.fivefold.tensor.Rng;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Benchmark on quantized-weights-like data: 266,610 symbols (LeNet-300-100's weight count) of a
 * Laplace(0, 1) distribution uniformly quantized over [-12, 12] at 5 and 8 bits, which gives about
 * the entropies measured on the real weights (PERF-NOTES, "Entropy of quantized weights").
 *
 * <p>Prints one markdown table: bits/symbol of each coder against the empirical entropy, encode and
 * decode throughput in MB/s of one-byte symbols (best of several timed runs after warm-up), and,
 * if {@code xz} and {@code zstd} are on the PATH, their bits/symbol on the same bytes.
 *
 * <p>Run after {@code mvn -o -pl fivefold-core test-compile}:
 * {@code java -cp fivefold-core/target/classes:fivefold-core/target/test-classes
 * dev.fivefold.compress.code.CoderBench [runs]}.
 */
public final class CoderBench {
  private static final int N = 266_610;

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    List<EntropyCoder> coders = List.of(EntropyCoder.huffman(), EntropyCoder.staticArithmetic(),
        EntropyCoder.adaptiveArithmetic(), EntropyCoder.rans(), new RansCoder(15, 1));
    System.out.println("| data | coder | bits/symbol | entropy | overhead % | encode MB/s | decode MB/s |");
    System.out.println("|---|---|---|---|---|---|---|");
    for (int bits : new int[] {5, 8}) {
      int[] s = Distributions.laplaceQuantized(new Rng(42 + bits), N, bits, 1.0, 12.0);
      int alphabet = 1 << bits;
      double h = Entropy.bitsPerSymbol(s, alphabet);
      String data = bits + "-bit Laplace";
      for (EntropyCoder c : coders) {
        byte[] enc = c.encode(s, alphabet);
        if (!Arrays.equals(s, c.decode(enc))) throw new AssertionError(c + " round trip failed");
        double encS = best(runs, () -> c.encode(s, alphabet));
        double decS = best(runs, () -> c.decode(enc));
        double bps = 8.0 * enc.length / N;
        String label = c instanceof RansCoder r && r.streams() == 1 ? "rans (1 stream)" : c.name();
        System.out.printf("| %s | %s | %.4f | %.4f | %.2f | %.0f | %.0f |%n", data, label, bps, h,
            100 * (bps / h - 1), N / encS / 1e6, N / decS / 1e6);
      }
      byte[] raw = new byte[N];
      for (int i = 0; i < N; i++) raw[i] = (byte) s[i];
      for (String[] tool : new String[][] {{"xz", "-9e"}, {"zstd", "-19"}}) {
        Long size = external(tool[0], tool[1], raw);
        if (size == null) continue;
        double bps = 8.0 * size / N;
        System.out.printf("| %s | %s %s | %.4f | %.4f | %.2f | — | — |%n", data, tool[0], tool[1], bps, h,
            100 * (bps / h - 1));
      }
    }
  }

  private static double best(int runs, Runnable r) {
    for (int i = 0; i < 3; i++) r.run();
    double best = Double.MAX_VALUE;
    for (int i = 0; i < runs; i++) {
      long t0 = System.nanoTime();
      r.run();
      best = Math.min(best, (System.nanoTime() - t0) * 1e-9);
    }
    return best;
  }

  /** Compressed size from {@code tool level -c}, or null if the tool is not on the PATH. */
  private static Long external(String tool, String level, byte[] raw) throws IOException, InterruptedException {
    Process which = new ProcessBuilder("which", tool).redirectErrorStream(true).start();
    which.getInputStream().readAllBytes();
    if (which.waitFor() != 0) return null;
    Path in = Files.createTempFile("coderbench", ".bin");
    try {
      Files.write(in, raw);
      List<String> cmd = new ArrayList<>(List.of(tool, level, "-c", in.toString()));
      if (tool.equals("zstd")) cmd.add(1, "-q");
      Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      long size = p.getInputStream().readAllBytes().length;
      if (p.waitFor() != 0) return null;
      return size;
    } finally {
      Files.deleteIfExists(in);
    }
  }
}
