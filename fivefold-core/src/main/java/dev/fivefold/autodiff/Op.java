package dev.fivefold.autodiff;

/**
 * The closed set of primitive operations the tape records. Each has exactly one derivative rule,
 * in {@link Derivatives}; anything else is composed from these.
 */
public enum Op {
  /** An input or a parameter. */
  LEAF,
  // elementwise with NumPy broadcasting
  /** {@code a + b}. */
  ADD,
  /** {@code a − b}. */
  SUB,
  /** {@code a · b}, element-wise. */
  MUL,
  /** {@code a / b}, element-wise. */
  DIV,
  /** x * c + d for constants c (farg) and d (saved as Float). */
  AFFINE,
  // unary
  /** {@code e^x}. */
  EXP,
  /** Natural logarithm. */
  LOG,
  /** Square root. */
  SQRT,
  /** {@code x^p} for a constant p (farg). */
  POW,
  /** Hyperbolic tangent. */
  TANH,
  /** Logistic sigmoid {@code 1/(1 + e^−x)}. */
  SIGMOID,
  /** {@code max(x, 0)}. */
  RELU,
  /** GELU, tanh approximation. */
  GELU,
  // reductions along one axis (args[0] = axis, args[1] = keepdim)
  /** Sum along one axis. */
  SUM,
  /** Mean along one axis. */
  MEAN,
  /** Maximum along one axis (the gradient goes to the first maximal element). */
  MAX,
  /** sum of all elements to a scalar */
  SUM_ALL,
  // linear algebra
  /** Batched matrix product {@code [..., M, K] · [..., K, N]}. */
  MATMUL,
  /** {@code x·Wᵀ + b}. */
  LINEAR,
  // normalisation and probability
  /** Softmax along the last axis. */
  SOFTMAX,
  /** Log-softmax along the last axis. */
  LOG_SOFTMAX,
  /** Layer normalisation over the last axis. */
  LAYER_NORM,
  /** Fused softmax and mean cross-entropy against class indices. */
  SOFTMAX_CROSS_ENTROPY,
  /** Mean squared error. */
  MSE,
  // shape
  /** Same data, another shape (a view). */
  RESHAPE,
  /** Axis permutation (a copy). */
  PERMUTE,
  /** A range along one axis (a copy). */
  SLICE,
  /** Concatenation along one axis. */
  CONCAT,
  // lookup and regularisation
  /** Rows of a table at integer indices. */
  EMBEDDING,
  /** Inverted dropout (the mask saved). */
  DROPOUT,
  // vision
  /** 2-D convolution by im2col and GEMM. */
  CONV2D,
  /** 2-D max pooling (the argmax saved). */
  MAX_POOL2D,
  /** 2-D average pooling. */
  AVG_POOL2D,
  // normalisation across a batch or across channels (Norms): batch norm (args[0] = 1 in training),
  // local response normalisation (args = {size}, saved = the denominators' bases)
  /** Batch normalisation over axis 1. */
  BATCH_NORM,
  /** Local response normalisation across channels. */
  LOCAL_RESPONSE_NORM,
  // sequence: fused multi-head self-attention of qkv [B, T, 3C] (args[0] = heads, saved = P)
  /** Causal (decoder) attention: position t sees keys 0..t. */
  CAUSAL_ATTENTION,
  /** bidirectional (encoder) attention: every position sees every key */
  ATTENTION,
  // recurrent layers over a whole sequence (Recurrent): saved = the gate activations
  /** One LSTM layer over a sequence. */
  LSTM,
  /** One GRU layer over a sequence. */
  GRU
}
