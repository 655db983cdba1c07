/**
 * Token-by-token generation for the GPT without the tape: {@link dev.fivefold.perception.generate.Decoder}
 * runs one position at a time against per-layer cached keys and values
 * ({@link dev.fivefold.perception.generate.KvCache}, float32 or int8/int4 per head), each linear
 * map a batch-1 matrix–vector product ({@link dev.fivefold.perception.generate.RowLinear}: float32
 * panels, or weight-only int8/int4 dequantised in registers);
 * {@link dev.fivefold.perception.generate.Generator} samples from it with a sliding window once
 * the context is full and measures tokens per second.
 */
package dev.fivefold.perception.generate;
