/**
 * Post-training quantization of weights to int8 and int4: the uniform grids
 * ({@link dev.fivefold.compress.quant.UniformGrid}: symmetric and affine, per tensor, per output
 * channel or group-wise), round-to-nearest ({@link dev.fivefold.compress.quant.Rtn}) and the
 * error-compensating GPTQ ({@link dev.fivefold.compress.quant.Gptq}, from a calibration set's
 * second moments, {@link dev.fivefold.compress.quant.Calibration}); the quantized matrix and its
 * weight-only matrix–vector form ({@link dev.fivefold.compress.quant.QuantizedMatrix}); the
 * quantized checkpoint file ({@link dev.fivefold.compress.quant.QuantizedCheckpoint}); and the
 * experiment a command runs ({@link dev.fivefold.compress.quant.PostTrainingQuantization}).
 */
package dev.fivefold.compress.quant;
