package dev.fivefold.autodiff;

/**
 * The one table of derivative rules: for each primitive {@link Op}, the function that takes the
 * output's gradient g = dL/dy and adds dL/dx to each input that requires a gradient. The maths of
 * each rule is documented beside its forward.
 */
final class Derivatives {
  private Derivatives() {}

  static void apply(Var v) {
    switch (v.op) {
      case LEAF -> { }
      case ADD, SUB, MUL, DIV -> Elementwise.binaryBackward(v);
      case AFFINE -> Elementwise.affineBackward(v);
      case EXP, LOG, SQRT, POW, TANH, SIGMOID, RELU, GELU -> Elementwise.unaryBackward(v);
      case SUM, MEAN, MAX -> Reduce.alongBackward(v);
      case SUM_ALL -> Reduce.sumAllBackward(v);
      case MATMUL -> LinAlg.matmulBackward(v);
      case LINEAR -> LinAlg.linearBackward(v);
      case SOFTMAX, LOG_SOFTMAX -> Prob.softmaxBackward(v);
      case SOFTMAX_CROSS_ENTROPY -> Prob.softmaxCrossEntropyBackward(v);
      case MSE -> Prob.mseBackward(v);
      case LAYER_NORM -> Prob.layerNormBackward(v);
      case RESHAPE -> Shapes.reshapeBackward(v);
      case PERMUTE -> Shapes.permuteBackward(v);
      case SLICE -> Shapes.sliceBackward(v);
      case CONCAT -> Shapes.concatBackward(v);
      case EMBEDDING -> Lookup.embeddingBackward(v);
      case DROPOUT -> Lookup.dropoutBackward(v);
      case CONV2D -> Vision.conv2dBackward(v);
      case MAX_POOL2D, AVG_POOL2D -> Vision.poolBackward(v);
      case BATCH_NORM -> Norms.batchNormBackward(v);
      case LOCAL_RESPONSE_NORM -> Norms.localResponseNormBackward(v);
      case CAUSAL_ATTENTION, ATTENTION -> Attention.backward(v);
      case LSTM, GRU -> Recurrent.backward(v);
    }
  }
}
