/**
 * Layers: {@link dev.fivefold.nn.Module} with named {@link dev.fivefold.nn.Parameter}s and
 * train/eval modes; Linear, Conv2d, Pool2d, activations, Dropout, LayerNorm, Embedding,
 * Sequential, CausalSelfAttention, TransformerBlock; initialisers in {@link dev.fivefold.nn.Init}.
 * Parameter names match PyTorch's state_dict names for the same architecture.
 */
package dev.fivefold.nn;
