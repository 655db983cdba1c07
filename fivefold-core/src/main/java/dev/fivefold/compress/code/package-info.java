/**
 * Order-0 entropy coders for symbol streams such as quantized weights: canonical length-limited
 * Huffman, a 32-bit range (arithmetic) coder with static and adaptive models, and interleaved rANS.
 *
 * <p>Every coder implements {@link dev.fivefold.compress.code.EntropyCoder}: {@code encode(int[],
 * alphabet)} returns one self-contained byte stream (header, table, payload), {@code decode}
 * returns the symbols and {@code layout} says how many bits each part took ({@link
 * dev.fivefold.compress.code.StreamLayout}). {@link dev.fivefold.compress.code.Entropy#bits} gives
 * the Shannon bound an order-0 coder is measured against, {@link
 * dev.fivefold.compress.code.Entropy#nmlRegretBits} the minimax price of not knowing the
 * distribution. Beyond order 0, {@link dev.fivefold.compress.code.ContextMaskCoder} codes a pruned
 * tensor's keep-mask with adaptive binary models selected by a {@link
 * dev.fivefold.compress.code.MaskContext} (column and row keep rates, neighbours in the input
 * image), and {@link dev.fivefold.compress.code.ContextCodesCoder} the kept weights' codebook
 * indices with adaptive models selected by a {@link dev.fivefold.compress.code.CodeContext} (the
 * decoded neighbours' mean code rank); both are measured against the conditional empirical
 * entropy of their contexts. Streams are written in layout version 2 (compact header, rounded-count tables);
 * version 1 still decodes. Bits are MSB-first ({@link
 * dev.fivefold.compress.code.BitWriter}, {@link dev.fivefold.compress.code.BitReader}).
 *
 * <p>Encoders throw {@link java.lang.IllegalArgumentException} for bad arguments (a symbol outside
 * the alphabet); decoders throw {@link dev.fivefold.io.BadInputException} for any corrupt or
 * truncated stream and bound every header field, so bad input never loops or allocates without
 * limit.
 */
package dev.fivefold.compress.code;
