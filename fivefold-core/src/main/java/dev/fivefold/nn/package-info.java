/**
 * Layers: {@link dev.fivefold.nn.Module} with named {@link dev.fivefold.nn.Parameter}s, train/eval
 * modes, forward hooks ({@link dev.fivefold.nn.ForwardHook}, each child's output as a model's
 * forward runs it) and deep copies ({@link dev.fivefold.nn.Module#copy}); Linear and Conv2d with
 * their weight dense or held as CSR for tape-free inference (the kernels {@link
 * dev.fivefold.nn.SparseLinear} and {@link dev.fivefold.nn.SparseConv2d}), Pool2d, activations,
 * Dropout, LayerNorm, Embedding, Sequential, CausalSelfAttention, TransformerBlock, the
 * variational bottleneck; initialisers in {@link dev.fivefold.nn.Init}. Parameter names match
 * PyTorch's state_dict names for the same architecture.
 */
package dev.fivefold.nn;
