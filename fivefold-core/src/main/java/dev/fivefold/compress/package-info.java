/**
 * Model compression: pruning, quantization and weight sharing, sparse storage, distillation and
 * the model archive. {@link dev.fivefold.compress.QuantizedTensor} is the unit between them.
 */
package dev.fivefold.compress;
