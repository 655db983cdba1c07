/**
 * Optimizers as composable {@link dev.fivefold.optim.GradientTransform}s (optax style), gradient
 * {@link dev.fivefold.optim.Clipping} as the first link of a chain, their state, and the
 * learning-rate actuator.
 */
package dev.fivefold.optim;
