package dev.fivefold.compress.archive;

import dev.fivefold.compress.code.EntropyCoder;
import dev.fivefold.io.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The fault-injection experiment on a random LeNet-300-100-sized model (300x784, 100x300, 10x100
 * at 10% density, 5 bits, Huffman, biases raw): for each ECC and each number of flipped bits,
 * {@code seeds} runs that write the archive, flip that many distinct random bits after the
 * preamble ({@link Fault}), and read it back. Prints the size report, then one markdown row per
 * (ECC, bits): archive size, ECC overhead, corrected symbols (bits for Hamming, bytes for RS; mean
 * over the reads that succeeded) and the outcome counts. "wrong" counts reads that returned a model different from the one written;
 * it must be 0.
 *
 * <p>Run after {@code mvn -o -pl fivefold-core test-compile}:
 * {@code java -cp fivefold-core/target/classes:fivefold-core/target/test-classes
 * dev.fivefold.compress.archive.ArchiveFaultTable [seeds]}.
 */
public final class ArchiveFaultTable {
  public static void main(String[] args) throws Exception {
    int seeds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    FfzModel model = Models.lenet300(2026, 0.10, 5);
    Path dir = Files.createTempDirectory("ffz-faults");
    Path file = dir.resolve("lenet300.ffz");
    System.out.print(FfzArchive.encode(model, FfzArchive.Options.defaults()).report().format());
    System.out.print(FfzArchive.encode(model, FfzArchive.Options.defaults().withCoder(EntropyCoder.rans())).report().format());
    System.out.println();
    System.out.println("| ecc | archive B | ecc overhead B | bits flipped | corrected (mean over identical) | identical | refused | wrong |");
    System.out.println("|---|---|---|---|---|---|---|---|");
    for (Ecc ecc : Ecc.values()) {
      for (int n : new int[] {0, 1, 8, 64, 512}) {
        int ok = 0;
        int refused = 0;
        int wrong = 0;
        long corrected = 0;
        ArchiveReport r = null;
        for (int seed = 0; seed < seeds; seed++) {
          r = FfzArchive.write(file, model, FfzArchive.Options.defaults().withEcc(ecc));
          Fault.flipBits(file, FfzArchive.PREAMBLE_BYTES, n, 1000L * n + seed);
          try {
            FfzArchive.Decoded d = FfzArchive.read(file);
            if (d.model().equals(model)) {
              ok++;
              corrected += d.correction().corrected();
            }
            else wrong++;
          } catch (BadInputException e) {
            refused++;
          }
        }
        String unit = ecc == Ecc.HAMMING ? " bits" : ecc == Ecc.RS ? " bytes" : "";
        System.out.printf(Locale.ROOT, "| %s | %d | %d (%.1f%%) | %d | %.1f%s | %d/%d | %d/%d | %d |%n", ecc.flag(), r.fileBytes(), r.eccBytes(),
            100.0 * r.eccBytes() / r.bodyBytes(), n, ok == 0 ? 0.0 : (double) corrected / ok, unit, ok, seeds, refused, seeds, wrong);
      }
    }
    Files.deleteIfExists(file);
    Files.delete(dir);
  }
}
