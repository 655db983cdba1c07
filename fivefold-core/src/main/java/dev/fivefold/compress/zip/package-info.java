/**
 * {@code fivefold zip}: a lossless compressor whose model is a GPT that learns as it codes, mixed
 * with count-based context models, as context-mixing compressors (paq8, lpaq, cmix) and NNCP do.
 *
 * <p>The pipeline per bit: {@link dev.fivefold.compress.zip.ContextModels} (bit-history states of
 * orders 1–6 and 8, three word contexts, a sparse and a column context, each through a
 * {@link dev.fivefold.compress.zip.StateMap}), {@link dev.fivefold.compress.zip.MatchModel} and {@link dev.fivefold.compress.zip.NetworkModel}
 * give stretched probabilities; {@link dev.fivefold.compress.zip.Mixer}s combine them (online
 * logistic regression); {@link dev.fivefold.compress.zip.Apm}s refine; a 32-bit binary arithmetic
 * coder ({@link dev.fivefold.compress.zip.BinaryEncoder}) writes the bit. The public surface is
 * {@link dev.fivefold.compress.zip.Zip}, {@link dev.fivefold.compress.zip.Unzip},
 * {@link dev.fivefold.compress.zip.ZipSettings}, {@link dev.fivefold.compress.zip.CodingCurve} and
 * {@link dev.fivefold.compress.zip.ZipListener}.
 */
package dev.fivefold.compress.zip;
