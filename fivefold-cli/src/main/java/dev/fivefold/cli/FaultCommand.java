package dev.fivefold.cli;

import dev.fivefold.compress.DeepCompression;
import dev.fivefold.compress.archive.ArchiveReport;
import dev.fivefold.compress.archive.Ecc;
import dev.fivefold.compress.archive.Fault;
import dev.fivefold.compress.archive.FfzArchive;
import dev.fivefold.data.Dataset;
import dev.fivefold.io.AtomicFiles;
import dev.fivefold.io.Json;
import dev.fivefold.nn.Module;
import dev.fivefold.perception.Models;
import dev.fivefold.train.ClassificationTask;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code fivefold fault}: flips random bits of an archive and decodes it. */
@Command(name = "fault", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Fault injection: flip N distinct random bits of an .ffz archive after its 16-byte preamble (seeded), then decode it. "
        + "Without ECC the reader refuses (\"corrupt archive\", exit 2); with --ecc hamming or rs the flips are corrected and the "
        + "test accuracy is the same as that of the intact archive. Prints the ECC overhead and what was corrected.",
        "Writes a run folder (--out): fault.csv (the trial as one row) and metrics.json (its outcome: intact, corrected, refused "
            + "or different), which serve lists.", "",
        "Examples:",
        "  ./fivefold fault mlp-rs.ffz --flip 64 --seed 3",
        "  ./fivefold fault mlp.ffz --flip 1 --flipped mlp-flipped.ffz",
        "  ./fivefold fault mlp.ffz --ecc hamming --flip 8         re-encoded with SECDED Hamming first", ""})
final class FaultCommand extends Subcommand {
  @Mixin Common common = new Common();

  @Parameters(paramLabel = "M.ffz", description = "An archive written by fivefold compress.")
  Path file;

  @Option(names = "--flip", paramLabel = "N", defaultValue = "1", description = "Bits to flip (default: ${DEFAULT-VALUE}).")
  int flip;

