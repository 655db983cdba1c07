package dev.fivefold.autodiff;

/**
 * The closed set of primitive operations the tape records. Each has exactly one derivative rule,
 * in {@link Derivatives}; anything else is composed from these.
 */
public enum Op {
  /** An input or a parameter. */
  LEAF,
  // elementwise with NumPy broadcasting
  ADD, SUB, MUL, DIV,
  /** x * c + d for constants c (farg) and d (saved as Float). */
  AFFINE,
  // unary
  EXP, LOG, SQRT, POW, TANH, SIGMOID, RELU, GELU,
  // reductions along one axis (args[0] = axis, args[1] = keepdim)
  SUM, MEAN, MAX,
  /** sum of all elements to a scalar */
  SUM_ALL,
  // linear algebra
  MATMUL, LINEAR,
  // normalisation and probability
  SOFTMAX, LOG_SOFTMAX, LAYER_NORM, SOFTMAX_CROSS_ENTROPY, MSE,
  // shape
  RESHAPE, PERMUTE, SLICE, CONCAT,
  // lookup and regularisation
  EMBEDDING, DROPOUT,
  // vision
  CONV2D, MAX_POOL2D, AVG_POOL2D,
  // normalisation across a batch or across channels (Norms): batch norm (args[0] = 1 in training),
  // local response normalisation (args = {size}, saved = the denominators' bases)
  BATCH_NORM, LOCAL_RESPONSE_NORM,
  // sequence: fused multi-head self-attention of qkv [B, T, 3C] (args[0] = heads, saved = P)
  CAUSAL_ATTENTION,
  /** bidirectional (encoder) attention: every position sees every key */
  ATTENTION,
  // recurrent layers over a whole sequence (Recurrent): saved = the gate activations
  LSTM, GRU
}
