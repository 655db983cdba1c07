/**
 * The {@code .ffz} model archive: {@link dev.fivefold.compress.archive.FfzArchive} writes and reads
 * {@link dev.fivefold.compress.QuantizedTensor}s with relative indices or context-coded keep-masks
 * ({@link dev.fivefold.compress.code.ContextMaskCoder}), entropy-coded streams,
 * CRC32C per section and an optional channel code ({@link dev.fivefold.compress.archive.Ecc});
 * {@link dev.fivefold.compress.archive.ArchiveReport} accounts for every byte;
 * {@link dev.fivefold.compress.archive.Fault} flips bits for the fault-injection experiment.
 */
package dev.fivefold.compress.archive;