  @Option(names = "--ecc", paramLabel = "none|hamming|rs",
      description = "Re-encode the archive with this channel code (same codec) before flipping (default: as it is).")
  String ecc;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Directory with the Fashion-MNIST IDX files (default: the archive's).")
  Path dataDir;

  @Option(names = "--flipped", paramLabel = "FILE", description = "Also write the flipped archive here.")
  Path flippedFile;

  @Option(names = "--out", paramLabel = "DIR", description = "Run folder (default: runs/fault-<time>).")
  Path out;

  @Override
  public Integer call() throws IOException {
    common.apply();
    common.atLeast("--flip", flip, 0);
    if (!Files.exists(file)) throw new NoSuchFileException(file.toString());
    dev.fivefold.io.InputFiles.requireRegular(file, "archive");
    byte[] bytes = Files.readAllBytes(file);
    FfzArchive.Decoded intact = FfzArchive.decode(bytes.clone(), file.toString());
    if (ecc != null) {
      // context models where shorter if the archive has any, else order-0 streams as it had
      boolean context = intact.report().tensors().stream()
          .anyMatch(t -> t.mask() || t.codes().layout().coder().equals(dev.fivefold.compress.code.ContextCodesCoder.NAME));
      FfzArchive.Options o = FfzArchive.Options.defaults().withCoder(dev.fivefold.compress.code.Coders.byName(intact.report().codec())).withEcc(Ecc.parse(ecc))
          .withModelling(context ? FfzArchive.Modelling.SHORTER : FfzArchive.Modelling.ORDER0);
      bytes = DeepCompression.smallest(intact.model(), o).bytes();
      intact = FfzArchive.decode(bytes.clone(), file.toString());
    }
    ArchiveReport r = intact.report();
    long range = 8L * (bytes.length - FfzArchive.PREAMBLE_BYTES);
    if (flip > range) throw common.bad("--flip (" + flip + ") exceeds the " + range + " bits after the preamble");
    long[] flipped = Fault.flipBits(bytes, FfzArchive.PREAMBLE_BYTES, bytes.length, flip, common.seed);
    if (flippedFile != null) AtomicFiles.writeBytes(flippedFile, bytes);
    Path run = Common.runFolder(out, "fault");
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("archive", file.toString());
    row.put("spec", intact.model().spec());
    row.put("file_bytes", r.fileBytes());
    row.put("ecc", r.ecc().flag());
    row.put("ecc_bytes", r.eccBytes());
    row.put("body_bytes", r.bodyBytes());
    row.put("flipped_bits", flip);
    row.put("bytes_touched", Fault.bytesTouched(flipped));
    row.put("seed", common.seed);
    stdout.printf(Locale.ROOT, "%s: %,d B, ecc %s: overhead %,d B (%.1f%% of the %,d B body); flipped %d bits in %d bytes (seed %d)%n", file,
        r.fileBytes(), r.ecc().flag(), r.eccBytes(), 100.0 * r.eccBytes() / r.bodyBytes(), r.bodyBytes(), flip, Fault.bytesTouched(flipped),
        common.seed);
    FfzArchive.Decoded d;
    try {
      d = FfzArchive.decode(bytes, file + " with " + flip + " flipped bits"); // refuses: BadInputException, exit 2
    } catch (RuntimeException e) {
      row.put("outcome", "refused");
      row.put("error", Main.oneLine(String.valueOf(e.getMessage())));
      record(run, row);
      throw e;
    }
    String unit = r.ecc().flag().equals("rs") ? "bytes" : "bits";
    row.put("corrected", d.correction().corrected());
    row.put("corrected_unit", unit);
    row.put("uncorrectable", d.correction().uncorrectable());
    stdout.printf(Locale.ROOT, "decoded: %d %s corrected, %d uncorrectable; weights %s%n", d.correction().corrected(), unit,
        d.correction().uncorrectable(), d.model().equals(intact.model()) ? "bit-identical to the intact archive" : "DIFFERENT");
    if (!d.model().equals(intact.model())) {
      row.put("outcome", "different");
      record(run, row);
      throw new IllegalStateException(file + ": decoded model differs from the intact one");
    }
    row.put("outcome", flip == 0 ? "intact" : "corrected");
    Path dir = dataDir;
    if (dir == null && d.model().metadata().containsKey("data-dir")) dir = Path.of(d.model().metadata().get("data-dir"));
    Dataset test = Inputs.images(null, dir, stderr)[1];
    Module a = Models.create(intact.model().spec(), 0), b = Models.create(d.model().spec(), 0);
    DeepCompression.load(intact.model(), a, file.toString());
    DeepCompression.load(d.model(), b, file.toString());
    double accA = ClassificationTask.evaluate(a, test, 1000).get("accuracy"), accB = ClassificationTask.evaluate(b, test, 1000).get("accuracy");
    stdout.printf(Locale.ROOT, "test accuracy: intact %.4f | after %d flips %.4f%n", accA, flip, accB);
    row.put("accuracy_intact", accA);
    row.put("accuracy_after", accB);
    record(run, row);
    stdout.println("run folder " + run);
    return 0;
  }

  /**
   * Writes the trial: fault.csv (a header and one row) and metrics.json ({@code command},
   * {@code model}, {@code outcome}, the row, and its numbers under {@code final}, which serve shows).
   */
  static void record(Path run, Map<String, Object> row) throws IOException {
    StringBuilder head = new StringBuilder(), line = new StringBuilder();
    for (var e : row.entrySet()) {
      if (!head.isEmpty()) {
        head.append(',');
        line.append(',');
      }
      head.append(e.getKey());
      String v = String.valueOf(e.getValue());
      line.append(v.contains(",") || v.contains("\"") ? "\"" + v.replace("\"", "\"\"") + "\"" : v);
    }
    AtomicFiles.writeString(run.resolve("fault.csv"), head + "\n" + line + "\n");
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("command", "fault");
    meta.put("model", row.get("spec"));
    meta.put("outcome", row.get("outcome"));
    meta.put("trial", row);
    Map<String, Object> fin = new LinkedHashMap<>();
    for (var e : row.entrySet()) if (e.getValue() instanceof Number) fin.put(e.getKey(), e.getValue());
    meta.put("final", fin);
    AtomicFiles.writeString(run.resolve("metrics.json"), Json.pretty(meta));
  }

}
