package dev.fivefold.cli;

import dev.fivefold.compress.zip.Unzip;
import dev.fivefold.io.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code fivefold unzip}: restores the file of an .ffx archive ({@link Unzip}). */
@Command(name = "unzip", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Restore the file of a `fivefold zip` archive byte for byte (checked by CRC32C). The output is written to a "
        + "temporary file and moved into place, so a corrupt or truncated archive leaves nothing behind.", "",
        "Examples:",
        "  ./fivefold unzip kjv.txt.ffx                 -> kjv.txt",
        "  ./fivefold unzip kjv.txt.ffx -o copy.txt", ""})
final class UnzipCommand extends Subcommand {
  @Mixin Common common = new Common();

  @Parameters(paramLabel = "ARCHIVE", description = "The .ffx archive.")
  Path archive;

  @Option(names = {"-o", "--out"}, paramLabel = "FILE", description = "The file to write (default: ARCHIVE without .ffx, or ARCHIVE.out).")
  Path out;

  @Option(names = "--force", description = "Overwrite FILE if it exists.")
  boolean force;

  @Option(names = "--model", paramLabel = "CKPT", description = "The checkpoint a static-mode archive was coded with.")
  Path model;

  @Override
  public Integer call() throws IOException {
    common.apply();
    String a = archive.toString();
    Path o = out != null ? out : Path.of(a.endsWith(".ffx") && a.length() > 4 ? a.substring(0, a.length() - 4) : a + ".out");
    if (Files.exists(o) && !force) throw new BadInputException(o + ": exists (use --force to overwrite, or -o FILE)");
    Unzip.Result r;
    try (ZipCommand.Bar bar = new ZipCommand.Bar(stderr, "unzip")) {
      r = Unzip.decompress(new Unzip.Config(archive, o, model), bar);
    }
    stdout.printf("%s -> %s: %d bytes in %.1f s (%.1f KB/s), CRC32C checked%n", archive, o, r.outputBytes(), r.seconds(), r.kbPerSecond());
    return 0;
  }
}
