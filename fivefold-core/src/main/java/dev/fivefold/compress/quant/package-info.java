/**
 * Post-training quantization of weights to int8 and int4: the uniform grids
 * ({@link dev.fivefold.compress.quant.UniformGrid}: symmetric and affine, per tensor, per output
 * channel or group-wise), round-to-nearest ({@link dev.fivefold.compress.quant.Rtn}) and the
 * error-compensating GPTQ ({@link dev.fivefold.compress.quant.Gptq}, from a calibration set's
 * second moments, {@link dev.fivefold.compress.quant.Calibration}); the quantized matrix and its
 * weight-only matrix–vector form ({@link dev.fivefold.compress.quant.QuantizedMatrix}); the
 * quantized checkpoint file ({@link dev.fivefold.compress.quant.QuantizedCheckpoint}); and the
 * experiments the commands run: {@link dev.fivefold.compress.quant.PostTrainingQuantization}
 * ({@code quantize}), {@link dev.fivefold.compress.quant.QuantizationComparison} ({@code quantize
 * --compare}: every weight, KV-cache and activation format of a GPT side by side) and
 * {@link dev.fivefold.compress.quant.RateDistortion} ({@code ratedistortion}: uniform, k-means
 * and entropy-constrained scalar quantization of every weight matrix against the Gaussian
 * rate–distortion bound).
 */
package dev.fivefold.compress.quant;
