package dev.fivefold.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fivefold.cli.CliTest.Result;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The compress tests' fixture: tiny generated Fashion-MNIST IDX files (256 train, 64 test images)
 * and an {@code mlp:784-32-16-10} trained on them for 2 epochs by the CLI.
 *
 * @param idx the IDX directory
 * @param ckpt the checkpoint
 */
record TinyCheckpoint(Path idx, Path ckpt) {
  /** Writes the data under {@code dir}/idx and trains into {@code dir}/run. */
  static TinyCheckpoint mlp(Path dir) throws IOException {
    System.setProperty("java.awt.headless", "true");
    Path idx = TinyFashion.write(dir.resolve("idx"), 256, 64);
    Path run = dir.resolve("run");
    Result r = CliTest.run("train", "--model", "mlp:784-32-16-10", "--data-dir", idx.toString(), "--epochs", "2", "--batch", "32",
        "--out", run.toString(), "--threads", "1");
    assertEquals(0, r.code(), r.err());
    return new TinyCheckpoint(idx, run.resolve("checkpoint.safetensors"));
  }
}
